/**
 * Vault Secrets Operator objects (`secrets.hashicorp.com/v1beta1`). The operator logs in with a
 * token it requests for the agent's own ServiceAccount, writes a Secret per Vault secret, and
 * restarts the agent's Deployment or StatefulSet when a value changes. The pod mounts those Secrets as read-only
 * files, never as env.
 */
import { k8s } from 'cdk8s-plus-28';
import { VAULT_AUDIENCE, VAULT_FILE_PERMS, VAULT_LOGIN_TOKEN_EXPIRATION_SECONDS, VSO_RENEWAL_PERCENT } from './limits';
import { ResolvedVaultSecret } from './resolve';

/** apiVersion of the Vault Secrets Operator's objects. */
export const VSO_API_VERSION = 'secrets.hashicorp.com/v1beta1';
/** Name of the VaultConnection created per agent namespace. */
export const VAULT_CONNECTION_NAME = 'vault';

/** A VaultConnection spec to `address`; TLS is always verified, against `caCertSecretRef` when given. */
export function vaultConnectionSpec(address: string, caCertSecretRef?: string): Record<string, unknown> {
  return { address, skipTLSVerify: false, ...(caCertSecretRef ? { caCertSecretRef } : {}) };
}

/** What the agent's VaultAuth needs. */
export interface VaultAuthInput {
  /** The VaultConnection to use (`name` or `namespace/name`). */
  readonly connectionRef: string;
  /** Kubernetes auth mount, without `auth/`. */
  readonly authMount: string;
  /** The agent's Kubernetes auth role in Vault. */
  readonly roleName: string;
  /** The agent's ServiceAccount, for which the operator requests a short-lived `vault`-audience token. */
  readonly serviceAccount: string;
}

/** A VaultAuth spec: Kubernetes auth with a `vault`-audience token of the agent's own ServiceAccount. */
export function vaultAuthSpec(input: VaultAuthInput): Record<string, unknown> {
  return {
    vaultConnectionRef: input.connectionRef,
    method: 'kubernetes',
    mount: input.authMount,
    kubernetes: {
      role: input.roleName,
      serviceAccount: input.serviceAccount,
      audiences: [VAULT_AUDIENCE],
      tokenExpirationSeconds: VAULT_LOGIN_TOKEN_EXPIRATION_SECONDS,
    },
  };
}

/** Name of the Secret VSO writes for `secret`. */
export function destinationSecretName(agent: string, secret: ResolvedVaultSecret): string {
  return `${agent}-${secret.name}`;
}

/** What one VaultStaticSecret or VaultDynamicSecret needs. */
export interface VaultSecretObjectInput {
  /** The agent's name: names the destination Secret and the restart target. */
  readonly agent: string;
  /** Name of the agent's VaultAuth. */
  readonly authName: string;
  /** Labels of the destination Secret. */
  readonly labels: Record<string, string>;
  /** The secret to sync. */
  readonly secret: ResolvedVaultSecret;
  /**
   * Kind of the agent's workload the operator restarts on change.
   * @default undefined (meaning no restart: Jobs and CronJobs, whose next run reads the new value)
   */
  readonly restartTarget?: string;
}

/** A VaultStaticSecret (KV v2) or VaultDynamicSecret (database) for one secret. */
export function vaultSecretObject(input: VaultSecretObjectInput): { kind: string; spec: Record<string, unknown> } {
  const { secret } = input;
  const common = {
    vaultAuthRef: input.authName,
    mount: secret.mount,
    refreshAfter: secret.refreshAfter,
    rolloutRestartTargets: input.restartTarget ? [{ kind: input.restartTarget, name: input.agent }] : undefined,
    destination: {
      name: destinationSecretName(input.agent, secret),
      create: true,
      overwrite: false,
      type: 'Opaque',
      labels: input.labels,
    },
  };
  if (secret.kind === 'kv-v2') {
    return { kind: 'VaultStaticSecret', spec: { ...common, type: 'kv-v2', path: secret.path, hmacSecretData: true } };
  }
  // VaultDynamicSecret has no hmacSecretData field: it compares static credentials by HMAC itself.
  return {
    kind: 'VaultDynamicSecret',
    spec: {
      ...common,
      path: secret.mountRelativeReadPath,
      renewalPercent: VSO_RENEWAL_PERCENT,
      ...(secret.database?.type === 'static' ? { allowStaticCreds: true } : {}),
    },
  };
}

/** One projected volume over every destination Secret, so all files land in one read-only directory. */
export function operatorVolume(name: string, agent: string, secrets: readonly ResolvedVaultSecret[]): k8s.Volume {
  return {
    name,
    projected: {
      defaultMode: parseInt(VAULT_FILE_PERMS, 8),
      sources: secrets.map((s) => ({
        secret: {
          name: destinationSecretName(agent, s),
          optional: false,
          items: s.files.map((f) => ({ key: f.key, path: f.file })),
        },
      })),
    },
  };
}
