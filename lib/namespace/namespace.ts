import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import {
  AGENT_NAMESPACE_BRAND,
  AGENT_NAMESPACE_LABEL,
  IAgentNamespace,
  MANAGED_BY,
  checkProps,
  POD_SECURITY_LEVEL,
  QUANTITY_FORMAT_HINT,
  findAgentNamespace,
  invalidProp,
  isAgentNamespaceScope,
  parseQuantity,
  requireDnsLabel,
  requireInteger,
  requireUserLabels,
  meshOptOutOf,
} from '../core';
import { NETWORK_POLICY_API_VERSION, renderDefaultDenySpec } from '../network/render';
import { AgentPlatform } from '../platform/platform';
import { recordBaselinePieces } from '../platform/records';
import { PodBudget, quotaShortfalls } from './quota-budget';
import { AGENT_NAMESPACE_PROPS_SCHEMA } from './schema';
import {
  AgentApiObject,
  KubeLimitRange,
  KubeNamespace,
  KubePriorityClass,
  KubeResourceQuota,
  KubeServiceAccount,
} from '../platform/api-object';

export { AGENT_NAMESPACE_LABEL } from '../core';

/** Hard limits of the namespace's ResourceQuota, as Kubernetes quantities. */
export type QuotaLimits = Record<string, string>;

/** The ResourceQuota every AgentNamespace gets unless `quota` overrides an entry; no NodePorts or LoadBalancers. */
export const DEFAULT_QUOTA: QuotaLimits = {
  'requests.cpu': '8',
  'requests.memory': '16Gi',
  'requests.ephemeral-storage': '20Gi',
  'limits.cpu': '16',
  'limits.memory': '32Gi',
  'limits.ephemeral-storage': '40Gi',
  pods: '50',
  services: '20',
  'services.nodeports': '0',
  'services.loadbalancers': '0',
  secrets: '50',
  configmaps: '50',
};

/** Container defaults and maximums of the namespace's LimitRange, as Kubernetes quantities. */
export interface LimitRangeDefaults {
  /** Default request per container. @default cpu 100m, memory 128Mi, ephemeral-storage 64Mi */
  readonly defaultRequest?: Record<string, string>;
  /** Default limit per container. @default cpu 500m, memory 512Mi, ephemeral-storage 256Mi */
  readonly defaultLimit?: Record<string, string>;
  /** Largest limit a container may have. @default cpu 4, memory 8Gi, ephemeral-storage 4Gi */
  readonly max?: Record<string, string>;
}

/** The LimitRange every AgentNamespace gets unless `limitRange` overrides an entry. */
export const DEFAULT_LIMIT_RANGE: Required<LimitRangeDefaults> = {
  defaultRequest: { cpu: '100m', memory: '128Mi', 'ephemeral-storage': '64Mi' },
  defaultLimit: { cpu: '500m', memory: '512Mi', 'ephemeral-storage': '256Mi' },
  max: { cpu: '4', memory: '8Gi', 'ephemeral-storage': '4Gi' },
};

/** A PriorityClass to create for the namespace's agents, or an existing one to use. */
export interface AgentPriorityClass {
  /** Name of the PriorityClass. @default '<namespace>-agents' */
  readonly name?: string;
  /** Use an existing PriorityClass of this name instead of creating one. @default false */
  readonly existing?: boolean;
  /** Priority value when created. @default 100000 */
  readonly value?: number;
}

/** Props of {@link AgentNamespace}; every prop is optional. */
export interface AgentNamespaceProps {
  /** Namespace name. @default the construct id */
  readonly name?: string;
  /** ResourceQuota hard limits, merged over {@link DEFAULT_QUOTA}. @default DEFAULT_QUOTA */
  readonly quota?: QuotaLimits;
  /** LimitRange container defaults, merged over {@link DEFAULT_LIMIT_RANGE}. @default DEFAULT_LIMIT_RANGE */
  readonly limitRange?: LimitRangeDefaults;
  /** The agents' PriorityClass. @default a new PriorityClass '<namespace>-agents' with value 100000 */
  readonly priorityClass?: AgentPriorityClass;
  /** Extra namespace labels. PSA labels cannot be overridden here. @default none */
  readonly labels?: Record<string, string>;
}

/**
 * A namespace that holds agents: Pod Security "restricted" enforced, audited and warned at a
 * pinned version, a quota and limit range, a PriorityClass, and a default-deny NetworkPolicy that
 * lets only DNS out. Each AgentNamespace is a Chart, so it synthesizes to its own manifest file.
 */
export class AgentNamespace extends Chart implements IAgentNamespace {
  /** True for AgentNamespace instances (cdk8s makes `instanceof` true for any Chart). */
  public static isAgentNamespace(x: unknown): x is AgentNamespace {
    return isAgentNamespaceScope(x);
  }

  /** The nearest AgentNamespace above `scope`; throws when there is none. */
  public static find(scope: IConstruct): AgentNamespace {
    // Only AgentNamespace carries the brand findAgentNamespace looks for.
    return findAgentNamespace(scope) as AgentNamespace;
  }

  public readonly name: string;
  /** The platform the namespace belongs to, whose cluster settings its agents follow. */
  public readonly platform: AgentPlatform;
  /**
   * PriorityClass of the namespace's agents (`<namespace>-agents` unless set); it never preempts other
   * workloads.
   */
  public readonly priorityClassName: string;
  /** The LimitRange's per-container maximum limits; agents refuse limits above them. */
  public readonly containerLimitMax: Readonly<Record<string, string>>;
  /** The Namespace object, for dependency ordering. */
  public readonly namespaceObject: ApiObject;
  private readonly agentNames = new Map<string, string>();
  private readonly podBudgets: Array<() => PodBudget> = [];

  constructor(scope: Construct, id: string, props: AgentNamespaceProps = {}) {
    const name = props.name ?? id;
    super(scope, id, { namespace: name, disableResourceNameHashes: true });
    Object.defineProperty(this, AGENT_NAMESPACE_BRAND, { value: true });
    checkProps(this, AGENT_NAMESPACE_PROPS_SCHEMA, props);
    this.platform = AgentPlatform.find(this);
    this.name = requireDnsLabel(this, 'name', name);
    if (name === 'default' || name.startsWith('kube-')) {
      invalidProp(
        this,
        'name',
        name,
        "a dedicated namespace, not 'default' or 'kube-*'",
        'system namespaces are shared and exempt from policies',
      );
    }
    this.namespaceObject = this.createNamespace(props.labels ?? {});
    const quota = { ...DEFAULT_QUOTA, ...(props.quota ?? {}) };
    this.createQuota(quota);
    this.node.addValidation({
      validate: () =>
        quotaShortfalls(
          quota,
          this.podBudgets.map((budget) => budget()),
        ),
    });
    this.containerLimitMax = this.createLimitRange(props.limitRange ?? {});
    this.priorityClassName = this.createPriorityClass(props.priorityClass ?? {});
    this.createDefaultDeny();
    this.createDefaultServiceAccount();
    // Removing the Namespace, quota, limit range or default-deny later fails synth.
    recordBaselinePieces(this);
  }

  /**
   * Records an agent name; two agents of one name in a namespace would overwrite each other's
   * objects, so the second is refused.
   */
  public registerAgent(agentName: string, constructPath: string): void {
    const existing = this.agentNames.get(agentName);
    if (existing !== undefined) {
      invalidProp(
        constructPath,
        'name',
        agentName,
        `a name not already used in namespace '${this.name}' (taken by ${existing})`,
      );
    }
    this.agentNames.set(agentName, constructPath);
  }

  /**
   * Counts a workload against the namespace's ResourceQuota. Budgets are read at synth, after every
   * grant and sidecar has been added.
   */
  public registerPodBudget(budget: () => PodBudget): void {
    this.podBudgets.push(budget);
  }

  /** Standard labels for objects of this namespace that belong to no single agent. */
  public commonLabels(component: string): Record<string, string> {
    return {
      'app.kubernetes.io/managed-by': MANAGED_BY,
      'app.kubernetes.io/part-of': this.name,
      'app.kubernetes.io/component': component,
    };
  }

  private createNamespace(extraLabels: Record<string, string>): ApiObject {
    const version = `v${this.platform.settings.kubernetesVersion.replace(/^v/, '').split('.').slice(0, 2).join('.')}`;
    const psa: Record<string, string> = {};
    for (const mode of ['enforce', 'audit', 'warn']) {
      psa[`pod-security.kubernetes.io/${mode}`] = POD_SECURITY_LEVEL;
      psa[`pod-security.kubernetes.io/${mode}-version`] = version;
    }
    for (const key of Object.keys(extraLabels)) {
      if (key.startsWith('pod-security.kubernetes.io/')) {
        invalidProp(
          this,
          `labels.${key}`,
          extraLabels[key],
          'labels outside pod-security.kubernetes.io/',
          'the Pod Security level is always restricted',
        );
      }
    }
    const optOut = meshOptOutOf(extraLabels);
    if (optOut && this.platform.settings.mesh === 'istio')
      invalidProp(
        this,
        'labels',
        extraLabels,
        'labels that keep the namespace in the mesh',
        `${optOut} opts every agent of the namespace out of the mesh: their AuthorizationPolicies would be emitted and nothing would enforce them`,
      );
    requireUserLabels(this, 'labels', extraLabels);
    const namespace = new KubeNamespace(this, 'Namespace', {
      metadata: {
        name: this.name,
        labels: { ...extraLabels, ...this.commonLabels('namespace'), [AGENT_NAMESPACE_LABEL]: 'true', ...psa },
      },
    });
    // The Namespace is cluster-scoped but sits in this chart so it is applied first; the Chart's namespace must not stick to it.
    namespace.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    return namespace;
  }

  private createQuota(hard: QuotaLimits): void {
    for (const [key, value] of Object.entries(hard)) checkQuantity(this, `quota.${key}`, value);
    new KubeResourceQuota(this, 'ResourceQuota', {
      metadata: { name: 'agent-quota', labels: this.commonLabels('quota') },
      spec: { hard: mapQuantities(hard) },
    });
  }

  private createLimitRange(overrides: LimitRangeDefaults): Record<string, string> {
    const merged = {
      defaultRequest: { ...DEFAULT_LIMIT_RANGE.defaultRequest, ...(overrides.defaultRequest ?? {}) },
      defaultLimit: { ...DEFAULT_LIMIT_RANGE.defaultLimit, ...(overrides.defaultLimit ?? {}) },
      max: { ...DEFAULT_LIMIT_RANGE.max, ...(overrides.max ?? {}) },
    };
    for (const [group, values] of Object.entries(merged)) {
      for (const [key, value] of Object.entries(values)) checkQuantity(this, `limitRange.${group}.${key}`, value);
    }
    for (const [key, request] of Object.entries(merged.defaultRequest)) {
      const limit = merged.defaultLimit[key];
      if (limit !== undefined && (parseQuantity(limit) as number) < (parseQuantity(request) as number)) {
        invalidProp(this, `limitRange.defaultLimit.${key}`, limit, `a limit at least the default request (${request})`);
      }
    }
    new KubeLimitRange(this, 'LimitRange', {
      metadata: { name: 'agent-limits', labels: this.commonLabels('limits') },
      spec: {
        limits: [
          {
            type: 'Container',
            defaultRequest: mapQuantities(merged.defaultRequest),
            default: mapQuantities(merged.defaultLimit),
            max: mapQuantities(merged.max),
          },
        ],
      },
    });
    return merged.max;
  }

  private createPriorityClass(pc: AgentPriorityClass): string {
    const name = requireDnsLabel(this, 'priorityClass.name', pc.name ?? `${this.name}-agents`);
    if (pc.existing) return name;
    const value = requireInteger(this, 'priorityClass.value', pc.value ?? 100000, 0, 1_000_000_000);
    // PriorityClass is cluster-scoped: it goes in the platform chart, which has no namespace.
    new KubePriorityClass(this.platform, `${this.name}-PriorityClass`, {
      metadata: { name, labels: this.commonLabels('priority') },
      value,
      globalDefault: false,
      preemptionPolicy: 'Never',
      description: `Priority of the agents in namespace ${this.name}; agents never preempt other workloads.`,
    });
    return name;
  }

  private createDefaultDeny(): void {
    new AgentApiObject(this, 'DefaultDeny', {
      apiVersion: NETWORK_POLICY_API_VERSION,
      kind: 'NetworkPolicy',
      metadata: { name: 'default-deny', labels: this.commonLabels('network-policy') },
      spec: renderDefaultDenySpec(this.platform.settings.nodeLocalDns, this.platform.settings.metadataDns),
    });
  }

  /** The namespace's `default` ServiceAccount mounts no token (CKV_K8S_41); agents never use it. */
  private createDefaultServiceAccount(): void {
    new KubeServiceAccount(this, 'DefaultServiceAccount', {
      metadata: { name: 'default', labels: this.commonLabels('service-account') },
      automountServiceAccountToken: false,
    });
  }
}

function checkQuantity(scope: IConstruct, field: string, value: unknown): void {
  if (typeof value !== 'string' || parseQuantity(value) === undefined || (parseQuantity(value) as number) < 0) {
    invalidProp(scope, field, value, QUANTITY_FORMAT_HINT);
  }
}

function mapQuantities(values: Record<string, string>): Record<string, k8s.Quantity> {
  const out: Record<string, k8s.Quantity> = {};
  for (const key of Object.keys(values).sort()) out[key] = k8s.Quantity.fromString(values[key]);
  return out;
}
