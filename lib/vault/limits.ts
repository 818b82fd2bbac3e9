/**
 * The Vault side of the baseline, defined once: the constructs, the plans, the Pulumi resources
 * and the README all read these values.
 */

/** Audience of every token an agent presents to Vault; the Vault role and the CSI driver use the same. */
export const VAULT_AUDIENCE = 'vault';

/** Where delivered secrets appear in the agent container, in every mode. */
export const VAULT_SECRETS_DIR = '/vault/secrets';
/** Name of the pod volume that holds the secrets (operator and CSI modes). */
export const VAULT_SECRETS_VOLUME = 'vault-secrets';
/** Name of the projected token volume the injected Vault Agent logs in with. */
export const VAULT_TOKEN_VOLUME = 'vault-token';
/** Mode of delivered files: owner and group may read, nobody may write. */
export const VAULT_FILE_PERMS = '0440';

/** Vault tokens of agents live at most an hour. */
export const MAX_VAULT_TOKEN_TTL_SECONDS = 3600;
/** Default Vault token TTL: half an hour, renewed while the agent runs. */
export const DEFAULT_VAULT_TOKEN_TTL_SECONDS = 1800;
/**
 * Lifetime of the projected Kubernetes token used to log in: the shortest the API server issues,
 * since it is only needed at login.
 */
export const VAULT_LOGIN_TOKEN_EXPIRATION_SECONDS = 600;

/** Dynamic database credentials live at most a day. */
export const MAX_DATABASE_TTL_SECONDS = 86400;
/** Default lease TTL of dynamic database credentials: an hour. */
export const DEFAULT_DATABASE_TTL_SECONDS = 3600;
/** Static database passwords rotate at least weekly. */
export const MIN_STATIC_ROTATION_SECONDS = 300;
/** Longest static password rotation period: a week, so a copied password stops working. */
export const MAX_STATIC_ROTATION_SECONDS = 604800;
/** Default static password rotation period: a day. */
export const DEFAULT_STATIC_ROTATION_SECONDS = 86400;

/** Re-read interval bounds, in seconds. */
export const MIN_REFRESH_SECONDS = 10;
/** Longest re-read interval: a day. */
export const MAX_REFRESH_SECONDS = 86400;
/** Default interval at which a secret is re-read from Vault. */
export const DEFAULT_REFRESH_AFTER = '5m';

/** VSO re-renews a lease at this percentage of its duration. */
export const VSO_RENEWAL_PERCENT = 67;

/** Resources of the injected `vault-agent` and `vault-agent-init` containers. */
export const VAULT_AGENT_RESOURCES = {
  cpu: { request: '50m', limit: '250m' },
  memory: { request: '64Mi', limit: '128Mi' },
  ephemeralStorage: { request: '16Mi', limit: '64Mi' },
} as const;

/** The injected Vault Agent's resources as the namespace quota counts them. */
export const VAULT_AGENT_QUOTA_RESOURCES = {
  requests: {
    cpu: VAULT_AGENT_RESOURCES.cpu.request,
    memory: VAULT_AGENT_RESOURCES.memory.request,
    'ephemeral-storage': VAULT_AGENT_RESOURCES.ephemeralStorage.request,
  },
  limits: {
    cpu: VAULT_AGENT_RESOURCES.cpu.limit,
    memory: VAULT_AGENT_RESOURCES.memory.limit,
    'ephemeral-storage': VAULT_AGENT_RESOURCES.ephemeralStorage.limit,
  },
};

/** Mounts that are not secrets engines: a policy on them would grant control of Vault itself. */
export const RESERVED_VAULT_MOUNTS: readonly string[] = ['sys', 'auth', 'identity', 'cubbyhole'];

/** Capability every agent policy grants; nothing else is ever granted. */
export const READ_CAPABILITY = 'read';
