/**
 * What each Gateway API implementation contributes: who its proxy pods are (the only ingress peer
 * of exposed agents), which meshes it works with, and the edge policies of a route. A record keyed
 * by the implementation union: adding Istio or NGINX Gateway to GatewayImplementation fails to
 * compile until its entry exists here.
 */
import { GatewayImplementation, MeshFlavor, ResolvedGatewaySettings } from '../core';
import { PodsPeer } from '../network/intent';
import {
  ENVOY_GATEWAY_API_VERSION,
  OWNING_GATEWAY_NAME_LABEL,
  OWNING_GATEWAY_NAMESPACE_LABEL,
  renderSecurityPolicySpec,
  renderTrafficPolicySpec,
  securityPolicyName,
  trafficPolicyName,
} from './envoy-gateway';
import { ResolvedGateway, ResolvedRoute } from './resolve';

/** One implementation-specific policy object attached to a route (Envoy Gateway: SecurityPolicy, BackendTrafficPolicy). */
export interface EdgePolicy {
  /** Construct id of the object, stable across renders. */
  readonly id: string;
  /** The object's apiVersion. */
  readonly apiVersion: string;
  /** The object's kind. */
  readonly kind: string;
  /** The object's name. */
  readonly name: string;
  /** The object's spec. */
  readonly spec: Record<string, unknown>;
}

/** What one Gateway API implementation contributes: its proxy pods as a peer, the meshes it works with, and a route's edge policies. */
export interface GatewayImplementationSpec {
  /** For messages and docs. */
  readonly title: string;
  /** Meshes whose agents its proxies can reach (an Istio-meshed agent takes mTLS callers only). */
  readonly meshes: readonly MeshFlavor[];
  /** The gateway's proxy pods, as a NetworkPolicy peer. */
  proxyPeer(settings: ResolvedGatewaySettings, gateway: ResolvedGateway): PodsPeer;
  /** Authentication, authorization and request limits of one route. */
  edgePolicies(route: ResolvedRoute, settings: ResolvedGatewaySettings): readonly EdgePolicy[];
}

const ENVOY_GATEWAY: GatewayImplementationSpec = {
  title: 'Envoy Gateway',
  meshes: ['none'],
  proxyPeer: (settings, gateway) => ({
    namespace: settings.proxyNamespace,
    pods: { [OWNING_GATEWAY_NAME_LABEL]: gateway.name, [OWNING_GATEWAY_NAMESPACE_LABEL]: gateway.namespace },
  }),
  edgePolicies: (route, settings) => [
    {
      id: 'SecurityPolicy',
      apiVersion: ENVOY_GATEWAY_API_VERSION,
      kind: 'SecurityPolicy',
      name: securityPolicyName(route),
      spec: renderSecurityPolicySpec(route),
    },
    {
      id: 'BackendTrafficPolicy',
      apiVersion: ENVOY_GATEWAY_API_VERSION,
      kind: 'BackendTrafficPolicy',
      name: trafficPolicyName(route),
      spec: renderTrafficPolicySpec(route, settings),
    },
  ],
};

/** Every supported implementation's spec, keyed by the platform's `gateway.implementation` setting. */
export const GATEWAY_IMPLEMENTATION_SPECS: Readonly<Record<GatewayImplementation, GatewayImplementationSpec>> = {
  'envoy-gateway': ENVOY_GATEWAY,
};
