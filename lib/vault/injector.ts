/**
 * Vault Agent Injector annotations (hashicorp/vault-k8s). The injected `vault-agent-init` and
 * `vault-agent` containers get no seccompProfile and UID 100 by default; the run-as and json-patch
 * annotations below give them the same container securityContext as every other container.
 */
import {
  APPARMOR_ANNOTATION_PREFIX,
  APPARMOR_ANNOTATION_VALUE,
  APPARMOR_FIELD_MIN_MINOR,
  containerSecurityContext,
} from '../core';
import { VAULT_AGENT_RESOURCES, VAULT_FILE_PERMS } from './limits';
import { ResolvedVaultSecret } from './resolve';

export const INJECTOR_PREFIX = 'vault.hashicorp.com/';
export const VAULT_AGENT_CONTAINER = 'vault-agent';
export const VAULT_AGENT_INIT_CONTAINER = 'vault-agent-init';

export interface InjectorInput {
  readonly roleName: string;
  /** Kubernetes auth mount, without `auth/`. */
  readonly authMount: string;
  readonly vaultAddress: string;
  readonly runAsUser: number;
  readonly runAsGroup: number;
  /** The projected `vault`-audience token volume the agent logs in with. */
  readonly tokenVolumeName: string;
  /** Pinned Vault Agent image; the injector's own default when unset. */
  readonly agentImage?: string;
  readonly kubernetesMinor: number;
  readonly secrets: readonly ResolvedVaultSecret[];
}

/** An RFC 6902 operation. */
export interface JsonPatchOperation {
  readonly op: 'add' | 'replace' | 'remove';
  readonly path: string;
  readonly value?: unknown;
}

/**
 * The patch for both injected containers: the baseline container securityContext (replacing the
 * injector's, which lacks seccomp) and ephemeral-storage requests and limits.
 */
export function injectedContainerPatch(runAsUser: number, runAsGroup: number): JsonPatchOperation[] {
  return [
    { op: 'add', path: '/securityContext', value: containerSecurityContext(runAsUser, runAsGroup) },
    { op: 'add', path: '/resources/requests/ephemeral-storage', value: VAULT_AGENT_RESOURCES.ephemeralStorage.request },
    { op: 'add', path: '/resources/limits/ephemeral-storage', value: VAULT_AGENT_RESOURCES.ephemeralStorage.limit },
  ];
}

/** The consul-template template for one key: KV v2 values sit under `.Data.data`, database credentials under `.Data`. */
export function injectorTemplate(secret: ResolvedVaultSecret, key: string): string {
  const field = secret.kind === 'kv-v2' ? `.Data.data.${key}` : `.Data.${key}`;
  return `{{- with secret "${secret.readPath}" -}}{{ ${field} }}{{- end -}}`;
}

/** True when some secret changes while pods run, so the sidecar must stay. */
export function needsSidecar(secrets: readonly ResolvedVaultSecret[]): boolean {
  return secrets.some((s) => s.rotates);
}

function secretAnnotations(secrets: readonly ResolvedVaultSecret[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const secret of secrets) {
    for (const { key, file } of secret.files) {
      out[`${INJECTOR_PREFIX}agent-inject-secret-${file}`] = secret.readPath;
      out[`${INJECTOR_PREFIX}agent-inject-template-${file}`] = injectorTemplate(secret, key);
      out[`${INJECTOR_PREFIX}agent-inject-file-${file}`] = file;
      out[`${INJECTOR_PREFIX}agent-inject-perms-${file}`] = VAULT_FILE_PERMS;
    }
  }
  return out;
}

function appArmor(minor: number, sidecar: boolean): Record<string, string> {
  if (minor >= APPARMOR_FIELD_MIN_MINOR) return {};
  // The API server rejects AppArmor annotations naming containers the pod does not have.
  const names = sidecar ? [VAULT_AGENT_INIT_CONTAINER, VAULT_AGENT_CONTAINER] : [VAULT_AGENT_INIT_CONTAINER];
  return Object.fromEntries(names.map((n) => [`${APPARMOR_ANNOTATION_PREFIX}${n}`, APPARMOR_ANNOTATION_VALUE]));
}

/** Every pod-template annotation of injector mode, keys sorted. */
export function injectorAnnotations(input: InjectorInput): Record<string, string> {
  const sidecar = needsSidecar(input.secrets);
  const patch = JSON.stringify(injectedContainerPatch(input.runAsUser, input.runAsGroup));
  const rotatingKv = input.secrets.filter((s) => s.rotates && s.kind === 'kv-v2');
  const fastest = [...rotatingKv].sort((a, b) => a.refreshSeconds - b.refreshSeconds)[0];
  const p = INJECTOR_PREFIX;
  const all: Record<string, string> = {
    [`${p}agent-inject`]: 'true',
    [`${p}role`]: input.roleName,
    [`${p}auth-path`]: `auth/${input.authMount}`,
    [`${p}service`]: input.vaultAddress,
    [`${p}agent-pre-populate-only`]: sidecar ? 'false' : 'true',
    [`${p}agent-requests-cpu`]: VAULT_AGENT_RESOURCES.cpu.request,
    [`${p}agent-limits-cpu`]: VAULT_AGENT_RESOURCES.cpu.limit,
    [`${p}agent-requests-mem`]: VAULT_AGENT_RESOURCES.memory.request,
    [`${p}agent-limits-mem`]: VAULT_AGENT_RESOURCES.memory.limit,
    [`${p}agent-run-as-user`]: String(input.runAsUser),
    [`${p}agent-run-as-group`]: String(input.runAsGroup),
    [`${p}agent-set-security-context`]: 'true',
    [`${p}agent-json-patch`]: patch,
    [`${p}agent-init-json-patch`]: patch,
    [`${p}agent-service-account-token-volume-name`]: input.tokenVolumeName,
    ...(input.agentImage ? { [`${p}agent-image`]: input.agentImage } : {}),
    ...(sidecar && fastest ? { [`${p}template-static-secret-render-interval`]: fastest.refreshAfter } : {}),
    ...secretAnnotations(input.secrets),
    ...appArmor(input.kubernetesMinor, sidecar),
  };
  return Object.fromEntries(
    Object.keys(all)
      .sort()
      .map((k) => [k, all[k]]),
  );
}
