import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { MANAGED_BY, ResolvedClusterSettings, checkProps, invalidProp } from '../core';
import { AgentPlatform } from '../platform/platform';
import {
  CERT_MANAGER_API_VERSION,
  GATEWAY_API_VERSION,
  redirectRouteName,
  renderCertificateSpec,
  renderGatewaySpec,
  renderRedirectRouteSpec,
  renderRouteSpec,
} from './render';
import { renderClientSecretObjects } from './envoy-gateway';
import { GATEWAY_IMPLEMENTATION_SPECS, GatewayImplementationSpec } from './implementations';
import { ResolvedGateway, ResolvedRoute, checkLocalLimitUnits, resolveGateway, resolveRoute } from './resolve';
import { z } from 'zod';
import { AGENT_GATEWAY_PROPS_SCHEMA, AGENT_ROUTE_PROPS_SCHEMA, OIDC_SIGN_IN_SCHEMA } from './schema';
import { AgentGatewayProps, AgentRouteProps, ExposableAgent } from './types';
import { AgentApiObject } from '../platform/api-object';

function gatewayLabels(partOf: string, name: string): Record<string, string> {
  return {
    'app.kubernetes.io/managed-by': MANAGED_BY,
    'app.kubernetes.io/part-of': partOf,
    'app.kubernetes.io/component': 'gateway',
    'app.kubernetes.io/name': name,
  };
}

/**
 * Route props at entry: unknown keys and wrong shapes, except the client secret, whose resolver
 * refuses a literal without echoing it.
 */
const ROUTE_ENTRY_SCHEMA = AGENT_ROUTE_PROPS_SCHEMA.extend({
  people: OIDC_SIGN_IN_SCHEMA.extend({ clientSecret: z.unknown() }).optional(),
});
/**
 * The authenticating edge of the platform: a Gateway API `Gateway` (HTTPS with a referenced or
 * cert-manager certificate; plain HTTP only redirects) and, per exposed agent, an `HTTPRoute`, the
 * implementation's edge policies (OIDC sign-in and JWT validation, per-user and overall request
 * limits) and a NetworkPolicy grant that lets only the gateway's proxy pods reach the agent's port.
 *
 * ```ts
 * const gateway = new AgentGateway(platform, 'edge', { namespace: 'gateway', tls: { secretName: 'edge-tls' } });
 * gateway.expose(agent, { hostnames: ['assistant.example.com'], people: { ...oidc } });
 * ```
 */
export class AgentGateway extends Construct {
  /** Name of the Gateway object. */
  public readonly gatewayName: string;
  /** Namespace of the Gateway object. */
  public readonly gatewayNamespace: string;
  /** The Gateway object: an HTTPS listener for agent routes and an HTTP listener that only redirects. */
  public readonly gateway: ApiObject;
  /** The HTTPRoute that redirects plain HTTP to HTTPS. */
  public readonly redirectRoute: ApiObject;
  /** The cert-manager Certificate for the HTTPS listener. @default undefined (meaning `tls` names an existing Secret) */
  public readonly certificate?: ApiObject;
  /** The Gateway API implementation the platform runs (its `gateway.implementation` setting). */
  public readonly implementation: GatewayImplementationSpec;
  private readonly settings: ResolvedClusterSettings;
  private readonly resolved: ResolvedGateway;
  private readonly routes = new Map<string, AgentRoute>();

  constructor(scope: Construct, id: string, props: AgentGatewayProps) {
    super(scope, id);
    // Top-level typos first; the resolver then explains bad values in its own terms, and the full
    // schema at the end refuses any nested key it did not read.
    checkProps(this, AGENT_GATEWAY_PROPS_SCHEMA.extend({ tls: z.unknown() }), props, '', 'entry');
    this.settings = AgentPlatform.find(this).settings;
    this.implementation = GATEWAY_IMPLEMENTATION_SPECS[this.settings.gateway.implementation];
    if (!this.implementation.meshes.includes(this.settings.mesh))
      invalidProp(
        this,
        'mesh',
        this.settings.mesh,
        `a platform mesh among ${this.implementation.meshes.join(', ')} for ${this.implementation.title}, or AgentEdgeIdentity on the agent behind the mesh's own gateway`,
        "a meshed agent accepts mTLS callers only, and this gateway's proxies are outside the mesh",
      );
    this.resolved = resolveGateway(this, id, props);
    checkProps(this, AGENT_GATEWAY_PROPS_SCHEMA, props);
    this.gatewayName = this.resolved.name;
    this.gatewayNamespace = this.resolved.namespace;
    const labels = gatewayLabels(this.gatewayNamespace, this.gatewayName);
    const className = this.settings.gateway.gatewayClassName;
    this.gateway = new AgentApiObject(this, 'Gateway', {
      apiVersion: GATEWAY_API_VERSION,
      kind: 'Gateway',
      metadata: { name: this.gatewayName, namespace: this.gatewayNamespace, labels },
      spec: Lazy.any({ produce: () => renderGatewaySpec(this.resolved, className, this.agentNamespaces()) }),
    });
    this.redirectRoute = new AgentApiObject(this, 'HttpsRedirect', {
      apiVersion: GATEWAY_API_VERSION,
      kind: 'HTTPRoute',
      metadata: { name: redirectRouteName(this.resolved), namespace: this.gatewayNamespace, labels },
      spec: renderRedirectRouteSpec(this.resolved),
    });
    const certificate = renderCertificateSpec(this.resolved);
    if (certificate) {
      this.certificate = new AgentApiObject(this, 'Certificate', {
        apiVersion: CERT_MANAGER_API_VERSION,
        kind: 'Certificate',
        metadata: { name: `${this.gatewayName}-tls`, namespace: this.gatewayNamespace, labels },
        spec: certificate,
      });
      this.gateway.addDependency(this.certificate);
    }
  }

  /**
   * Serves `agent` on the route's hostnames behind authentication: people sign in with OIDC,
   * machines present JWTs. The agent's NetworkPolicy admits the gateway's proxy pods on the routed
   * port; nothing else outside its namespace is opened.
   */
  public expose(agent: ExposableAgent, props: AgentRouteProps): AgentRoute {
    const key = `${agent.namespace.name}/${agent.agentName}`;
    const field = `expose(${key})`;
    checkProps(this, ROUTE_ENTRY_SCHEMA, props, field, 'entry');
    if (this.routes.has(key))
      invalidProp(this, 'expose', key, 'each agent once per gateway (list all hostnames and paths in one call)');
    const id = `${agent.namespace.name}-${agent.agentName}`;
    // Namespace `a` with agent `b-c` and namespace `a-b` with agent `c` would share the construct id.
    const taken = this.node.tryFindChild(id);
    if (taken instanceof AgentRoute)
      invalidProp(
        this,
        'expose',
        key,
        `agents whose '<namespace>-<agent>' differs from every other routed agent's`,
        `'${id}' is already the route of ${taken.resolved.namespace}/${taken.resolved.agentName}`,
      );
    const route = new AgentRoute(this, id, {
      agent,
      props,
      gateway: this.resolved,
      settings: this.settings,
      implementation: this.implementation,
    });
    checkProps(this, AGENT_ROUTE_PROPS_SCHEMA, props, field);
    this.routes.set(key, route);
    agent.allowIngressFrom(
      this.implementation.proxyPeer(this.settings.gateway, this.resolved),
      route.resolved.portName,
    );
    return route;
  }

  /** Agents exposed through this gateway, as `namespace/name`. */
  public get exposedAgents(): string[] {
    return [...this.routes.keys()].sort();
  }

  private agentNamespaces(): string[] {
    return [...new Set([...this.routes.values()].map((r) => r.resolved.namespace))];
  }
}

interface AgentRouteInput {
  readonly agent: ExposableAgent;
  readonly props: AgentRouteProps;
  readonly gateway: ResolvedGateway;
  readonly settings: ResolvedClusterSettings;
  readonly implementation: GatewayImplementationSpec;
}

/** One exposed agent: its HTTPRoute, edge policies and, with OIDC, the Vault-delivered client secret. */
export class AgentRoute extends Construct {
  /** The validated route. */
  public readonly resolved: ResolvedRoute;
  /** The HTTPRoute to the agent's Service, attached to the gateway's HTTPS listener. */
  public readonly httpRoute: ApiObject;
  /** The implementation's edge policies: authentication, authorization and request limits. */
  public readonly policies: readonly ApiObject[];

  constructor(scope: Construct, id: string, input: AgentRouteInput) {
    super(scope, id);
    const { settings } = input;
    this.resolved = resolveRoute(this, input.agent, input.props, input.gateway);
    const route = this.resolved;
    if (settings.gateway.rateLimit === 'local') checkLocalLimitUnits(this, route.limits);
    if (route.oidc && !settings.vaultDeliveryModes.includes('operator'))
      invalidProp(
        this,
        'people.clientSecret',
        route.oidc.clientSecret,
        "a platform whose vaultDeliveryModes include 'operator' (the Vault Secrets Operator writes the secret the gateway reads)",
        'the client secret comes from Vault only',
      );
    const labels = gatewayLabels(route.namespace, route.agentName);
    const metadata = (name: string) => ({ name, namespace: route.namespace, labels });
    this.httpRoute = new AgentApiObject(this, 'HTTPRoute', {
      apiVersion: GATEWAY_API_VERSION,
      kind: 'HTTPRoute',
      metadata: metadata(route.agentName),
      spec: renderRouteSpec(input.gateway, route),
    });
    const secretObjects = renderClientSecretObjects(route, settings.vault, labels).map(
      (o) =>
        new AgentApiObject(this, `ClientSecret${o.kind}`, {
          apiVersion: o.apiVersion,
          kind: o.kind,
          metadata: metadata(`${route.agentName}-oidc-client`),
          ...o.body,
        }),
    );
    this.policies = input.implementation.edgePolicies(route, settings.gateway).map((p) => {
      const policy = new AgentApiObject(this, p.id, {
        apiVersion: p.apiVersion,
        kind: p.kind,
        metadata: metadata(p.name),
        spec: p.spec,
      });
      policy.addDependency(this.httpRoute, ...secretObjects);
      return policy;
    });
  }
}
