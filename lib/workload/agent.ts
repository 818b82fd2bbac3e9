import { ApiObject, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  DEFAULT_FS_GROUP,
  DEFAULT_REPLICAS,
  DEFAULT_RUN_AS_GROUP,
  DEFAULT_RUN_AS_USER,
  DEFAULT_WRITABLE_PATHS,
  MANAGED_BY,
  checkProps,
  MAX_TOKEN_EXPIRATION_SECONDS,
  PROJECTED_TOKEN_MOUNT_DIR,
  IMAGE_DIGEST_RULE_ID,
  WAIVER_ANNOTATION,
  firstDuplicate,
  invalidProp,
  requireDnsLabel,
  requireInteger,
  requireLabelValue,
  requireUserLabelKey,
  requireReason,
  requireTokenAudience,
  requireTokenMountPath,
} from '../core';
import { AgentNamespace } from '../namespace/namespace';
import { PodBudget, effectivePodAmounts } from '../namespace/quota-budget';
import { imagePolicyViolations } from '../image-policy/policy';
import { AgentApiAccess } from '../rbac/agent-access';
import { ApiGrant } from '../rbac/grant';
import { AgentNetworkPolicy, AgentPeerRef, InternetEgress, NetworkPeer, PortRef } from '../network';
import { AgentPlatform } from '../platform/platform';
import { Suppressions } from '../platform/suppressions';
import { recordBaselinePieces } from '../platform/records';
import { applyAgentControls } from '../guardrails/agent-controls';
import type { AgentGuardrails } from '../guardrails/guardrails';
import { AgentEdgeIdentity } from '../identity/identity';
import { AgentVaultSecrets } from '../vault/secrets';
import type { AgentVaultSecretsProps } from '../vault/types';
import { ContainerInput, appArmorAnnotations, hardenedPodSpecJson } from './pod-spec';
import { AgentPort, AgentProbe, HardenedAgentProps } from './props';
import { HARDENED_AGENT_PROPS_SCHEMA } from './schema';
import {
  ResolvedResources,
  checkConfig,
  checkIds,
  checkImage,
  checkPorts,
  checkProbe,
  checkWritablePaths,
  resolveResources,
} from './validate-props';

/** One extra pod at a time during a rollout, and none taken away: capacity never drops. */
const ROLLING_UPDATE_MAX_SURGE = 1;

/** The main container's name in every agent pod. */
export const AGENT_CONTAINER_NAME = 'agent';

/** A projected ServiceAccount token an agent needs (Vault login, API access). */
export interface ProjectedTokenOptions {
  /** Audience the token is issued for: the API server, `vault`, … */
  readonly audience: string;
  /** Lifetime, at most 3600 s. @default 3600 */
  readonly expirationSeconds?: number;
  /** Volume name. @default 'token-<audience>' */
  readonly volumeName?: string;
  /** Where the token directory is mounted in the agent container. @default '/var/run/secrets/tokens/<volumeName>' */
  readonly mountPath?: string;
  /** Mount it in the agent container. @default true */
  readonly mount?: boolean;
}

/** A mount of an added volume into the agent container. */
export interface AgentVolumeMount {
  readonly mountPath: string;
  /** @default true */
  readonly readOnly?: boolean;
  readonly subPath?: string;
}

/** One recorded weakening of the baseline. */
export interface Waiver {
  /** The control that is weakened (a rule ID or a short name). */
  readonly control: string;
  readonly reason: string;
}

/**
 * An AI agent as a hardened Deployment: a dedicated ServiceAccount with no token, a pod that
 * passes Pod Security "restricted" and the scanner-consensus profile, a ClusterIP Service when it
 * listens, and a PodDisruptionBudget when it has more than one replica.
 *
 * ```ts
 * const assistant = new HardenedAgent(ns, 'assistant', {
 *   image: 'ghcr.io/acme/assistant:1.4.2@sha256:…',
 *   ports: [{ name: 'http', port: 8080 }],
 * });
 * ```
 */
export class HardenedAgent extends Construct {
  public readonly agentName: string;
  public readonly namespace: AgentNamespace;
  public readonly platform: AgentPlatform;
  public readonly ports: readonly AgentPort[];
  public readonly replicas: number;
  public readonly serviceAccountName: string;
  /** Labels that select this agent's pods. */
  public readonly selectorLabels: Record<string, string>;
  /** Labels on the agent's pods and objects. */
  public readonly labels: Record<string, string>;
  public readonly deployment: ApiObject;
  public readonly serviceAccount: ApiObject;
  public readonly service?: ApiObject;
  public readonly configMap?: ApiObject;
  public readonly podDisruptionBudget?: ApiObject;
  /** Bounds on what the agent creates, when it declares `guardrails`. */
  public readonly guardrails?: AgentGuardrails;
  /** The agent's network policies; grant methods below add to them. */
  public readonly network: AgentNetworkPolicy;

  /** UID of the agent's containers; the injected Vault Agent runs as the same. */
  public readonly runAsUser: number;
  /** GID of the agent's containers. */
  public readonly runAsGroup: number;
  private readonly fsGroup: number;
  private readonly mainContainer: ContainerInput;
  private readonly initContainers: ContainerInput[];
  private readonly volumes: k8s.Volume[] = [];
  private readonly mounts: k8s.VolumeMount[] = [];
  private readonly podAnnotations: Record<string, string> = {};
  private readonly waivers: Waiver[] = [];
  private readonly injectedImages: Array<{ image: string; setting: string }> = [];
  private readonly sidecarResources: ResolvedResources[] = [];
  private runtimeClassName?: string;
  private apiAccess?: AgentApiAccess;

  constructor(scope: Construct, id: string, props: HardenedAgentProps) {
    super(scope, id);
    checkProps(this, HARDENED_AGENT_PROPS_SCHEMA, props);
    this.namespace = AgentNamespace.find(this);
    this.platform = this.namespace.platform;
    this.agentName = requireDnsLabel(this, 'name', props.name ?? id, 50);
    this.namespace.registerAgent(this.agentName, this.node.path);
    this.ports = props.ports ?? [];
    checkPorts(this, this.ports);
    this.replicas = requireInteger(this, 'replicas', props.replicas ?? DEFAULT_REPLICAS, 1, 1000);
    checkIds(this, props);
    this.runAsUser = props.runAsUser ?? DEFAULT_RUN_AS_USER;
    this.runAsGroup = props.runAsGroup ?? DEFAULT_RUN_AS_GROUP;
    this.fsGroup = props.fsGroup ?? DEFAULT_FS_GROUP;
    this.serviceAccountName = this.agentName;
    this.selectorLabels = { 'app.kubernetes.io/name': this.agentName, 'app.kubernetes.io/instance': this.agentName };
    this.labels = {
      ...this.checkLabels(props.labels ?? {}),
      ...this.selectorLabels,
      'app.kubernetes.io/component': 'agent',
      'app.kubernetes.io/part-of': this.namespace.name,
      'app.kubernetes.io/managed-by': MANAGED_BY,
    };

    checkImage(this, 'image', props.image, props.allowUnpinnedImage);
    if (props.allowUnpinnedImage) this.addWaiver(IMAGE_DIGEST_RULE_ID, props.allowUnpinnedImage.reason);
    const resources = resolveResources(this, 'resources', props.resources, this.namespace.containerLimitMax);
    this.initContainers = this.resolveInitContainers(props, resources);
    const writablePaths = props.writablePaths ?? DEFAULT_WRITABLE_PATHS;
    checkWritablePaths(this, writablePaths);
    writablePaths.forEach((path, i) =>
      this.addVolume(
        {
          name: `writable-${i}`,
          emptyDir: { sizeLimit: k8s.Quantity.fromString(resources.limits['ephemeral-storage']) },
        },
        { mountPath: path, readOnly: false },
      ),
    );

    this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.serviceAccountName, labels: this.labels },
      automountServiceAccountToken: false,
    });
    this.configMap = this.createConfigMap(props.config ?? {});
    this.mainContainer = {
      name: AGENT_CONTAINER_NAME,
      image: props.image,
      command: props.command,
      args: props.args,
      resources,
      ports: this.ports,
      envFrom: this.configMap ? [{ configMapRef: { name: this.configMap.name } }] : undefined,
      volumeMounts: this.mounts,
      ...this.resolveProbes(props),
    };
    this.deployment = this.createDeployment();
    if (this.waivers.length > 0) this.recordWaivers();
    if (this.configMap) this.deployment.addDependency(this.configMap);
    this.deployment.addDependency(this.serviceAccount);
    this.service = this.createService();
    this.podDisruptionBudget = this.createPdb();
    this.namespace.registerPodBudget(() => this.podBudget());
    // A validation, not a check here: the platform's ImagePolicy may be created after its agents.
    this.node.addValidation({
      validate: () => this.imageViolations(),
    });
    this.network = new AgentNetworkPolicy(this, 'Network', {
      ...props.network,
      agent: this,
      settings: this.platform.settings,
    });
    (props.apiGrants ?? []).forEach((grant) => this.grantApiAccess(grant));
    this.guardrails = applyAgentControls(this, props);
    if (props.identity) new AgentEdgeIdentity(this, 'Identity', props.identity);
    if (props.secrets) this.addVaultSecrets(props.secrets);
    recordBaselinePieces(this);
  }

  /** Every image the agent's pod runs, init containers included. */
  public get images(): readonly string[] {
    return [
      ...this.initContainers.map((c) => c.image),
      this.mainContainer.image,
      ...this.injectedImages.map((i) => i.image),
    ];
  }

  /**
   * Records an image that a mutating webhook adds to the pod (the Vault Agent), so the platform's
   * image policy judges it at synth as admission will. `setting` names where the user pins it.
   */
  public addInjectedImage(image: string, setting: string): void {
    if (!this.injectedImages.some((i) => i.image === image)) this.injectedImages.push({ image, setting });
  }

  /**
   * Counts a container that a webhook injects next to the agent (the Vault Agent) against the
   * namespace quota, so the quota check sees the pod as the API server will.
   */
  public addSidecarResources(resources: ResolvedResources): void {
    this.sidecarResources.push(resources);
  }

  /** Adds a volume to the pod, and optionally mounts it (read-only by default) into the agent container. */
  public addVolume(volume: k8s.Volume, mount?: AgentVolumeMount): void {
    if (this.volumes.some((v) => v.name === volume.name))
      invalidProp(this, `volumes.${volume.name}`, volume.name, 'a volume name not already used by this agent');
    this.volumes.push(volume);
    if (mount)
      this.mounts.push({
        name: volume.name,
        mountPath: mount.mountPath,
        readOnly: mount.readOnly ?? true,
        subPath: mount.subPath,
      });
  }

  /** Adds annotations to the pod template (Vault injector, Istio, …). */
  public addPodAnnotations(annotations: Record<string, string>): void {
    for (const [key, value] of Object.entries(annotations)) {
      if (this.podAnnotations[key] !== undefined && this.podAnnotations[key] !== value) {
        invalidProp(this, `podAnnotations.${key}`, value, `the value already set (${this.podAnnotations[key]})`);
      }
      this.podAnnotations[key] = value;
    }
  }

  /**
   * Gives the pod a short-lived, audience-bound ServiceAccount token as a projected volume. The
   * legacy automounted token stays off; this is the only way an agent gets a token.
   */
  public addProjectedServiceAccountToken(options: ProjectedTokenOptions): string {
    const audience = requireTokenAudience(this, 'token.audience', options.audience);
    const expirationSeconds = requireInteger(
      this,
      'token.expirationSeconds',
      options.expirationSeconds ?? MAX_TOKEN_EXPIRATION_SECONDS,
      600,
      MAX_TOKEN_EXPIRATION_SECONDS,
      'long-lived tokens outlive the agent that holds them',
    );
    const volumeName = requireDnsLabel(
      this,
      'token.volumeName',
      options.volumeName ?? `token-${audience.replace(/[^a-z0-9-]/g, '-')}`,
    );
    const existing = this.volumes.find((v) => v.name === volumeName);
    if (existing) return volumeName;
    if (options.mountPath !== undefined) requireTokenMountPath(this, 'token.mountPath', options.mountPath);
    const mount =
      options.mount === false
        ? undefined
        : { mountPath: options.mountPath ?? `${PROJECTED_TOKEN_MOUNT_DIR}/${volumeName}`, readOnly: true };
    this.addVolume(
      {
        name: volumeName,
        projected: { sources: [{ serviceAccountToken: { audience, expirationSeconds, path: 'token' } }] },
      },
      mount,
    );
    return volumeName;
  }

  /**
   * Grants Kubernetes API access to the agent's own ServiceAccount: a rule of the Role
   * `<agent>-api` (or of a ClusterRole, for `clusterWide`), plus a projected API token. Refused
   * permissions (wildcards, secrets, exec, escalation, …) throw; see lib/rbac/risks.ts.
   */
  public grantApiAccess(grant: ApiGrant): void {
    this.apiAccess ??= new AgentApiAccess(this, 'ApiAccess');
    this.apiAccess.grant(grant);
  }

  /** The agent's Role, once it has a namespaced grant. */
  public get apiRole(): ApiObject | undefined {
    return this.apiAccess?.role;
  }

  /** Runs the pod under a RuntimeClass (gVisor, Kata). */
  public setRuntimeClassName(name: string): void {
    this.runtimeClassName = requireDnsLabel(this, 'runtimeClassName', name);
  }

  /**
   * Lets `peer` connect to this agent on `port` (a declared port name or number; all declared
   * ports by default). For another agent, that agent also needs `allowEgressTo(this)`.
   */
  public allowIngressFrom(peer: AgentPeerRef | NetworkPeer, port?: PortRef): void {
    this.network.addIngress(peer, port === undefined ? undefined : [port]);
  }

  /** Lets this agent connect to `peer` on `port` (required except for agents, where it defaults to all their ports). */
  public allowEgressTo(peer: AgentPeerRef | NetworkPeer, port?: PortRef): void {
    this.network.addEgress(peer, port === undefined ? undefined : [port]);
  }

  /** Lets this agent connect to a DNS name (default port 443). Needs the cluster setting `cni: 'cilium'`. */
  public allowEgressToFqdn(fqdn: string, port?: PortRef): void {
    this.network.addFqdnEgress(fqdn, port === undefined ? undefined : [port]);
  }

  /** Lets this agent reach the public internet (default TCP 443), metadata and private ranges excepted. */
  public allowEgressToInternet(options?: InternetEgress): void {
    this.network.addInternetEgress(options);
  }

  /** Lets this agent reach the Vault server pods on the Vault port (injector mode). */
  public allowEgressToVault(): void {
    this.network.addVaultEgress();
  }

  /**
   * Delivers secrets from Vault as read-only files under /vault/secrets, through the injector, the
   * Vault Secrets Operator or the CSI driver; see lib/vault. One declaration per agent.
   */
  public addVaultSecrets(props: AgentVaultSecretsProps): AgentVaultSecrets {
    const existing = AgentVaultSecrets.of(this);
    if (existing)
      invalidProp(this, 'secrets', props, 'one Vault declaration per agent: list every secret in its items');
    return new AgentVaultSecrets(this, 'VaultSecrets', props);
  }

  /**
   * Records an explicit weakening of the baseline on the Deployment, with its reason. `rule` is the
   * rule engine's ID of the control weakened: the waiver also suppresses that rule on the
   * Deployment, so scans report the finding as Suppressed with this reason instead of failing.
   */
  public addWaiver(rule: string, reason: string): void {
    this.waivers.push({ control: rule, reason: requireReason(this, `waivers.${rule}.reason`, reason) });
    // The Deployment does not exist yet for waivers recorded during construction.
    if (this.node.tryFindChild('Deployment')) this.recordWaivers();
  }

  /** The most this agent holds of the namespace quota: every replica plus the surge pod, at its effective size. */
  private podBudget(): PodBudget {
    const running = [this.mainContainer.resources, ...this.sidecarResources];
    return {
      owner: this.agentName,
      maxPods: this.replicas + ROLLING_UPDATE_MAX_SURGE,
      requests: effectivePodAmounts(
        running.map((r) => r.requests),
        this.initContainers.map((c) => c.resources.requests),
      ),
      limits: effectivePodAmounts(
        running.map((r) => r.limits),
        this.initContainers.map((c) => c.resources.limits),
      ),
    };
  }

  private imageViolations(): string[] {
    const own = [...this.initContainers.map((c) => c.image), this.mainContainer.image];
    const injected = this.injectedImages.flatMap(({ image, setting }) =>
      imagePolicyViolations(this, this.platform, this.namespace.name, [image]).map(
        (v) =>
          `${v}; the image is injected at admission: set the platform setting ${setting} to a pinned image the policy allows`,
      ),
    );
    return [...imagePolicyViolations(this, this.platform, this.namespace.name, own), ...injected];
  }

  private recordWaivers(): void {
    this.deployment.metadata.addAnnotation(WAIVER_ANNOTATION, JSON.stringify(this.waivers));
    Suppressions.add(
      this.deployment,
      this.waivers.map((w) => ({ rule: w.control, reason: w.reason })),
    );
  }

  private checkLabels(labels: Record<string, string>): Record<string, string> {
    for (const [key, value] of Object.entries(labels)) {
      if (key.startsWith('app.kubernetes.io/'))
        invalidProp(this, `labels.${key}`, value, 'labels outside app.kubernetes.io/, which the agent sets itself');
      requireUserLabelKey(this, `labels.${key}`, key);
      requireLabelValue(this, `labels.${key}`, value);
    }
    return labels;
  }

  private resolveInitContainers(props: HardenedAgentProps, defaults: ResolvedResources): ContainerInput[] {
    const inits = props.initContainers ?? [];
    const dup = firstDuplicate(inits, (c) => c.name);
    if (dup) invalidProp(this, 'initContainers', dup.name, 'init containers with distinct names');
    return inits.map((c, i) => {
      requireDnsLabel(this, `initContainers[${i}].name`, c.name);
      if (c.name === AGENT_CONTAINER_NAME)
        invalidProp(this, `initContainers[${i}].name`, c.name, `a name other than '${AGENT_CONTAINER_NAME}'`);
      checkImage(this, `initContainers[${i}].image`, c.image, props.allowUnpinnedImage);
      const resources = c.resources
        ? resolveResources(this, `initContainers[${i}].resources`, c.resources, this.namespace.containerLimitMax)
        : defaults;
      return { name: c.name, image: c.image, command: c.command, args: c.args, resources, volumeMounts: this.mounts };
    });
  }

  private resolveProbes(props: HardenedAgentProps): { readinessProbe: AgentProbe; livenessProbe: AgentProbe } {
    const first = this.ports[0]?.name;
    if (!props.probes?.readiness && !first)
      invalidProp(this, 'probes.readiness', undefined, 'an exec probe, since the agent declares no ports');
    if (!props.probes?.liveness && !first)
      invalidProp(this, 'probes.liveness', undefined, 'an exec probe, since the agent declares no ports');
    const readiness = props.probes?.readiness ?? {
      httpGet: { path: '/readyz', port: first },
      periodSeconds: 10,
      failureThreshold: 3,
      timeoutSeconds: 2,
    };
    const liveness = props.probes?.liveness ?? {
      httpGet: { path: '/livez', port: first },
      initialDelaySeconds: 10,
      periodSeconds: 20,
      failureThreshold: 3,
      timeoutSeconds: 2,
    };
    checkProbe(this, 'probes.readiness', readiness, this.ports);
    checkProbe(this, 'probes.liveness', liveness, this.ports);
    if (JSON.stringify(readiness) === JSON.stringify(liveness)) {
      invalidProp(
        this,
        'probes.liveness',
        liveness,
        'a liveness probe that differs from the readiness probe',
        'an identical liveness probe restarts pods that are only busy',
      );
    }
    return { readinessProbe: readiness, livenessProbe: liveness };
  }

  private createConfigMap(config: Record<string, string>): ApiObject | undefined {
    checkConfig(this, config);
    if (Object.keys(config).length === 0) return undefined;
    const data: Record<string, string> = {};
    for (const key of Object.keys(config).sort()) data[key] = config[key];
    return new k8s.KubeConfigMap(this, 'Config', {
      metadata: { name: `${this.agentName}-config`, labels: this.labels },
      data,
    });
  }

  private createDeployment(): ApiObject {
    const podSpec = () =>
      hardenedPodSpecJson({
        serviceAccountName: this.serviceAccountName,
        runAsUser: this.runAsUser,
        runAsGroup: this.runAsGroup,
        fsGroup: this.fsGroup,
        kubernetesMinor: this.platform.settings.kubernetesMinor,
        priorityClassName: this.namespace.priorityClassName,
        selectorLabels: this.selectorLabels,
        containers: [this.mainContainer],
        initContainers: this.initContainers,
        volumes: this.volumes,
        runtimeClassName: this.runtimeClassName,
      });
    const podAnnotations = () => {
      const all: Record<string, string> = {
        ...this.podAnnotations,
        ...appArmorAnnotations({
          kubernetesMinor: this.platform.settings.kubernetesMinor,
          containers: [this.mainContainer],
          initContainers: this.initContainers,
        }),
      };
      return Object.keys(all).length > 0 ? all : undefined;
    };
    return new ApiObject(this, 'Deployment', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: this.agentName,
        labels: this.labels,
      },
      spec: {
        replicas: this.replicas,
        revisionHistoryLimit: 5,
        selector: { matchLabels: this.selectorLabels },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: ROLLING_UPDATE_MAX_SURGE, maxUnavailable: 0 } },
        template: {
          metadata: { labels: this.labels, annotations: Lazy.any({ produce: podAnnotations }) },
          spec: Lazy.any({ produce: podSpec }),
        },
      },
    });
  }

  private createService(): ApiObject | undefined {
    if (this.ports.length === 0) return undefined;
    return new k8s.KubeService(this, 'Service', {
      metadata: { name: this.agentName, labels: this.labels },
      spec: {
        type: 'ClusterIP',
        selector: this.selectorLabels,
        ports: this.ports.map((p) => ({
          name: p.name,
          port: p.port,
          targetPort: k8s.IntOrString.fromString(p.name),
          protocol: p.protocol ?? 'TCP',
        })),
      },
    });
  }

  private createPdb(): ApiObject | undefined {
    if (this.replicas < 2) return undefined;
    return new k8s.KubePodDisruptionBudget(this, 'PodDisruptionBudget', {
      metadata: { name: this.agentName, labels: this.labels },
      spec: {
        maxUnavailable: k8s.IntOrString.fromNumber(1),
        selector: { matchLabels: this.selectorLabels },
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });
  }
}
