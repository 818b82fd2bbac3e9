/**
 * What an agent declares about the secrets it needs. Only where a secret lives in Vault is ever
 * declared here: literal values are refused, so nothing secret reaches props, manifests or Git.
 */
import { VaultDeliveryMode } from '../core';

/** `kv-v2`: a KV version 2 secret. `database`: credentials from the database secrets engine. */
export type VaultSecretKind = 'kv-v2' | 'database';

/** Dynamic credentials: Vault creates a database user per lease. */
export interface VaultDynamicDatabaseRole {
  readonly type: 'dynamic';
  /** Name of the database connection configured in the secrets engine. */
  readonly dbName: string;
  /** SQL that creates the user; Vault fills in `{{name}}`, `{{password}}` and `{{expiration}}`. */
  readonly creationStatements: readonly string[];
  /** SQL that drops the user when the lease ends. @default the plugin's default */
  readonly revocationStatements?: readonly string[];
  /** Lease TTL in seconds, at most 86400. @default 3600 */
  readonly defaultTtlSeconds?: number;
  /** Longest lease in seconds, at most 86400 and at least the default TTL. @default 86400 */
  readonly maxTtlSeconds?: number;
}

/** Static credentials: an existing database user whose password Vault rotates. */
export interface VaultStaticDatabaseRole {
  readonly type: 'static';
  /** Name of the database connection configured in the secrets engine. */
  readonly dbName: string;
  /** The existing database user. */
  readonly username: string;
  /** Seconds between password rotations, 300 to 604800. @default 86400 */
  readonly rotationPeriodSeconds?: number;
}

export type VaultDatabaseRole = VaultDynamicDatabaseRole | VaultStaticDatabaseRole;

/** One secret an agent reads from Vault. Every key becomes one read-only file under /vault/secrets. */
export interface VaultSecret {
  /** Names the secret's objects and annotations. DNS-1123 label, at most 40 characters. */
  readonly name: string;
  /** @default 'kv-v2' */
  readonly kind?: VaultSecretKind;
  /** The secrets engine mount, without slashes at either end: `kv`, `database`, `team/kv`. */
  readonly mount: string;
  /**
   * Path inside the mount. KV v2: the secret's path without `data/` (`agents/assistant/openai`).
   * Database: the role name (`tool-runner`), read from `creds/` or `static-creds/`.
   */
  readonly path: string;
  /** Keys to deliver, as Go template identifiers (`api_key`, `username`). */
  readonly keys: readonly string[];
  /**
   * File name under /vault/secrets. A secret with several keys writes `<fileName>-<key>` per key
   * (lower case, `_` as `-`). @default the secret's name
   */
  readonly fileName?: string;
  /** KV v2: also grant `read` on `metadata/`, for agents that inspect versions. @default false */
  readonly versions?: boolean;
  /**
   * The value changes while pods run, so it must be re-delivered: the injector keeps its sidecar.
   * @default true for database credentials, false for KV
   */
  readonly rotates?: boolean;
  /**
   * How often the value is re-read from Vault: `<n>s`, `<n>m` or `<n>h`, 10s to 24h. Not for `csi`,
   * whose rotation poll is a driver-wide setting. @default '5m'
   */
  readonly refreshAfter?: string;
  /** Only `file` is accepted: env vars leak into crash dumps, `/proc` and child processes. @default 'file' */
  readonly delivery?: 'file' | 'env';
  /** The database role, required for `kind: 'database'`. @default none */
  readonly database?: VaultDatabaseRole;
}

/** The agent's Kubernetes auth role in Vault. */
export interface VaultRoleOptions {
  /** Role name; another agent's default name (`<namespace>_<agent>`) is refused. @default '<namespace>_<agent>' */
  readonly name?: string;
  /** Token TTL in seconds, at most 3600. @default 1800 */
  readonly tokenTtlSeconds?: number;
  /** Longest token lifetime in seconds, at most 3600 and at least the TTL. @default 3600 */
  readonly tokenMaxTtlSeconds?: number;
}

/** The Vault Secrets Operator connection the agent's VaultAuth uses. */
export interface VaultConnectionOptions {
  /**
   * Use an existing VaultConnection (`name` in the agent's namespace, or `namespace/name`).
   * @default a VaultConnection 'vault' in the agent's namespace, to the platform's Vault address
   */
  readonly existing?: string;
  /** Secret (in the agent's namespace) holding the Vault CA certificate under `ca.crt`. @default none: the system CAs */
  readonly caCertSecretRef?: string;
}

/** The secrets an agent reads from Vault, and how they reach its pod. */
export interface AgentVaultSecretsProps {
  /** Delivery mechanism; must be one of the platform's `vaultDeliveryModes`. @default 'injector' */
  readonly mode?: VaultDeliveryMode;
  /** @default see {@link VaultRoleOptions} */
  readonly role?: VaultRoleOptions;
  /** Operator mode only. @default see {@link VaultConnectionOptions} */
  readonly connection?: VaultConnectionOptions;
  /** The secrets, at least one. */
  readonly items: readonly VaultSecret[];
}
