/**
 * AGT-EdgeAuth: an agent acts for a user, so whatever reaches it from outside its namespace must
 * have been authenticated at the edge. Judged on manifests alone, so the scanner catches it in any
 * repository.
 *
 * Exposures, as errors: a Service of type LoadBalancer or NodePort (or with externalIPs), an Ingress,
 * an HTTPRoute/GRPCRoute leading to a Service that selects the agent's pods, and NetworkPolicy
 * ingress from any source or from a known edge proxy (gateway or ingress-controller pods).
 * As warnings, because they are often monitoring or internal callers rather than users: ingress from
 * address blocks and from whole other namespaces. Specific pods of a named namespace (another agent,
 * a client workload) are callers, not an exposure.
 *
 * Edge authentication: an Envoy Gateway SecurityPolicy with JWT (not optional) or OIDC on the route,
 * or on its Gateway when no policy targets the route (a route policy replaces the gateway's), or, on
 * the pods themselves, an Istio RequestAuthentication with an AuthorizationPolicy that requires a
 * request principal. A Service, Ingress or NetworkPolicy exposure bypasses any gateway, so only Istio
 * covers it; the exception is ingress from a Gateway's own Envoy proxies, covered when every route
 * through that Gateway to the agent is authenticated.
 */
import { NAMESPACE_NAME_LABEL } from '../../core';
import { IndexedObject, ObjectSet } from '../object-set';
import { PodContext } from '../pod-template';
import { Rule } from '../rule';
import { NSA, OWASP, SOC2 } from '../references';
import { FindingDraft, Severity } from '../types';
import { Json, arr, rec, recs, selectorMatches, str, strs } from '../util';
import { at, indexedOf, isAgentWorkload, podRule, policiesSelecting, policyTypes } from './helpers';

const GATEWAY_GROUP = 'gateway.networking.k8s.io';
const ENVOY_GATEWAY_GROUP = 'gateway.envoyproxy.io';
const ISTIO_SECURITY_GROUP = 'security.istio.io';
/** Istio's root namespace: policies there apply mesh-wide. */
const ISTIO_ROOT_NAMESPACE = 'istio-system';
const OWNING_GATEWAY_NAME = 'gateway.envoyproxy.io/owning-gateway-name';
const OWNING_GATEWAY_NAMESPACE = 'gateway.envoyproxy.io/owning-gateway-namespace';
const ROUTE_KINDS = ['HTTPRoute', 'GRPCRoute'];

/**
 * Pod labels of edge proxies that forward outside traffic into the cluster: Gateway API
 * implementations and common ingress controllers. A label with value '*' matches any value.
 */
const EDGE_PROXY_LABELS: readonly (readonly [string, string])[] = [
  [OWNING_GATEWAY_NAME, '*'], // Envoy Gateway
  ['gateway.networking.k8s.io/gateway-name', '*'], // Istio, NGINX Gateway Fabric and others
  ['istio', 'ingressgateway'],
  ['app', 'istio-ingressgateway'],
  ...[
    'ingress-nginx',
    'nginx-ingress',
    'nginx-gateway',
    'traefik',
    'contour',
    'envoy',
    'kong',
    'haproxy-ingress',
  ].flatMap((name) => [['app.kubernetes.io/name', name] as const, ['app', name] as const]),
];

function isEdgeProxy(podLabels: Record<string, unknown>): boolean {
  return EDGE_PROXY_LABELS.some(([k, v]) => typeof podLabels[k] === 'string' && (v === '*' || podLabels[k] === v));
}

const groupOf = (o: IndexedObject): string => (o.object.apiVersion ?? '').split('/')[0];

/** Services in the agent's namespace whose selector picks its pods. */
function servicesOf(set: ObjectSet, namespace: string, labels: Record<string, string>): IndexedObject[] {
  return set.ofKind('Service', namespace).filter((s) => {
    const selector = rec(rec(s.object.spec).selector);
    return Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
  });
}

// --- Edge authentication ----------------------------------------------------------------------

/** JWT that is required, or OIDC (a session, or a bearer token the JWT filter checks). */
function securityPolicyAuthenticates(policy: IndexedObject): boolean {
  const spec = rec(policy.object.spec);
  const jwt = rec(spec.jwt);
  const jwtRequired = recs(jwt.providers).length > 0 && jwt.optional !== true;
  const oidc = rec(spec.oidc);
  const oidcOn = str(rec(oidc.provider).issuer) !== undefined;
  return jwtRequired || (oidcOn && (oidc.passThroughAuthHeader !== true || recs(jwt.providers).length > 0));
}

/** Whether `policy` targets the whole of `target` (kind/name in the policy's namespace). */
function targets(policy: IndexedObject, target: IndexedObject): boolean {
  if (policy.namespace !== target.namespace) return false;
  const spec = rec(policy.object.spec);
  const refs = [...(spec.targetRef ? [rec(spec.targetRef)] : []), ...recs(spec.targetRefs)];
  const byRef = refs.some(
    (r) =>
      (str(r.group) ?? GATEWAY_GROUP) === GATEWAY_GROUP &&
      r.kind === target.kind &&
      r.name === target.name &&
      // A section covers only part of the target.
      r.sectionName === undefined,
  );
  const bySelector = recs(spec.targetSelectors).some(
    (s) =>
      (str(s.group) ?? GATEWAY_GROUP) === GATEWAY_GROUP && s.kind === target.kind && selectorMatches(s, target.labels),
  );
  return byRef || bySelector;
}

function envoySecurityPolicies(set: ObjectSet, target: IndexedObject): IndexedObject[] {
  return set
    .ofKind('SecurityPolicy', target.namespace)
    .filter((p) => groupOf(p) === ENVOY_GATEWAY_GROUP && targets(p, target));
}

function parentGateways(
  set: ObjectSet,
  route: IndexedObject,
): { name: string; namespace: string; object?: IndexedObject }[] {
  return recs(rec(route.object.spec).parentRefs)
    .filter((p) => (str(p.group) ?? GATEWAY_GROUP) === GATEWAY_GROUP && (str(p.kind) ?? 'Gateway') === 'Gateway')
    .map((p) => {
      const namespace = str(p.namespace) ?? route.namespace;
      const name = str(p.name) ?? '';
      return { name, namespace, object: set.find('Gateway', name, namespace) };
    });
}

/** A route is authenticated by its own policies, or, when none targets it, by every parent Gateway's. */
function routeAuthenticated(set: ObjectSet, route: IndexedObject): boolean {
  const own = envoySecurityPolicies(set, route);
  if (own.length > 0) return own.every(securityPolicyAuthenticates);
  const parents = parentGateways(set, route);
  return (
    parents.length > 0 &&
    parents.every((g) => {
      const policies = g.object ? envoySecurityPolicies(set, g.object) : [];
      return policies.length > 0 && policies.every(securityPolicyAuthenticates);
    })
  );
}

function istioPolicies(set: ObjectSet, kind: string, namespace: string, labels: Record<string, string>): Json[] {
  return [
    ...set.ofKind(kind, namespace),
    ...(namespace === ISTIO_ROOT_NAMESPACE ? [] : set.ofKind(kind, ISTIO_ROOT_NAMESPACE)),
  ]
    .filter((p) => groupOf(p) === ISTIO_SECURITY_GROUP)
    .map((p) => rec(p.object.spec))
    .filter((spec) => spec.targetRef === undefined && spec.targetRefs === undefined)
    .filter((spec) => spec.selector === undefined || selectorMatches(spec.selector, labels));
}

/** A DENY rule that refuses every request without a principal, whatever its path or method. */
function denyWithoutPrincipal(rule: Json): boolean {
  if (rule.to !== undefined || rule.when !== undefined) return false;
  const from = recs(rule.from);
  return (
    from.length > 0 &&
    from.every((f) => {
      const source = rec(f.source);
      return strs(source.notRequestPrincipals).length > 0 && Object.keys(source).length === 1;
    })
  );
}

/** Istio validates tokens (RequestAuthentication) and refuses calls without one (AuthorizationPolicy). */
function istioAuthenticates(set: ObjectSet, namespace: string, labels: Record<string, string>): boolean {
  const validates = istioPolicies(set, 'RequestAuthentication', namespace, labels).some(
    (s) => recs(s.jwtRules).length > 0,
  );
  if (!validates) return false;
  const authz = istioPolicies(set, 'AuthorizationPolicy', namespace, labels);
  const deny = authz.filter((s) => s.action === 'DENY').some((s) => recs(s.rules).some(denyWithoutPrincipal));
  if (deny) return true;
  // ALLOW policies are OR-ed: every one of them must demand a principal in every rule.
  const allow = authz.filter((s) => s.action === undefined || s.action === 'ALLOW');
  return (
    allow.length > 0 &&
    allow.every((s) =>
      recs(s.rules).every((r) => {
        const from = recs(r.from);
        return from.length > 0 && from.every((f) => strs(rec(f.source).requestPrincipals).length > 0);
      }),
    )
  );
}

// --- Exposures --------------------------------------------------------------------------------

interface Exposure {
  readonly what: string;
  readonly severity: Severity;
  /** True when the exposure passes through gateway routes that are all authenticated. */
  readonly coveredByGateway: boolean;
}

function routesTo(set: ObjectSet, services: readonly IndexedObject[]): IndexedObject[] {
  const keys = new Set(services.map((s) => `${s.namespace}/${s.name}`));
  return ROUTE_KINDS.flatMap((k) => set.ofKind(k)).filter(
    (route) =>
      groupOf(route) === GATEWAY_GROUP &&
      recs(rec(route.object.spec).rules).some((rule) =>
        recs(rule.backendRefs).some(
          (b) =>
            (str(b.group) ?? '') === '' &&
            (str(b.kind) ?? 'Service') === 'Service' &&
            keys.has(`${str(b.namespace) ?? route.namespace}/${str(b.name)}`),
        ),
      ),
  );
}

function ingressBackends(ingress: Json): string[] {
  const spec = rec(ingress.spec);
  const names = [str(rec(rec(spec.defaultBackend).service).name)];
  for (const rule of recs(spec.rules))
    for (const path of recs(rec(rule.http).paths)) names.push(str(rec(rec(path.backend).service).name));
  return names.filter((n): n is string => n !== undefined);
}

/** A namespace selector that can only match the agent's own namespace. */
function pinnedToNamespace(selector: unknown, namespace: string): boolean {
  const sel = rec(selector);
  if (rec(sel.matchLabels)[NAMESPACE_NAME_LABEL] === namespace) return true;
  return recs(sel.matchExpressions).some(
    (e) => e.key === NAMESPACE_NAME_LABEL && e.operator === 'In' && strs(e.values).every((v) => v === namespace),
  );
}

/** The namespace a selector names exactly (by the automatic name label), if any. */
function namedNamespace(selector: unknown): string | undefined {
  const sel = rec(selector);
  const byLabel = str(rec(sel.matchLabels)[NAMESPACE_NAME_LABEL]);
  if (byLabel !== undefined) return byLabel;
  const expr = recs(sel.matchExpressions).find(
    (e) => e.key === NAMESPACE_NAME_LABEL && e.operator === 'In' && strs(e.values).length === 1,
  );
  return expr ? strs(expr.values)[0] : undefined;
}

function networkPolicyExposures(
  set: ObjectSet,
  namespace: string,
  labels: Record<string, string>,
  routes: readonly IndexedObject[],
): Exposure[] {
  const out: Exposure[] = [];
  // A pod no policy selects for ingress is open to the whole cluster; HRD-PodNetworkPolicy reports that.
  const policies = policiesSelecting(set, namespace, labels).filter((p) => policyTypes(p.object).has('Ingress'));
  for (const policy of policies) {
    recs(rec(policy.object.spec).ingress).forEach((rule, i) => {
      const from = recs(rule.from);
      const where = `NetworkPolicy ${policy.namespace}/${policy.name} ingress[${i}]`;
      if (from.length === 0) {
        out.push({ what: `${where} (any source)`, severity: 'error', coveredByGateway: false });
        return;
      }
      from.forEach((peer, j) => {
        const at = `${where}.from[${j}]`;
        if (peer.ipBlock !== undefined) {
          out.push({ what: `${at} (ipBlock)`, severity: 'warning', coveredByGateway: false });
          return;
        }
        if (peer.namespaceSelector === undefined || pinnedToNamespace(peer.namespaceSelector, namespace)) return;
        const podLabels = rec(rec(peer.podSelector).matchLabels);
        const specificPods =
          namedNamespace(peer.namespaceSelector) !== undefined && Object.keys(rec(peer.podSelector)).length > 0;
        if (isEdgeProxy(podLabels)) {
          // Envoy Gateway proxies of one Gateway: covered when every route through it to the agent is authenticated.
          const gwName = str(podLabels[OWNING_GATEWAY_NAME]);
          const gwNamespace = str(podLabels[OWNING_GATEWAY_NAMESPACE]);
          const through =
            gwName && gwNamespace
              ? routes.filter((r) =>
                  parentGateways(set, r).some((g) => g.name === gwName && g.namespace === gwNamespace),
                )
              : [];
          out.push({
            what: `${at} (${gwName && gwNamespace ? `proxies of Gateway ${gwNamespace}/${gwName}` : 'edge proxy pods'})`,
            severity: 'error',
            coveredByGateway: through.length > 0 && through.every((r) => routeAuthenticated(set, r)),
          });
        } else if (!specificPods) {
          out.push({ what: `${at} (another namespace)`, severity: 'warning', coveredByGateway: false });
        }
      });
    });
  }
  return out;
}

function exposuresOf(set: ObjectSet, namespace: string, labels: Record<string, string>): Exposure[] {
  const services = servicesOf(set, namespace, labels);
  const names = new Set(services.map((s) => s.name));
  const out: Exposure[] = [];
  for (const s of services) {
    const spec = rec(s.object.spec);
    if (spec.type === 'LoadBalancer' || spec.type === 'NodePort')
      out.push({
        what: `Service ${s.namespace}/${s.name} of type ${String(spec.type)}`,
        severity: 'error',
        coveredByGateway: false,
      });
    if (arr(spec.externalIPs).length > 0)
      out.push({
        what: `Service ${s.namespace}/${s.name} with externalIPs`,
        severity: 'error',
        coveredByGateway: false,
      });
  }
  for (const ingress of set.ofKind('Ingress', namespace))
    if (ingressBackends(ingress.object).some((n) => names.has(n)))
      out.push({ what: `Ingress ${ingress.namespace}/${ingress.name}`, severity: 'error', coveredByGateway: false });
  const routes = routesTo(set, services);
  for (const route of routes)
    out.push({
      what: `${route.kind} ${route.namespace}/${route.name}`,
      severity: 'error',
      coveredByGateway: routeAuthenticated(set, route),
    });
  out.push(...networkPolicyExposures(set, namespace, labels, routes));
  return out;
}

export const edgeAuthentication: Rule = podRule(
  {
    id: 'AGT-EdgeAuth',
    title: 'Agents reachable from outside their namespace sit behind edge authentication',
    severity: 'error',
    description:
      'An agent acts on behalf of a user, so the platform must know which user before a request reaches it. A LoadBalancer/NodePort Service, an Ingress, an HTTPRoute, or NetworkPolicy ingress from any source or from gateway/ingress-controller pods, without an Envoy Gateway SecurityPolicy (JWT or OIDC) on the route or its Gateway, or an Istio RequestAuthentication with an AuthorizationPolicy requiring request principals, lets anonymous callers drive the agent (error). Ingress from address blocks or whole other namespaces is reported as a warning.',
    fix: 'Expose the agent through AgentGateway (OIDC for people, JWT for machines), or on a meshed cluster add AgentEdgeIdentity; remove LoadBalancer/NodePort Services and Ingresses that bypass it.',
    references: [OWASP.excessiveAgency, NSA.exposure, SOC2.boundaries],
    scanners: [],
  },
  (pod: PodContext, ctx): FindingDraft[] | undefined => {
    const item = indexedOf(ctx);
    if (!isAgentWorkload(item, pod)) return undefined;
    const exposures = exposuresOf(ctx.set, item.namespace, pod.labels);
    if (exposures.length === 0 || istioAuthenticates(ctx.set, item.namespace, pod.labels)) return [];
    return exposures
      .filter((e) => !e.coveredByGateway)
      .map((e) => ({
        ...at(
          `agent ${item.namespace}/${item.name} is reachable from outside its namespace through ${e.what} without edge authentication`,
          ['metadata', 'name'],
        ),
        severity: e.severity,
      }));
  },
);
