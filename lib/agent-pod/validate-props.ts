import { IConstruct } from 'constructs';
import {
  DEFAULT_RESOURCES,
  MIN_NON_ROOT_ID_EXCLUSIVE,
  MIN_UNPRIVILEGED_PORT,
  QUANTITY_FORMAT_HINT,
  SECRET_LIKE_ENV_NAME,
  detectCredential,
  firstDuplicate,
  invalidProp,
  parseQuantity,
  requireAbsolutePath,
  requireEnvName,
  requireInteger,
  requireNonEmptyString,
  requirePortName,
  requireReason,
} from '../core';
import { parseImageReference } from '../common/image-reference';
import { AgentPodProps, AgentPort, AgentProbe, AgentResources, BaselineWaiver } from './props';

/** Resolved resources: every request and limit filled in and checked. */
export interface ResolvedResources {
  /** Requests by Kubernetes resource name (`cpu`, `memory`, `ephemeral-storage`). */
  readonly requests: Record<string, string>;
  /** Limits by Kubernetes resource name, each at least its request. */
  readonly limits: Record<string, string>;
}

const RESOURCE_KEYS = [
  ['cpu', 'cpu'],
  ['memory', 'memory'],
  ['ephemeralStorage', 'ephemeral-storage'],
] as const;

/**
 * Fills in default requests and limits and checks them. `max` is the namespace LimitRange's
 * per-container maximum: a limit above it would be rejected at admission, after a clean synth.
 */
export function resolveResources(
  scope: IConstruct,
  field: string,
  resources: AgentResources = {},
  max: Record<string, string> = {},
): ResolvedResources {
  const requests: Record<string, string> = {};
  const limits: Record<string, string> = {};
  for (const [prop, k8sName] of RESOURCE_KEYS) {
    const range = resources[prop] ?? {};
    const request = range.request ?? DEFAULT_RESOURCES[prop].request;
    const limit = range.limit ?? DEFAULT_RESOURCES[prop].limit;
    const requestValue = parseQuantity(request);
    const limitValue = parseQuantity(limit);
    if (requestValue === undefined || requestValue <= 0)
      invalidProp(scope, `${field}.${prop}.request`, request, `a positive ${QUANTITY_FORMAT_HINT}`);
    if (limitValue === undefined || limitValue <= 0)
      invalidProp(scope, `${field}.${prop}.limit`, limit, `a positive ${QUANTITY_FORMAT_HINT}`);
    if (limitValue < requestValue)
      invalidProp(scope, `${field}.${prop}.limit`, limit, `a limit at least the request (${request})`);
    const maxValue = max[k8sName] === undefined ? undefined : parseQuantity(max[k8sName]);
    if (maxValue !== undefined && limitValue > maxValue)
      invalidProp(
        scope,
        `${field}.${prop}.limit`,
        limit,
        `at most ${max[k8sName]}, the namespace LimitRange's per-container max`,
        'the LimitRange would reject every pod of the agent at admission',
      );
    requests[k8sName] = request;
    limits[k8sName] = limit;
  }
  return { requests, limits };
}

/** Checks an image reference; a digest is required unless a waiver with a reason is given. */
export function checkImage(scope: IConstruct, field: string, image: unknown, waiver?: BaselineWaiver): string {
  const parsed = parseImageReference(image as string);
  if (!parsed.ok)
    invalidProp(scope, field, image, 'an image reference registry/repository[:tag]@sha256:<64 hex>', parsed.problem);
  if (!parsed.ref.digest) {
    if (waiver === undefined) {
      invalidProp(
        scope,
        field,
        image,
        'an image pinned by digest: registry/repository[:tag]@sha256:<64 hex> (or set allowUnpinnedImage with a reason)',
        'a tag can be moved to other code',
      );
    }
    requireReason(scope, 'allowUnpinnedImage.reason', waiver.reason);
  }
  if (parsed.ref.tag === 'latest' && waiver === undefined) {
    invalidProp(scope, field, image, "a specific tag, not 'latest', together with the digest");
  }
  return image as string;
}

export function checkPorts(scope: IConstruct, ports: readonly AgentPort[]): void {
  ports.forEach((p, i) => {
    requirePortName(scope, `ports[${i}].name`, p.name);
    requireInteger(
      scope,
      `ports[${i}].port`,
      p.port,
      MIN_UNPRIVILEGED_PORT,
      65535,
      'ports below 1024 need NET_BIND_SERVICE, which the baseline never adds; listen on 1024 or above',
    );
    if (p.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(p.protocol)) {
      invalidProp(scope, `ports[${i}].protocol`, p.protocol, "'TCP', 'UDP' or 'SCTP'");
    }
  });
  const dupName = firstDuplicate(ports, (p) => p.name);
  if (dupName) invalidProp(scope, 'ports', dupName.name, 'ports with distinct names');
  const dupPort = firstDuplicate(ports, (p) => `${p.port}/${p.protocol ?? 'TCP'}`);
  if (dupPort) invalidProp(scope, 'ports', dupPort.port, 'ports with distinct numbers');
}

export function checkIds(scope: IConstruct, props: Pick<AgentPodProps, 'runAsUser' | 'runAsGroup' | 'fsGroup'>): void {
  const reason = `IDs of ${MIN_NON_ROOT_ID_EXCLUSIVE} or less collide with host users and fail kubesec and Trivy`;
  for (const field of ['runAsUser', 'runAsGroup', 'fsGroup'] as const) {
    const value = props[field];
    if (value !== undefined) requireInteger(scope, field, value, MIN_NON_ROOT_ID_EXCLUSIVE + 1, 2147483647, reason);
  }
}

export function checkConfig(scope: IConstruct, config: Record<string, string>): void {
  for (const [name, value] of Object.entries(config)) {
    requireEnvName(scope, `config.${name}`, name);
    if (typeof value !== 'string') invalidProp(scope, `config.${name}`, value, 'a string value');
    if (SECRET_LIKE_ENV_NAME.test(name)) {
      invalidProp(
        scope,
        `config.${name}`,
        '<redacted>',
        'non-secret configuration only; declare secrets as Vault secrets',
        'the name looks like a secret and literal values end up in manifests and Git',
      );
    }
    // The value too, whatever the name: the same detector the rule engine flags ConfigMaps with.
    const credential = detectCredential(value);
    if (credential) {
      invalidProp(
        scope,
        `config.${name}`,
        '<redacted>',
        'non-secret configuration only; declare secrets as Vault secrets',
        `the value looks like ${credential}, and literal values end up in manifests and Git`,
      );
    }
  }
}

export function checkWritablePaths(scope: IConstruct, paths: readonly string[]): void {
  paths.forEach((p, i) => requireAbsolutePath(scope, `writablePaths[${i}]`, p));
  const dup = firstDuplicate(paths, (p) => p.replace(/\/+$/, ''));
  if (dup) invalidProp(scope, 'writablePaths', dup, 'distinct paths');
  if (paths.some((p) => p.replace(/\/+$/, '') === ''))
    invalidProp(scope, 'writablePaths', '/', 'a sub-directory, not the root filesystem');
}

export function checkProbe(scope: IConstruct, field: string, probe: AgentProbe, ports: readonly AgentPort[]): void {
  const kinds = (['httpGet', 'tcpSocket', 'exec'] as const).filter((k) => probe[k] !== undefined);
  if (kinds.length !== 1) invalidProp(scope, field, probe, 'exactly one of httpGet, tcpSocket or exec');
  const portName = probe.httpGet?.port ?? probe.tcpSocket?.port;
  if (probe.httpGet || probe.tcpSocket) {
    if (ports.length === 0) invalidProp(scope, field, probe, 'an exec probe, since the agent declares no ports');
    if (portName !== undefined && !ports.some((p) => p.name === portName)) {
      invalidProp(scope, `${field}.port`, portName, `a declared port name: ${ports.map((p) => p.name).join(', ')}`);
    }
  }
  if (probe.httpGet && !probe.httpGet.path?.startsWith('/'))
    invalidProp(scope, `${field}.httpGet.path`, probe.httpGet.path, "an absolute HTTP path such as '/healthz'");
  if (probe.exec) {
    if (!Array.isArray(probe.exec.command) || probe.exec.command.length === 0)
      invalidProp(scope, `${field}.exec.command`, probe.exec.command, 'a non-empty command');
    probe.exec.command.forEach((c, i) => requireNonEmptyString(scope, `${field}.exec.command[${i}]`, c));
  }
  for (const timing of ['initialDelaySeconds', 'periodSeconds', 'failureThreshold', 'timeoutSeconds'] as const) {
    if (probe[timing] !== undefined)
      requireInteger(scope, `${field}.${timing}`, probe[timing], timing === 'initialDelaySeconds' ? 0 : 1, 3600);
  }
}
