/**
 * Gateway API v1 objects (Gateway, HTTPRoute) and the cert-manager Certificate, rendered as plain
 * data. Implementation-specific policies live in ./envoy-gateway.ts (and later siblings).
 */
import { NAMESPACE_NAME_LABEL } from '../core';
import { ResolvedGateway, ResolvedRoute } from './resolve';

/** API group of the Gateway API. */
export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';
/** apiVersion of Gateway and HTTPRoute (Gateway API v1). */
export const GATEWAY_API_VERSION = `${GATEWAY_API_GROUP}/v1`;
/** apiVersion of cert-manager's Certificate. */
export const CERT_MANAGER_API_VERSION = 'cert-manager.io/v1';
/** Name of the Gateway's HTTPS listener, the only one routes to agents attach to. */
export const HTTPS_LISTENER = 'https';
/** Name of the Gateway's plain-HTTP listener, which only redirects to HTTPS. */
export const HTTP_LISTENER = 'http';

/** A Kubernetes object as plain data. */
export interface PlainObject {
  /** The object's apiVersion. */
  readonly apiVersion: string;
  /** The object's kind. */
  readonly kind: string;
  /** Name, namespace, and optional labels and annotations. */
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
  };
  /** The object's spec. */
  readonly spec: Record<string, unknown>;
}

/** Name of the HTTPRoute that redirects plain HTTP to HTTPS. */
export function redirectRouteName(gateway: ResolvedGateway): string {
  return `${gateway.name}-https-redirect`;
}

/**
 * The Gateway: HTTPS terminates with the referenced certificate and admits HTTPRoutes from the agent
 * namespaces only; plain HTTP admits routes from the gateway's own namespace, where the only route
 * redirects to HTTPS.
 */
export function renderGatewaySpec(
  gateway: ResolvedGateway,
  className: string,
  agentNamespaces: readonly string[],
): Record<string, unknown> {
  const routeNamespaces =
    agentNamespaces.length === 0
      ? // Nothing exposed yet: no namespace may attach routes to HTTPS.
        { from: 'Selector', selector: { matchLabels: { [NAMESPACE_NAME_LABEL]: gateway.namespace } } }
      : {
          from: 'Selector',
          selector: {
            matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'In', values: [...agentNamespaces].sort() }],
          },
        };
  return {
    gatewayClassName: className,
    listeners: [
      {
        name: HTTPS_LISTENER,
        protocol: 'HTTPS',
        port: 443,
        tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: gateway.tls.secretName }] },
        allowedRoutes: { namespaces: routeNamespaces, kinds: [{ group: GATEWAY_API_GROUP, kind: 'HTTPRoute' }] },
      },
      {
        name: HTTP_LISTENER,
        protocol: 'HTTP',
        port: 80,
        allowedRoutes: { namespaces: { from: 'Same' }, kinds: [{ group: GATEWAY_API_GROUP, kind: 'HTTPRoute' }] },
      },
    ],
  };
}

/** The plain-HTTP listener's only route: a permanent redirect to HTTPS. */
export function renderRedirectRouteSpec(gateway: ResolvedGateway): Record<string, unknown> {
  return {
    parentRefs: [
      {
        group: GATEWAY_API_GROUP,
        kind: 'Gateway',
        name: gateway.name,
        namespace: gateway.namespace,
        sectionName: HTTP_LISTENER,
      },
    ],
    rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
  };
}

/** The cert-manager Certificate for the HTTPS listener (ECDSA P-256, key rotated on renewal), or undefined when the gateway uses an existing Secret. */
export function renderCertificateSpec(gateway: ResolvedGateway): Record<string, unknown> | undefined {
  const tls = gateway.tls;
  if (tls.kind !== 'cert-manager') return undefined;
  return {
    secretName: tls.secretName,
    dnsNames: [...tls.dnsNames],
    issuerRef: { group: 'cert-manager.io', kind: tls.issuerKind, name: tls.issuer },
    privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
  };
}

/** One HTTPRoute per exposed agent, attached to the HTTPS listener only. */
export function renderRouteSpec(gateway: ResolvedGateway, route: ResolvedRoute): Record<string, unknown> {
  return {
    parentRefs: [
      {
        group: GATEWAY_API_GROUP,
        kind: 'Gateway',
        name: gateway.name,
        namespace: gateway.namespace,
        sectionName: HTTPS_LISTENER,
      },
    ],
    hostnames: [...route.hostnames],
    rules: [
      {
        matches: route.pathPrefixes.map((value) => ({ path: { type: 'PathPrefix', value } })),
        // Route filters apply when the request leaves for the agent, after the edge policies
        // authenticated it: credentials the agent does not need never reach it.
        ...(route.removeHeaders.length
          ? {
              filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { remove: [...route.removeHeaders] } }],
            }
          : {}),
        backendRefs: [{ group: '', kind: 'Service', name: route.serviceName, port: route.port }],
      },
    ],
  };
}
