/**
 * Secrets Store CSI driver with the Vault provider. The driver logs in with a `vault`-audience
 * token of the pod's own ServiceAccount (install it with `tokenRequests[0].audience=vault`) and
 * mounts the secrets read-only; CSI volumes are allowed by Pod Security "restricted".
 */
import { k8s } from 'cdk8s-plus-28';
import { stringify } from 'yaml';
import { VAULT_AUDIENCE } from './limits';
import { ResolvedVaultSecret } from './resolve';

/** apiVersion of the Secrets Store CSI driver's SecretProviderClass. */
export const SECRET_PROVIDER_CLASS_API_VERSION = 'secrets-store.csi.x-k8s.io/v1';
/** The driver name differs from the API group. */
export const SECRETS_STORE_CSI_DRIVER = 'secrets-store.csi.k8s.io';

/** What CSI mode needs to write an agent's SecretProviderClass. */
export interface SecretProviderClassInput {
  /** The agent's Kubernetes auth role in Vault. */
  readonly roleName: string;
  /** Vault server address the provider talks to. */
  readonly vaultAddress: string;
  /** Kubernetes auth mount, without `auth/`. */
  readonly authMount: string;
  /** The secrets to mount, one object per key. */
  readonly secrets: readonly ResolvedVaultSecret[];
}

/** The `objects` parameter: a YAML string listing one object per delivered file. */
export function csiObjects(secrets: readonly ResolvedVaultSecret[]): string {
  const objects = secrets.flatMap((s) =>
    s.files.map((f) => ({ objectName: f.file, secretPath: s.readPath, secretKey: f.key })),
  );
  return stringify(objects);
}

/** The SecretProviderClass spec for the Vault provider: log in with the pod's `vault`-audience token, one object per file. */
export function secretProviderClassSpec(input: SecretProviderClassInput): Record<string, unknown> {
  return {
    provider: 'vault',
    parameters: {
      audience: VAULT_AUDIENCE,
      objects: csiObjects(input.secrets),
      roleName: input.roleName,
      vaultAddress: input.vaultAddress,
      vaultKubernetesMountPath: input.authMount,
    },
  };
}

/** A read-only CSI pod volume backed by `secretProviderClass`. */
export function csiVolume(name: string, secretProviderClass: string): k8s.Volume {
  return {
    name,
    csi: { driver: SECRETS_STORE_CSI_DRIVER, readOnly: true, volumeAttributes: { secretProviderClass } },
  };
}
