import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import {
  MAX_TOKEN_EXPIRATION_SECONDS,
  SUPPRESSIONS_ANNOTATION,
  checkProps,
  claimClusterScopedName,
  invalidProp,
} from '../core';
import { API_GRANT_SCHEMA } from './schema';
import type { AgentNamespace } from '../namespace/namespace';
import { createClusterRoleBinding, createRoleBinding } from './binding';
import { ApiGrant, ResolvedGrant, resolveGrant } from './grant';
import { RBAC_ACKNOWLEDGEMENTS_ANNOTATION, RBAC_RULE_RISKS } from '../common/rbac-risks';
import { KubeClusterRole, KubeRole } from '../platform/api-object';

/** Volume of the projected API token; mounted at /var/run/secrets/tokens/kube-api-token/token. */
export const API_TOKEN_VOLUME = 'kube-api-token';

/** What API access needs from an agent. Every agent shape (lib/agent-pod) implements it. */
export interface ApiAccessHolder extends IConstruct {
  /** Agent name, for the Role names and messages. */
  readonly agentName: string;
  /** ServiceAccount the Roles are bound to. */
  readonly serviceAccountName: string;
  /** Labels copied onto the Roles and bindings. */
  readonly labels: Record<string, string>;
  /** The agent's namespace, where namespaced Roles go. */
  readonly namespace: AgentNamespace;
  /** Network grant used to reach the API server's endpoints. */
  allowEgressTo(peer: { readonly cidr: string; readonly region?: string }, port?: number): unknown;
}

/** Where the API token comes from: the agent pod's plumbing, which is not part of the agent's public API. */
export interface ApiTokenSource {
  /**
   * Adds (once per volume name) a projected, short-lived ServiceAccount token for `audience`, and returns its
   * volume name.
   */
  addProjectedServiceAccountToken(options: {
    audience: string;
    expirationSeconds?: number;
    volumeName?: string;
  }): string;
}

/**
 * What one API grant gave, like aws-cdk's `Grant`: the role that carries the rule, the rule as
 * written, and the risks acknowledged for it.
 */
export interface ApiAccessGrant {
  /** The Role (or ClusterRole, for `clusterWide`) the rule was added to. */
  readonly role: ApiObject;
  /** True when the rule went to a ClusterRole (cluster-scoped resources). */
  readonly clusterWide: boolean;
  /** The rule as added to the role. */
  readonly rule: ResolvedGrant['rule'];
  /** Risks acknowledged for this rule, with their reasons. */
  readonly acknowledgements: readonly RecordedAcknowledgement[];
  /** The subject the role is bound to: `system:serviceaccount:<namespace>:<agent>`. */
  readonly serviceAccount: { readonly namespace: string; readonly name: string };
}

/** An acknowledged risk as recorded on the Role: which rule carries it, and why it is accepted. */
export interface RecordedAcknowledgement {
  /** ID of the acknowledged risk (an `RbacRuleRisk` id). */
  readonly risk: string;
  /** Why the risk is accepted, as given by the author. */
  readonly reason: string;
  /** The rule that carries the risk. */
  readonly rule: ResolvedGrant['rule'];
}

type Rule = ResolvedGrant['rule'];

/** Rule-engine suppressions for acknowledged risks: one per finding ID, reasons joined. */
export function suppressionsFor(acks: readonly RecordedAcknowledgement[]): { rule: string; reason: string }[] {
  const reasons = new Map<string, string[]>();
  for (const ack of acks) {
    const ids = RBAC_RULE_RISKS.find((r) => r.id === ack.risk)?.findingIds ?? [];
    for (const id of ids) reasons.set(id, [...(reasons.get(id) ?? []), ack.reason]);
  }
  return [...reasons].map(([rule, list]) => ({ rule, reason: [...new Set(list)].join('; ') }));
}

/** One Role (or ClusterRole) with its binding to the agent's ServiceAccount, created on first use. */
interface RoleSet {
  readonly role: ApiObject;
  readonly rules: Rule[];
  readonly acknowledgements: RecordedAcknowledgement[];
}

/**
 * The agent's Kubernetes API access: grants become rules of one Role `<agent>-api` bound to the
 * agent's own ServiceAccount, and cluster-wide grants rules of one ClusterRole
 * `<namespace>-<agent>-api`. The first grant gives the pod a projected, audience-bound API token;
 * an agent without grants has neither RBAC nor a token.
 */
export class AgentApiAccess extends Construct {
  private readonly agent: ApiAccessHolder;
  private readonly tokens: ApiTokenSource;
  private namespaced?: RoleSet;
  private clusterWide?: RoleSet;
  private grantCount = 0;

  constructor(agent: ApiAccessHolder, id: string, tokens: ApiTokenSource) {
    super(agent, id);
    this.agent = agent;
    this.tokens = tokens;
  }

  /** The namespaced Role, once a grant needs it. */
  public get role(): ApiObject | undefined {
    return this.namespaced?.role;
  }

  /** The ClusterRole, once a cluster-wide grant needs it. */
  public get clusterRole(): ApiObject | undefined {
    return this.clusterWide?.role;
  }

  /** Adds one grant. Refused grants throw an AgentBaselineError naming the risk. */
  public grant(grant: ApiGrant): ApiAccessGrant {
    checkProps(this.agent, API_GRANT_SCHEMA, grant, `apiGrants[${this.grantCount}]`);
    const resolved = resolveGrant(this.agent, `apiGrants[${this.grantCount}]`, grant);
    const set = resolved.clusterWide
      ? (this.clusterWide ??= this.createClusterRole())
      : (this.namespaced ??= this.createRole());
    if (set.rules.some((r) => JSON.stringify(r) === JSON.stringify(resolved.rule))) {
      invalidProp(
        this.agent,
        `apiGrants[${this.grantCount}]`,
        resolved.rule,
        'a grant not already given to this agent',
      );
    }
    this.grantCount++;
    set.rules.push(resolved.rule);
    if (resolved.acknowledgements.length > 0) {
      set.acknowledgements.push(...resolved.acknowledgements.map((a) => ({ ...a, rule: resolved.rule })));
      set.role.metadata.addAnnotation(RBAC_ACKNOWLEDGEMENTS_ANNOTATION, JSON.stringify(set.acknowledgements));
      // The same reason suppresses the rule engine's finding, so it is reported as Suppressed, not hidden.
      set.role.metadata.addAnnotation(SUPPRESSIONS_ANNOTATION, JSON.stringify(suppressionsFor(set.acknowledgements)));
    }
    if (this.grantCount === 1) this.allowEgressToApiServer();
    this.tokens.addProjectedServiceAccountToken({
      audience: this.agent.namespace.platform.settings.apiServerAudience,
      expirationSeconds: MAX_TOKEN_EXPIRATION_SECONDS,
      volumeName: API_TOKEN_VOLUME,
    });
    return {
      role: set.role,
      clusterWide: resolved.clusterWide,
      rule: resolved.rule,
      acknowledgements: resolved.acknowledgements.map((a) => ({ ...a, rule: resolved.rule })),
      serviceAccount: { namespace: this.agent.namespace.name, name: this.agent.serviceAccountName },
    };
  }

  /** A grant is useless if the namespace's default-deny keeps the agent from the API server. */
  private allowEgressToApiServer(): void {
    const endpoints = this.agent.namespace.platform.settings.apiServerEndpoints;
    if (!endpoints) {
      invalidProp(
        this.agent,
        'apiGrants',
        'platform setting apiServerEndpoints unset',
        "the platform's apiServerEndpoints (CIDRs from `kubectl get endpoints kubernetes -n default`) so the agent's NetworkPolicy can allow egress to the API server",
        'without it the default-deny NetworkPolicy blocks the access the grant gives',
      );
    }
    // The API server is part of the cluster, so it is in the cluster's region.
    const region = this.agent.namespace.platform.settings.clusterRegion;
    for (const cidr of endpoints.cidrs) this.agent.allowEgressTo({ cidr, region }, endpoints.port);
  }

  private subject() {
    return {
      kind: 'ServiceAccount' as const,
      name: this.agent.serviceAccountName,
      namespace: this.agent.namespace.name,
    };
  }

  private createRole(): RoleSet {
    const name = `${this.agent.agentName}-api`;
    const rules: Rule[] = [];
    const role = new KubeRole(this, 'Role', { metadata: { name, labels: this.agent.labels }, rules });
    const binding = createRoleBinding(this, 'RoleBinding', {
      name,
      labels: this.agent.labels,
      roleRef: { kind: 'Role', name },
      subjects: [this.subject()],
    });
    binding.addDependency(role);
    return { role, rules, acknowledgements: [] };
  }

  private createClusterRole(): RoleSet {
    // Cluster-scoped objects live in the platform chart (no namespace); the name carries the namespace to stay unique.
    const platform = this.agent.namespace.platform;
    const name = `${this.agent.namespace.name}-${this.agent.agentName}-api`;
    claimClusterScopedName(platform, {
      owner: this.agent,
      kind: 'ClusterRole',
      name,
      field: 'agentName',
      value: this.agent.agentName,
      pattern: "'<namespace>-<agent>-api'",
    });
    const rules: Rule[] = [];
    const role = new KubeClusterRole(platform, `${name}-ClusterRole`, {
      metadata: { name, labels: this.agent.labels },
      rules,
    });
    const binding = createClusterRoleBinding(platform, `${name}-ClusterRoleBinding`, {
      name,
      labels: this.agent.labels,
      roleRef: { kind: 'ClusterRole', name },
      subjects: [this.subject()],
    });
    binding.addDependency(role);
    return { role, rules, acknowledgements: [] };
  }
}
