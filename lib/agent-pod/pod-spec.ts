/**
 * Where the baseline meets cdk8s-plus-28. The L2 `kplus.Deployment` leaves out the pod-level
 * seccompProfile, emits no runAsUser/runAsGroup by default, cannot express ephemeral-storage below
 * 1Gi, and adds a startup probe and a path-hash selector label of its own. Rather than patch its
 * output after the fact, the agent's pod spec is written here, once, with cdk8s-plus-28's typed
 * Kubernetes 1.28 API (`k8s.*`): every field the baseline needs is set by this file and nowhere else.
 */
import { k8s } from 'cdk8s-plus-28';
import {
  APPARMOR_ANNOTATION_PREFIX,
  APPARMOR_ANNOTATION_VALUE,
  APPARMOR_FIELD_MIN_MINOR,
  APPARMOR_PROFILE_TYPE,
  containerSecurityContext,
  podSecurityContext,
} from '../core';
import { AgentPort, AgentProbe } from './props';
import type { ResolvedResources } from './validate-props';

/** A container of the agent's pod, before hardening. */
export interface ContainerInput {
  readonly name: string;
  readonly image: string;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly resources: ResolvedResources;
  readonly ports?: readonly AgentPort[];
  readonly envFrom?: readonly k8s.EnvFromSource[];
  readonly volumeMounts?: readonly k8s.VolumeMount[];
  readonly readinessProbe?: AgentProbe;
  readonly livenessProbe?: AgentProbe;
}

export interface PodInput {
  readonly serviceAccountName: string;
  readonly runAsUser: number;
  readonly runAsGroup: number;
  readonly fsGroup: number;
  readonly kubernetesMinor: number;
  readonly priorityClassName: string;
  readonly selectorLabels: Record<string, string>;
  readonly containers: readonly ContainerInput[];
  readonly initContainers: readonly ContainerInput[];
  readonly volumes: readonly k8s.Volume[];
  readonly runtimeClassName?: string;
  /** `Never` for pods that run to completion. @default the API's default (Always) */
  readonly restartPolicy?: 'Never';
  /** Spread replicas across nodes and zones. @default true */
  readonly spread?: boolean;
  /** Set on pods with durable volumes, so a restart does not re-own every file. @default the API's default (Always) */
  readonly fsGroupChangePolicy?: 'OnRootMismatch';
}

function quantities(values: Record<string, string>): Record<string, k8s.Quantity> {
  const out: Record<string, k8s.Quantity> = {};
  for (const key of Object.keys(values).sort()) out[key] = k8s.Quantity.fromString(values[key]);
  return out;
}

function probe(p: AgentProbe | undefined, ports: readonly AgentPort[]): k8s.Probe | undefined {
  if (!p) return undefined;
  const port = k8s.IntOrString.fromString(p.httpGet?.port ?? p.tcpSocket?.port ?? ports[0]?.name ?? '');
  return {
    httpGet: p.httpGet ? { path: p.httpGet.path, port, scheme: 'HTTP' } : undefined,
    tcpSocket: p.tcpSocket ? { port } : undefined,
    exec: p.exec ? { command: [...p.exec.command] } : undefined,
    initialDelaySeconds: p.initialDelaySeconds,
    periodSeconds: p.periodSeconds,
    failureThreshold: p.failureThreshold,
    timeoutSeconds: p.timeoutSeconds,
  };
}

function container(input: ContainerInput, pod: PodInput): k8s.Container {
  const securityContext: k8s.SecurityContext = {
    ...containerSecurityContext(pod.runAsUser, pod.runAsGroup),
    capabilities: { drop: ['ALL'] },
  };
  return {
    name: input.name,
    image: input.image,
    imagePullPolicy: 'Always',
    command: input.command ? [...input.command] : undefined,
    args: input.args ? [...input.args] : undefined,
    ports: input.ports?.map((p) => ({ name: p.name, containerPort: p.port, protocol: p.protocol ?? 'TCP' })),
    envFrom: input.envFrom ? [...input.envFrom] : undefined,
    resources: { requests: quantities(input.resources.requests), limits: quantities(input.resources.limits) },
    readinessProbe: probe(input.readinessProbe, input.ports ?? []),
    livenessProbe: probe(input.livenessProbe, input.ports ?? []),
    securityContext,
    volumeMounts: input.volumeMounts && input.volumeMounts.length > 0 ? [...input.volumeMounts] : undefined,
    terminationMessagePolicy: 'FallbackToLogsOnError',
  };
}

/** AppArmor is a field from 1.30; before that only the beta annotation exists. */
export function appArmorAnnotations(
  pod: Pick<PodInput, 'kubernetesMinor' | 'containers' | 'initContainers'>,
): Record<string, string> {
  if (pod.kubernetesMinor >= APPARMOR_FIELD_MIN_MINOR) return {};
  const out: Record<string, string> = {};
  for (const c of [...pod.initContainers, ...pod.containers])
    out[`${APPARMOR_ANNOTATION_PREFIX}${c.name}`] = APPARMOR_ANNOTATION_VALUE;
  return out;
}

function hardenedPodSpec(pod: PodInput): k8s.PodSpec {
  const selector = { matchLabels: { ...pod.selectorLabels } };
  const securityContext: k8s.PodSecurityContext = {
    ...podSecurityContext(pod.runAsUser, pod.runAsGroup, pod.fsGroup),
    fsGroupChangePolicy: pod.fsGroupChangePolicy,
  };
  const spread = pod.spread ?? true;
  return {
    serviceAccountName: pod.serviceAccountName,
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    priorityClassName: pod.priorityClassName,
    runtimeClassName: pod.runtimeClassName,
    restartPolicy: pod.restartPolicy,
    securityContext,
    initContainers: pod.initContainers.length > 0 ? pod.initContainers.map((c) => container(c, pod)) : undefined,
    containers: pod.containers.map((c) => container(c, pod)),
    volumes: pod.volumes.length > 0 ? [...pod.volumes] : undefined,
    affinity: spread
      ? {
          podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: selector } },
            ],
          },
        }
      : undefined,
    topologySpreadConstraints: spread
      ? [
          {
            maxSkew: 1,
            topologyKey: 'kubernetes.io/hostname',
            whenUnsatisfiable: 'ScheduleAnyway',
            labelSelector: selector,
          },
          {
            maxSkew: 1,
            topologyKey: 'topology.kubernetes.io/zone',
            whenUnsatisfiable: 'ScheduleAnyway',
            labelSelector: selector,
          },
        ]
      : undefined,
  };
}

/** JSON for the pod spec. Fields newer than the 1.28 typings (appArmorProfile) are added after conversion. */
export function hardenedPodSpecJson(pod: PodInput): Record<string, unknown> {
  const json = k8s.toJson_PodSpec(hardenedPodSpec(pod)) as Record<string, unknown>;
  if (pod.kubernetesMinor >= APPARMOR_FIELD_MIN_MINOR) {
    const sc = json.securityContext as Record<string, unknown>;
    json.securityContext = { ...sc, appArmorProfile: { type: APPARMOR_PROFILE_TYPE } };
  }
  return json;
}
