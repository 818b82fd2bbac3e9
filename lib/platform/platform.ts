import { Chart, ChartProps } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import {
  ClusterSettings,
  DEFAULT_API_SERVER_AUDIENCE,
  DEFAULT_KUBERNETES_VERSION,
  DEFAULT_VAULT_ENDPOINT,
  CNI_FLAVORS,
  IMAGE_POLICY_ENGINES,
  RUNTIME_ENGINES,
  MESH_FLAVORS,
  ResolvedClusterSettings,
  resolveGatewaySettings,
  SUPPORTED_KUBERNETES_MINORS,
  VAULT_DELIVERY_MODES,
  checkProps,
  invalidProp,
  parseCidr,
  parseKubernetesMinor,
  requireDnsLabel,
  requireInteger,
  requireNonEmptyString,
  requireOneOf,
  requireRegion,
  requireTokenAudience,
  requireUserLabels,
} from '../core';
import { parseImageReference } from '../common/image-reference';
import { appValidation } from './app-validation';
import { checkScopePeers } from './peers';
import { AGENT_PLATFORM_PROPS_SCHEMA } from './schema';

/** Props of {@link AgentPlatform}: the cluster settings (what the cluster has installed) plus labels. */
export interface AgentPlatformProps extends ClusterSettings {
  /** Labels added to every object of the platform. @default none */
  readonly labels?: Record<string, string>;
}

const PLATFORM_BRAND = Symbol.for('agent-baseline.AgentPlatform');

/**
 * The root of an agent platform: a Chart that holds what the target cluster has installed, and
 * the cluster-scoped objects (PriorityClasses, ClusterRoles, admission policies). Agent
 * namespaces are nested Charts inside it, so each namespace lands in its own manifest file.
 */
export class AgentPlatform extends Chart {
  /** True for AgentPlatform instances (cdk8s makes `instanceof` true for any Chart). */
  public static isAgentPlatform(x: unknown): x is AgentPlatform {
    return typeof x === 'object' && x !== null && PLATFORM_BRAND in x;
  }

  /** The nearest AgentPlatform above `scope`; throws when there is none. */
  public static find(scope: IConstruct): AgentPlatform {
    for (const s of [...scope.node.scopes].reverse()) {
      if (AgentPlatform.isAgentPlatform(s)) return s;
    }
    return invalidProp(
      scope,
      'scope',
      scope.node.path,
      'a construct nested inside an AgentPlatform',
      'cluster settings come from the platform',
    );
  }

  /** The cluster settings with every default filled in; agents and features read them. */
  public readonly settings: ResolvedClusterSettings;

  constructor(scope: Construct, id: string, props: AgentPlatformProps = {}) {
    const chartProps: ChartProps = { disableResourceNameHashes: true, labels: props.labels };
    super(scope, id, chartProps);
    checkScopePeers(this, this.node.path);
    if (props.labels !== undefined) requireUserLabels(this, 'labels', props.labels);
    Object.defineProperty(this, PLATFORM_BRAND, { value: true });
    checkProps(this, AGENT_PLATFORM_PROPS_SCHEMA, props);
    this.settings = resolveSettings(this, props);
    // rules-validation-hook
    // The whole App is judged on what will be written; the rules judge removed APIs and PSA pins
    // against the platform's target, and allow the metadata address on port 53 only when the
    // platform declares DNS there.
    this.node.addValidation(
      appValidation(this, {
        kubernetesVersion: this.settings.kubernetesVersion,
        metadataDns: this.settings.metadataDns,
      }),
    );
  }

  /** True when the target Kubernetes minor is at least `minor`. */
  public supportsMinor(minor: number): boolean {
    return this.settings.kubernetesMinor >= minor;
  }
}

function requireCidrText(scope: IConstruct, field: string, value: unknown): string {
  const block = typeof value === 'string' ? parseCidr(value) : undefined;
  if (block === undefined) invalidProp(scope, field, value, 'an IPv4 or IPv6 CIDR such as 10.0.0.1/32');
  // Checked as the agents' egress rules check it, so the platform setting is blamed, not the first agent with grants.
  if (block.hostBitsSet || block.prefix === 0)
    invalidProp(
      scope,
      field,
      value,
      `a bounded network address with host bits cleared, such as '${block.prefix === 0 ? '10.0.0.1/32' : block.text}'`,
      'a /0 block opens every address; host bits set usually mean a typo in the prefix',
    );
  return value as string;
}

function resolveSettings(scope: IConstruct, props: ClusterSettings): ResolvedClusterSettings {
  const kubernetesVersion = props.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION;
  const kubernetesMinor = parseKubernetesMinor(kubernetesVersion);
  if (kubernetesMinor === undefined) {
    invalidProp(
      scope,
      'kubernetesVersion',
      kubernetesVersion,
      `one of ${SUPPORTED_KUBERNETES_MINORS.map((m) => `'1.${m}'`).join(', ')}`,
    );
  }
  const vaultDeliveryModes = props.vaultDeliveryModes ?? ['injector'];
  vaultDeliveryModes.forEach((mode, i) => requireOneOf(scope, `vaultDeliveryModes[${i}]`, mode, VAULT_DELIVERY_MODES));
  const imagePolicyEngines = props.imagePolicyEngines ?? ['vap'];
  imagePolicyEngines.forEach((engine, i) =>
    requireOneOf(scope, `imagePolicyEngines[${i}]`, engine, IMAGE_POLICY_ENGINES),
  );
  const vault = { ...DEFAULT_VAULT_ENDPOINT, ...(props.vault ?? {}) };
  requireNonEmptyString(scope, 'vault.address', vault.address);
  if (!/^https?:\/\/[^\s/]+/.test(vault.address))
    invalidProp(scope, 'vault.address', vault.address, 'an http(s) URL such as https://vault.vault.svc:8200');
  requireDnsLabel(scope, 'vault.namespace', vault.namespace);
  requireInteger(scope, 'vault.port', vault.port, 1, 65535);
  requireNonEmptyString(scope, 'vault.authMount', vault.authMount);
  if (vault.agentImage !== undefined) {
    const parsed = parseImageReference(vault.agentImage);
    if (!parsed.ok || !parsed.ref.digest) {
      invalidProp(
        scope,
        'vault.agentImage',
        vault.agentImage,
        'an image pinned by digest: registry/repository[:tag]@sha256:<64 hex>',
        parsed.ok ? "injected containers run with the agent's Vault token" : parsed.problem,
      );
    }
  }
  if (vault.authMount.startsWith('auth/')) {
    invalidProp(
      scope,
      'vault.authMount',
      vault.authMount,
      "the mount path without the 'auth/' prefix, e.g. 'kubernetes'",
    );
  }
  return {
    kubernetesVersion,
    kubernetesMinor,
    cni: requireOneOf(scope, 'cni', props.cni ?? 'generic', CNI_FLAVORS),
    mesh: requireOneOf(scope, 'mesh', props.mesh ?? 'none', MESH_FLAVORS),
    nodeLocalDns: props.nodeLocalDns ?? false,
    metadataDns: props.metadataDns ?? false,
    vaultDeliveryModes: [...new Set(vaultDeliveryModes)],
    vault,
    imagePolicyEngines: [...new Set(imagePolicyEngines)],
    runtimeEngines: [
      ...new Set(
        (props.runtimeEngines ?? []).map((e, i) => requireOneOf(scope, `runtimeEngines[${i}]`, e, RUNTIME_ENGINES)),
      ),
    ],
    apiServerAudience: requireTokenAudience(
      scope,
      'apiServerAudience',
      props.apiServerAudience ?? DEFAULT_API_SERVER_AUDIENCE,
    ),
    apiServerEndpoints: props.apiServerEndpoints
      ? {
          cidrs: props.apiServerEndpoints.cidrs.map((cidr, i) =>
            requireCidrText(scope, `apiServerEndpoints.cidrs[${i}]`, cidr),
          ),
          port: requireInteger(scope, 'apiServerEndpoints.port', props.apiServerEndpoints.port ?? 443, 1, 65535),
        }
      : undefined,
    gateway: resolveGatewaySettings(scope, props.gateway),
    clusterRegion:
      props.clusterRegion === undefined ? undefined : requireRegion(scope, 'clusterRegion', props.clusterRegion),
  };
}
