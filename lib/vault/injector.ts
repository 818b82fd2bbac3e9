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

/** Prefix of every Vault Agent Injector annotation. */
export const INJECTOR_PREFIX = 'vault.hashicorp.com/';
/** Name of the injected Vault Agent sidecar, present only when a secret rotates. */
export const VAULT_AGENT_CONTAINER = 'vault-agent';
/** Name of the injected init container that renders the secrets before the agent starts. */
export const VAULT_AGENT_INIT_CONTAINER = 'vault-agent-init';

/** What injector mode needs to write an agent's pod-template annotations. */
export interface InjectorInput {
  /** The agent's Kubernetes auth role in Vault. */
  readonly roleName: string;
  /** Kubernetes auth mount, without `auth/`. */
  readonly authMount: string;
  /** Vault server address the injected agent talks to. */
  readonly vaultAddress: string;
  /** UID of the injected containers, the agent's own. */
  readonly runAsUser: number;
  /** GID of the injected containers, the agent's own. */
  readonly runAsGroup: number;
  /** The projected `vault`-audience token volume the agent logs in with. */
  readonly tokenVolumeName: string;
  /** Pinned Vault Agent image. @default undefined (meaning the injector's own default image) */
  readonly agentImage?: string;
  /** Kubernetes minor version; below 1.30 AppArmor is set by annotation rather than field. */
  readonly kubernetesMinor: number;
  /** The secrets to render, one file per key. */
  readonly secrets: readonly ResolvedVaultSecret[];
}

/** An RFC 6902 operation. */
export interface JsonPatchOperation {
  /** The operation. */
  readonly op: 'add' | 'replace' | 'remove';
  /** JSON Pointer to the target field. */
  readonly path: string;
  /** The value to add or replace with. @default undefined (meaning none, as for `remove`) */
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
