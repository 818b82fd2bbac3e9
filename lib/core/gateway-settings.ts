/**
 * Which Gateway API implementation the cluster runs, and what it offers. The gateway constructs
 * (lib/gateway) read these settings and refuse what the installed implementation cannot enforce.
 */
import { IConstruct } from 'constructs';
import { requireDnsLabel, requireDnsSubdomain, requireOneOf } from './validate';

/** Gateway API implementations the gateway constructs can drive. Istio and NGINX Gateway come next. */
export type GatewayImplementation = 'envoy-gateway';
/** Every {@link GatewayImplementation}, for validating settings. */
export const GATEWAY_IMPLEMENTATIONS: readonly GatewayImplementation[] = ['envoy-gateway'];

/**
 * Where request limits are counted. `global` needs Envoy Gateway's rate-limit service (Redis-backed,
 * enabled in the EnvoyGateway config); `local` counts per proxy replica, so the effective limit is
 * the configured one times the number of proxy replicas.
 */
export type GatewayRateLimitMode = 'local' | 'global';
/** Every {@link GatewayRateLimitMode}, for validating settings. */
export const GATEWAY_RATE_LIMIT_MODES: readonly GatewayRateLimitMode[] = ['local', 'global'];

/** The Gateway API implementation agents are exposed through, and how it counts request limits. */
export interface GatewaySettings {
  /** The Gateway API implementation installed. @default 'envoy-gateway' */
  readonly implementation?: GatewayImplementation;
  /** GatewayClass the implementation serves. @default 'envoy-gateway' */
  readonly gatewayClassName?: string;
  /**
   * Namespace the gateway's proxy pods run in (Envoy Gateway runs them in its own namespace unless
   * its deploy mode is GatewayNamespace). Agents accept ingress from these pods only.
   * @default 'envoy-gateway-system'
   */
  readonly proxyNamespace?: string;
  /** Where request limits are counted. @default 'local' */
  readonly rateLimit?: GatewayRateLimitMode;
}

/** {@link GatewaySettings} with every default filled in and validated. */
export type ResolvedGatewaySettings = Required<GatewaySettings>;

/** Settings used for each field `GatewaySettings` leaves out: Envoy Gateway in its default install. */
export const DEFAULT_GATEWAY_SETTINGS: ResolvedGatewaySettings = {
  implementation: 'envoy-gateway',
  gatewayClassName: 'envoy-gateway',
  proxyNamespace: 'envoy-gateway-system',
  rateLimit: 'local',
};

/**
 * Fills in defaults and validates each field, refusing an unknown implementation, class, namespace or mode.
 */
export function resolveGatewaySettings(
  scope: IConstruct | string,
  props: GatewaySettings | undefined,
): ResolvedGatewaySettings {
  const merged = { ...DEFAULT_GATEWAY_SETTINGS, ...(props ?? {}) };
  return {
    implementation: requireOneOf(scope, 'gateway.implementation', merged.implementation, GATEWAY_IMPLEMENTATIONS),
    gatewayClassName: requireDnsSubdomain(scope, 'gateway.gatewayClassName', merged.gatewayClassName),
    proxyNamespace: requireDnsLabel(scope, 'gateway.proxyNamespace', merged.proxyNamespace),
    rateLimit: requireOneOf(scope, 'gateway.rateLimit', merged.rateLimit, GATEWAY_RATE_LIMIT_MODES),
  };
}
