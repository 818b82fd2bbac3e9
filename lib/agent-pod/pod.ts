import { ApiObject, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  DEFAULT_FS_GROUP,
  DEFAULT_RUN_AS_GROUP,
  DEFAULT_RUN_AS_USER,
  IMAGE_DIGEST_RULE_ID,
  MANAGED_BY,
  MAX_TOKEN_EXPIRATION_SECONDS,
  PROJECTED_TOKEN_MOUNT_DIR,
  WAIVER_ANNOTATION,
  firstDuplicate,
  invalidProp,
  requireDnsLabel,
  requireInteger,
  requireLabelValue,
  requireReason,
  requireTokenAudience,
  ResolvedDataDeclaration,
  PRIVACY_PREFIX,
  privacyLabels,
  resolveDataDeclaration,
  requireTokenMountPath,
  requireUserLabelKey,
  meshOptOutOf,
} from '../core';
import { imagePolicyViolations } from '../image-policy/policy';
import { AgentNamespace } from '../namespace/namespace';
import { PodBudget, StorageBudget, effectivePodAmounts } from '../namespace/quota-budget';
import { AgentNetworkPolicy, NetworkGrant } from '../network/agent-network';
import { AgentConnections } from '../network/connections';
import { AgentPeerRef, InternetEgress, NetworkPeer, PortRef } from '../network/intent';
import { AgentPlatform } from '../platform/platform';
import { Suppressions } from '../platform/suppressions';
import { AgentApiAccess, ApiAccessGrant } from '../rbac/agent-access';
import { ApiGrant } from '../rbac/grant';
import {
  AgentPodPlumbing,
  AgentVolumeMount,
  AgentWorkloadKind,
  IAgentPod,
  ProjectedTokenOptions,
  Waiver,
} from './contract';
import { podPlumbing, registerPodPlumbing } from './plumbing';
import { ContainerInput, PodInput, appArmorAnnotations, hardenedPodSpecJson } from './pod-spec';
import { AgentPodProps, AgentPort, AgentProbe, AgentServingProps } from './props';
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
import { KubeConfigMap, KubeServiceAccount } from '../platform/api-object';

/** The main container's name in every agent pod. */
export const AGENT_CONTAINER_NAME = 'agent';

/** What a shape tells the pod about itself before the pod is built. */
export interface AgentPodShape {
  /** The shape takes calls: it reads `ports` and `probes`. Batch shapes neither listen nor get probes. */
  readonly serving: boolean;
  /** Writable paths when the props give none. */
  readonly defaultWritablePaths: readonly string[];
}

/** What the pod template looks like for a shape. */
export interface PodTemplateOptions {
  /** Pod restart policy; batch shapes set `OnFailure` or `Never`. @default the API's default (Always) */
  readonly restartPolicy?: PodInput['restartPolicy'];
  /** Prefer spreading replicas across nodes (pod anti-affinity and a topology spread constraint on the hostname). @default true */
  readonly spread?: boolean;
  /** How the kubelet applies `fsGroup` ownership to volumes (`OnRootMismatch` skips large volumes already owned). @default the API's default */
  readonly fsGroupChangePolicy?: PodInput['fsGroupChangePolicy'];
}

/** What a shape holds of the namespace quota at its peak. */
export interface PodBudgetShape {
  /** Pods that can exist at once (replicas plus a rollout's surge, concurrent runs, …). */
  readonly maxPods: number;
  /** Persistent volume claims the shape creates. @default none */
  readonly storage?: StorageBudget;
}

/**
 * The hardened pod every agent shape runs: a dedicated ServiceAccount with no token, a pod that
 * passes Pod Security "restricted" and the scanner-consensus profile, volumes and projected tokens,
 * recorded waivers, image checks against the platform's ImagePolicy, its share of the namespace
 * quota, its NetworkPolicy and its API access. Shapes (lib/workload) wrap the pod template in a
 * Deployment, StatefulSet, Job or CronJob.
 *
 * A shape's constructor calls, in order: `super()`, creates its workload object from
 * `podTemplate()`, `attachWorkload()`, adds its Service, then `finishPod()`.
 */
export abstract class AgentPod extends Construct implements IAgentPod {
  /** Agent name: names the workload, ServiceAccount, Service and policies. */
  public readonly agentName: string;
  /** The namespace the agent runs in. */
  public readonly namespace: AgentNamespace;
  /** The platform (cluster settings, image policy) the agent is checked against. */
  public readonly platform: AgentPlatform;
  /** Ports the agent listens on (none for batch shapes). */
  public readonly ports: readonly AgentPort[];
  /** Name of the agent's dedicated ServiceAccount. */
  public readonly serviceAccountName: string;
  /** Labels that select this agent's pods. */
  public readonly selectorLabels: Record<string, string>;
  /** Labels on the agent's pods and objects. */
  public readonly labels: Record<string, string>;
  /** The agent's dedicated ServiceAccount; its legacy token is not automounted. */
  public readonly serviceAccount: ApiObject;
  /** The ConfigMap holding `config`, delivered as env vars. @default undefined (meaning no `config` was given) */
  public readonly configMap?: ApiObject;
  /** UID of the agent's containers; the injected Vault Agent runs as the same. */
  public readonly runAsUser: number;
  /** GID of the agent's containers. */
  public readonly runAsGroup: number;
  /** Agent-to-agent traffic: `a.connections.allowTo(b, port)` adds egress on `a` and ingress on `b`. */
  public readonly connections: AgentConnections;
  /** What data the agent declares it processes (`data`), validated; undefined when undeclared. */
  public readonly dataDeclaration?: ResolvedDataDeclaration;
  public abstract readonly workloadKind: AgentWorkloadKind;

  protected readonly fsGroup: number;
  protected readonly mainContainer: ContainerInput;
  protected readonly initContainers: ContainerInput[];
  private readonly volumes: k8s.Volume[] = [];
  private readonly mounts: k8s.VolumeMount[] = [];
  private readonly podAnnotations: Record<string, string> = {};
  private readonly waivers: Waiver[] = [];
  private readonly injectedImages: Array<{ image: string; setting: string }> = [];
  private readonly sidecarResources: ResolvedResources[] = [];
  private runtimeClassName?: string;
  private apiAccess?: AgentApiAccess;
  private workloadObject?: ApiObject;
  private networkPolicy?: AgentNetworkPolicy;

  protected constructor(scope: Construct, id: string, props: AgentPodProps & AgentServingProps, shape: AgentPodShape) {
    super(scope, id);
    this.namespace = AgentNamespace.find(this);
    this.platform = this.namespace.platform;
    this.agentName = requireDnsLabel(this, 'name', props.name ?? id, 50);
    this.namespace.registerAgent(this.agentName, this.node.path);
    this.ports = shape.serving ? (props.ports ?? []) : [];
    checkPorts(this, this.ports);
    checkIds(this, props);
    this.runAsUser = props.runAsUser ?? DEFAULT_RUN_AS_USER;
    this.runAsGroup = props.runAsGroup ?? DEFAULT_RUN_AS_GROUP;
    this.fsGroup = props.fsGroup ?? DEFAULT_FS_GROUP;
    this.serviceAccountName = this.agentName;
    this.selectorLabels = { 'app.kubernetes.io/name': this.agentName, 'app.kubernetes.io/instance': this.agentName };
    this.dataDeclaration = props.data === undefined ? undefined : resolveDataDeclaration(this, 'data', props.data);
    this.labels = {
      ...this.checkLabels(props.labels ?? {}),
      ...(this.dataDeclaration ? privacyLabels(this.dataDeclaration) : {}),
      ...this.selectorLabels,
      'app.kubernetes.io/component': 'agent',
      'app.kubernetes.io/part-of': this.namespace.name,
      'app.kubernetes.io/managed-by': MANAGED_BY,
    };
    this.connections = new AgentConnections(this);

    checkImage(this, 'image', props.image, props.allowUnpinnedImage);
    if (props.allowUnpinnedImage) this.addWaiver(IMAGE_DIGEST_RULE_ID, props.allowUnpinnedImage.reason);
    const resources = resolveResources(this, 'resources', props.resources, this.namespace.containerLimitMax);
    this.initContainers = this.resolveInitContainers(props, resources);
    const writablePaths = props.writablePaths ?? shape.defaultWritablePaths;
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

    this.serviceAccount = new KubeServiceAccount(this, 'ServiceAccount', {
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
      // Batch shapes declare no ports, so their containers list none (not an empty list).
      ports: shape.serving ? this.ports : undefined,
      envFrom: this.configMap ? [{ configMapRef: { name: this.configMap.name } }] : undefined,
      volumeMounts: this.mounts,
      ...(shape.serving ? this.resolveProbes(props) : {}),
    };
    registerPodPlumbing(this, this.plumbing());
  }

  /** Every image the agent's pod runs, init containers and injected containers included. */
  public get images(): readonly string[] {
    return [
      ...this.initContainers.map((c) => c.image),
      this.mainContainer.image,
      ...this.injectedImages.map((i) => i.image),
    ];
  }

  /** The agent's network policies; the grant methods add to them. */
  public get network(): AgentNetworkPolicy {
    if (!this.networkPolicy) invalidProp(this, 'network', undefined, 'network grants after the agent is constructed');
    return this.networkPolicy;
  }

  /**
   * The escape hatch: the agent's raw workload object (Deployment, StatefulSet, Job or CronJob), for
   * what the typed props do not cover. Changes made here (`addJsonPatch`, `metadata.addLabel`, …)
   * are not checked at construct time, but the rule engine still judges the synthesized result:
   * `cdk8s synth` with the AgentBaselineValidation plugin, `agent-baseline scan` and the platform's
   * synth-time validation all fail on a patch that weakens the baseline. Also reachable as
   * `ApiObject.of(agent)`.
   */
  public escapeHatch(): ApiObject {
    if (!this.workloadObject) invalidProp(this, 'escapeHatch', undefined, 'a call after the agent is constructed');
    return this.workloadObject;
  }

  /** Adds a volume to the pod, and optionally mounts it (read-only by default) into the agent container. */
  public addVolume(volume: k8s.Volume, mount?: AgentVolumeMount): void {
    if (this.volumes.some((v) => v.name === volume.name))
      invalidProp(this, `volumes.${volume.name}`, volume.name, 'a volume name not already used by this agent');
    this.volumes.push(volume);
    if (mount) this.pushMount(volume.name, mount);
  }

  /**
   * Grants Kubernetes API access to the agent's own ServiceAccount: a rule of the Role
   * `<agent>-api` (or of a ClusterRole, for `clusterWide`), plus a projected API token. Refused
   * permissions (wildcards, secrets, exec, escalation, …) throw; see lib/rbac/risks.ts. Returns
   * what was granted: the role, the rule and the acknowledged risks.
   */
  public grantApiAccess(grant: ApiGrant): ApiAccessGrant {
    this.apiAccess ??= new AgentApiAccess(this, 'ApiAccess', podPlumbing(this));
    return this.apiAccess.grant(grant);
  }

  /** The agent's Role, once it has a namespaced grant. */
  public get apiRole(): ApiObject | undefined {
    return this.apiAccess?.role;
  }

  /**
   * Lets `peer` connect to this agent on `port` (a declared port name or number; all declared
   * ports by default). For another agent, that agent also needs `allowEgressTo(this)`; or use
   * `peer.connections.allowTo(this)` for both sides.
   */
  public allowIngressFrom(peer: AgentPeerRef | NetworkPeer, port?: PortRef): NetworkGrant {
    return this.network.addIngress(peer, port === undefined ? undefined : [port]);
  }

  /** Lets this agent connect to `peer` on `port` (required except for agents, where it defaults to all their ports). */
  public allowEgressTo(peer: AgentPeerRef | NetworkPeer, port?: PortRef): NetworkGrant {
    return this.network.addEgress(peer, port === undefined ? undefined : [port]);
  }

  /**
   * Lets this agent connect to a DNS name (default port 443) in `region` (required for an agent with
   * personal data). Needs the cluster setting `cni: 'cilium'`.
   */
  public allowEgressToFqdn(fqdn: string, port?: PortRef, region?: string): NetworkGrant {
    return this.network.addFqdnEgress(fqdn, port === undefined ? undefined : [port], undefined, region);
  }

  /** Lets this agent reach the public internet (default TCP 443), metadata and private ranges excepted. */
  public allowEgressToInternet(options?: InternetEgress): NetworkGrant {
    return this.network.addInternetEgress(options);
  }

  /** Lets this agent reach the Vault server pods on the Vault port (injector mode). */
  public allowEgressToVault(): NetworkGrant {
    return this.network.addVaultEgress();
  }

  /**
   * Records an explicit weakening of the baseline on the workload object, with its reason. `rule`
   * is the rule engine's ID of the control weakened: the waiver also suppresses that rule on the
   * workload, so scans report the finding as Suppressed with this reason instead of failing.
   */
  public addWaiver(rule: string, reason: string): void {
    this.waivers.push({ control: rule, reason: requireReason(this, `waivers.${rule}.reason`, reason) });
    // The workload does not exist yet for waivers recorded during construction.
    if (this.workloadObject) this.recordWaivers();
  }

  /** What the shape holds of the namespace quota at its peak. Read at synth. */
  protected abstract budgetShape(): PodBudgetShape;

  /** The pod template (labels, annotations and spec, resolved at synth) for the shape's workload object. */
  protected podTemplate(options: PodTemplateOptions = {}): Record<string, unknown> {
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
        ...options,
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
    return {
      metadata: { labels: this.labels, annotations: Lazy.any({ produce: podAnnotations }) },
      spec: Lazy.any({ produce: podSpec }),
    };
  }

  /** Mounts a volume the pod gets from elsewhere (a StatefulSet's volumeClaimTemplates) into the agent container. */
  protected addClaimMount(name: string, mount: AgentVolumeMount): void {
    if (this.volumes.some((v) => v.name === name) || this.mounts.some((m) => m.name === name))
      invalidProp(this, `volumes.${name}`, name, 'a volume name not already used by this agent');
    this.pushMount(name, mount);
  }

  /** Records the shape's workload object: waivers, ordering after its ServiceAccount and ConfigMap. */
  protected attachWorkload(workload: ApiObject): void {
    this.workloadObject = workload;
    this.node.defaultChild = workload;
    if (this.waivers.length > 0) this.recordWaivers();
    if (this.configMap) workload.addDependency(this.configMap);
    workload.addDependency(this.serviceAccount);
  }

  /** After the shape's own objects: quota budget, image checks, NetworkPolicy and API grants. */
  protected finishPod(props: AgentPodProps): void {
    this.namespace.registerPodBudget(() => this.podBudget());
    // A validation, not a check here: the platform's ImagePolicy may be created after its agents.
    this.node.addValidation({
      validate: () => this.imageViolations(),
    });
    this.networkPolicy = new AgentNetworkPolicy(this, 'Network', {
      ...props.network,
      agent: this,
      settings: this.platform.settings,
    });
    (props.apiGrants ?? []).forEach((grant) => this.grantApiAccess(grant));
  }

  /** Probes for a serving shape: given ones, or HTTP checks on the first port. */
  private resolveProbes(props: AgentServingProps): { readinessProbe: AgentProbe; livenessProbe: AgentProbe } {
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

  private pushMount(name: string, mount: AgentVolumeMount): void {
    this.mounts.push({
      name,
      mountPath: mount.mountPath,
      readOnly: mount.readOnly ?? true,
      subPath: mount.subPath,
    });
  }

  private plumbing(): AgentPodPlumbing {
    return {
      addInjectedImage: (image, setting) => {
        if (!this.injectedImages.some((i) => i.image === image)) this.injectedImages.push({ image, setting });
      },
      addSidecarResources: (resources) => {
        this.sidecarResources.push(resources);
      },
      addPodAnnotations: (annotations) => addPodAnnotations(this, this.podAnnotations, annotations),
      addProjectedServiceAccountToken: (options) => this.#addProjectedServiceAccountToken(options),
      setRuntimeClassName: (name) => {
        this.runtimeClassName = requireDnsLabel(this, 'runtimeClassName', name);
      },
      addWorkloadLabel: (key, value) => this.escapeHatch().metadata.addLabel(key, value),
      addWorkloadDependency: (obj) => this.escapeHatch().addDependency(obj),
    };
  }

  // An ES private method: plumbing, not reachable on the agent even at run time.
  #addProjectedServiceAccountToken(options: ProjectedTokenOptions): string {
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

  /** The most this agent holds of the namespace quota: every pod the shape can have at once, at its effective size. */
  private podBudget(): PodBudget {
    const running = [this.mainContainer.resources, ...this.sidecarResources];
    const shape = this.budgetShape();
    return {
      owner: this.agentName,
      maxPods: shape.maxPods,
      requests: effectivePodAmounts(
        running.map((r) => r.requests),
        this.initContainers.map((c) => c.resources.requests),
      ),
      limits: effectivePodAmounts(
        running.map((r) => r.limits),
        this.initContainers.map((c) => c.resources.limits),
      ),
      ...(shape.storage ? { storage: shape.storage } : {}),
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
    const workload = this.escapeHatch();
    workload.metadata.addAnnotation(WAIVER_ANNOTATION, JSON.stringify(this.waivers));
    Suppressions.add(
      workload,
      this.waivers.map((w) => ({ rule: w.control, reason: w.reason })),
    );
  }

  private checkLabels(labels: Record<string, string>): Record<string, string> {
    for (const [key, value] of Object.entries(labels)) {
      if (key.startsWith('app.kubernetes.io/'))
        invalidProp(this, `labels.${key}`, value, 'labels outside app.kubernetes.io/, which the agent sets itself');
      requireUserLabelKey(this, `labels.${key}`, key);
      // The declaration comes from `data` only: a hand-set privacy label would claim what was never validated.
      if (key.startsWith(`${PRIVACY_PREFIX}/`))
        invalidProp(
          this,
          `labels.${key}`,
          value,
          `labels outside ${PRIVACY_PREFIX}/: declare data with the 'data' prop`,
        );
      requireLabelValue(this, `labels.${key}`, value);
    }
    const optOut = meshOptOutOf(labels);
    if (optOut && this.namespace.platform.settings.mesh === 'istio')
      invalidProp(
        this,
        'labels',
        labels,
        'labels that keep the agent in the mesh',
        `${optOut} opts out of the mesh: its AuthorizationPolicy would be emitted and nothing would enforce it`,
      );
    return labels;
  }

  private resolveInitContainers(props: AgentPodProps, defaults: ResolvedResources): ContainerInput[] {
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

  private createConfigMap(config: Record<string, string>): ApiObject | undefined {
    checkConfig(this, config);
    if (Object.keys(config).length === 0) return undefined;
    const data: Record<string, string> = {};
    for (const key of Object.keys(config).sort()) data[key] = config[key];
    return new KubeConfigMap(this, 'Config', {
      metadata: { name: `${this.agentName}-config`, labels: this.labels },
      data,
    });
  }
}

/** Adds pod-template annotations; a key set twice must keep its value. */
function addPodAnnotations(
  agent: AgentPod,
  current: Record<string, string>,
  annotations: Record<string, string>,
): void {
  for (const [key, value] of Object.entries(annotations)) {
    if (current[key] !== undefined && current[key] !== value) {
      invalidProp(agent, `podAnnotations.${key}`, value, `the value already set (${current[key]})`);
    }
    current[key] = value;
  }
}
