/**
 * Checks an agent's Vault declaration and fills in every default. Every refusal names the field,
 * the value and what is allowed; literal secret values are reported redacted.
 */
import { IConstruct } from 'constructs';
import {
  VAULT_DELIVERY_MODES,
  VaultDeliveryMode,
  firstDuplicate,
  invalidProp,
  requireDnsLabel,
  requireInteger,
  requireNonEmptyString,
  requireOneOf,
  didYouMean,
} from '../core';
import {
  DEFAULT_DATABASE_TTL_SECONDS,
  DEFAULT_REFRESH_AFTER,
  DEFAULT_STATIC_ROTATION_SECONDS,
  DEFAULT_VAULT_TOKEN_TTL_SECONDS,
  MAX_DATABASE_TTL_SECONDS,
  MAX_REFRESH_SECONDS,
  MAX_STATIC_ROTATION_SECONDS,
  MAX_VAULT_TOKEN_TTL_SECONDS,
  MIN_REFRESH_SECONDS,
  MIN_STATIC_ROTATION_SECONDS,
  RESERVED_VAULT_MOUNTS,
} from './limits';
import { AgentVaultSecretsProps, VaultDatabaseRole, VaultSecret } from './types';

/** One delivered file: a key of a secret. */
export interface VaultFile {
  readonly key: string;
  readonly file: string;
}

export type ResolvedDatabaseRole =
  | {
      readonly type: 'dynamic';
      readonly dbName: string;
      readonly creationStatements: readonly string[];
      readonly revocationStatements?: readonly string[];
      readonly defaultTtlSeconds: number;
      readonly maxTtlSeconds: number;
    }
  | {
      readonly type: 'static';
      readonly dbName: string;
      readonly username: string;
      readonly rotationPeriodSeconds: number;
    };

export interface ResolvedVaultSecret {
  readonly name: string;
  readonly kind: 'kv-v2' | 'database';
  readonly mount: string;
  readonly path: string;
  /** Path inside the mount that is read: the KV path, or `creds/<role>` / `static-creds/<role>`. */
  readonly mountRelativeReadPath: string;
  /** Full API path that is read: `kv/data/<path>`, `database/creds/<role>`. */
  readonly readPath: string;
  readonly files: readonly VaultFile[];
  readonly versions: boolean;
  readonly rotates: boolean;
  readonly refreshAfter: string;
  readonly refreshSeconds: number;
  /** True when refreshAfter was given rather than defaulted. */
  readonly refreshExplicit: boolean;
  readonly database?: ResolvedDatabaseRole;
}

export interface ResolvedVaultSecrets {
  readonly mode: VaultDeliveryMode;
  readonly roleName: string;
  readonly tokenTtlSeconds: number;
  readonly tokenMaxTtlSeconds: number;
  readonly connection: { readonly existing?: string; readonly caCertSecretRef?: string };
  readonly secrets: readonly ResolvedVaultSecret[];
}

type Json = Record<string, unknown>;

const PROP_FIELDS = ['mode', 'role', 'connection', 'items'];
const ROLE_FIELDS = ['name', 'tokenTtlSeconds', 'tokenMaxTtlSeconds'];
const CONNECTION_FIELDS = ['existing', 'caCertSecretRef'];
const SECRET_FIELDS = [
  'name',
  'kind',
  'mount',
  'path',
  'keys',
  'fileName',
  'versions',
  'rotates',
  'refreshAfter',
  'delivery',
  'database',
];
const DYNAMIC_FIELDS = [
  'type',
  'dbName',
  'creationStatements',
  'revocationStatements',
  'defaultTtlSeconds',
  'maxTtlSeconds',
];
const STATIC_FIELDS = ['type', 'dbName', 'username', 'rotationPeriodSeconds'];

/** Field names under which people paste the secret itself. */
const LITERAL_FIELD =
  /^(value|values|data|stringdata|secret|secrets|password|passwd|token|apikey|api_key|credentials?|literal|content)$/i;
/** Shapes of well-known credentials: provider API keys, cloud keys, Vault tokens, JWTs, private keys, URLs with passwords. */
const LITERAL_VALUE_PATTERNS: readonly RegExp[] = [
  /\bsk-[A-Za-z0-9_-]{16,}/,
  /\bAKIA[0-9A-Z]{16}\b/,
  /\bgh[pousr]_[A-Za-z0-9]{30,}/,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /\bhv[sbr]\.[A-Za-z0-9_-]{20,}/,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\./,
  /[a-z][a-z0-9+.-]*:\/\/[^\s:@/]+:[^\s@/]+@/i,
];

const LITERAL_ALLOWED = 'a reference to where the secret lives in Vault (mount, path, keys), never the value itself';
const LITERAL_REASON = 'a literal secret in props ends up in manifests, synth output and Git history';

const MOUNT = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/;
const PATH_SEGMENT = /^[A-Za-z0-9_.-]+$/;
const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FILE_NAME = /^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/;
const MAX_FILE_NAME = 40;
const ROLE_NAME = /^[A-Za-z0-9_-]{1,128}$/;
const DURATION = /^([1-9][0-9]*)(s|m|h)$/;
const DURATION_FACTOR: Record<string, number> = { s: 1, m: 60, h: 3600 };

/** Returns the seconds of a `<n>s|m|h` duration, or undefined. */
export function parseVaultDuration(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const match = DURATION.exec(text);
  return match ? Number(match[1]) * DURATION_FACTOR[match[2]] : undefined;
}

/** Throws when any string under `value` looks like a credential. */
export function checkNoLiteralSecrets(scope: IConstruct | string, field: string, value: unknown): void {
  if (typeof value === 'string') {
    if (LITERAL_VALUE_PATTERNS.some((p) => p.test(value)))
      invalidProp(scope, field, '<redacted>', LITERAL_ALLOWED, LITERAL_REASON);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => checkNoLiteralSecrets(scope, `${field}[${i}]`, v));
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) checkNoLiteralSecrets(scope, `${field}.${k}`, v);
  }
}

function checkFields(scope: IConstruct, field: string, value: unknown, allowed: readonly string[]): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    invalidProp(scope, field, value, 'an object');
  for (const key of Object.keys(value)) {
    if (allowed.includes(key)) continue;
    if (LITERAL_FIELD.test(key)) invalidProp(scope, `${field}.${key}`, '<redacted>', LITERAL_ALLOWED, LITERAL_REASON);
    const suggestion = didYouMean(key, allowed);
    invalidProp(
      scope,
      `${field}.${key}`,
      key,
      `one of the fields ${allowed.join(', ')}`,
      suggestion === undefined ? undefined : `unknown field; did you mean '${suggestion}'?`,
    );
  }
  return value as Json;
}

function checkMount(scope: IConstruct, field: string, mount: unknown): string {
  if (typeof mount !== 'string' || !MOUNT.test(mount))
    invalidProp(scope, field, mount, "a secrets engine mount path without leading or trailing '/', e.g. 'kv'");
  if (RESERVED_VAULT_MOUNTS.includes(mount.split('/')[0]))
    invalidProp(
      scope,
      field,
      mount,
      'a secrets engine mount',
      `${RESERVED_VAULT_MOUNTS.join(', ')} are Vault's own APIs; a policy on them would grant control of Vault`,
    );
  return mount;
}

function checkPath(scope: IConstruct, field: string, secret: VaultSecret, kind: string): string {
  const path = secret.path;
  const outside = `a path inside the mount '${secret.mount}': segments of letters, digits, '_', '.' and '-', without '/', '.' or '..' at either end or in between`;
  const segments = typeof path === 'string' ? path.split('/') : [];
  if (typeof path !== 'string' || segments.some((s) => !PATH_SEGMENT.test(s) || s === '.' || s === '..')) {
    invalidProp(scope, field, path, outside, 'the policy would grant read outside the declared mount');
  }
  if (kind === 'kv-v2' && ['data', 'metadata'].includes(segments[0]))
    invalidProp(scope, field, path, `the path without the KV v2 '${segments[0]}/' prefix, which is added for you`);
  if (kind === 'database' && segments.length !== 1)
    invalidProp(
      scope,
      field,
      path,
      'the database role name (one path segment); it is read from creds/ or static-creds/',
    );
  return path;
}

function fileOf(base: string, key: string, keyCount: number): string {
  return keyCount === 1 ? base : `${base}-${key.toLowerCase().replace(/_/g, '-')}`;
}

function resolveFiles(scope: IConstruct, field: string, secret: VaultSecret): VaultFile[] {
  if (!Array.isArray(secret.keys) || secret.keys.length === 0)
    invalidProp(scope, `${field}.keys`, secret.keys, 'at least one key');
  secret.keys.forEach((k, i) => {
    if (typeof k !== 'string' || !KEY.test(k))
      invalidProp(
        scope,
        `${field}.keys[${i}]`,
        k,
        "a Go template identifier: letters, digits and '_', not starting with a digit",
      );
  });
  const dupKey = firstDuplicate(secret.keys, (k) => k);
  if (dupKey) invalidProp(scope, `${field}.keys`, dupKey, 'distinct keys');
  const base = secret.fileName ?? secret.name;
  return secret.keys.map((key) => {
    const file = fileOf(base, key, secret.keys.length);
    if (!FILE_NAME.test(file) || file.length > MAX_FILE_NAME)
      invalidProp(
        scope,
        `${field}.fileName`,
        file,
        `a file name of lower-case letters, digits, '.', '_' and '-', at most ${MAX_FILE_NAME} characters`,
      );
    return { key, file };
  });
}

function resolveDatabase(scope: IConstruct, field: string, db: VaultDatabaseRole | undefined): ResolvedDatabaseRole {
  if (db === undefined) invalidProp(scope, field, db, "a database role { type: 'dynamic' | 'static', dbName, … }");
  const type = requireOneOf(scope, `${field}.type`, (db as unknown as Json).type, ['dynamic', 'static'] as const);
  checkFields(scope, field, db, type === 'dynamic' ? DYNAMIC_FIELDS : STATIC_FIELDS);
  const dbName = requireNonEmptyString(scope, `${field}.dbName`, db.dbName, 256);
  if (db.type === 'static') {
    return {
      type: 'static',
      dbName,
      username: requireNonEmptyString(scope, `${field}.username`, db.username, 256),
      rotationPeriodSeconds: requireInteger(
        scope,
        `${field}.rotationPeriodSeconds`,
        db.rotationPeriodSeconds ?? DEFAULT_STATIC_ROTATION_SECONDS,
        MIN_STATIC_ROTATION_SECONDS,
        MAX_STATIC_ROTATION_SECONDS,
        'a password that rarely rotates stays useful to whoever copied it',
      ),
    };
  }
  if (db.type !== 'dynamic') return invalidProp(scope, `${field}.type`, type, "'dynamic' or 'static'");
  if (!Array.isArray(db.creationStatements) || db.creationStatements.length === 0)
    invalidProp(scope, `${field}.creationStatements`, db.creationStatements, 'at least one SQL statement');
  db.creationStatements.forEach((s, i) => requireNonEmptyString(scope, `${field}.creationStatements[${i}]`, s, 8192));
  const ttlReason = 'long-lived database credentials outlive the pods that hold them';
  const maxTtlSeconds = requireInteger(
    scope,
    `${field}.maxTtlSeconds`,
    db.maxTtlSeconds ?? MAX_DATABASE_TTL_SECONDS,
    60,
    MAX_DATABASE_TTL_SECONDS,
    ttlReason,
  );
  const defaultTtlSeconds = requireInteger(
    scope,
    `${field}.defaultTtlSeconds`,
    db.defaultTtlSeconds ?? Math.min(DEFAULT_DATABASE_TTL_SECONDS, maxTtlSeconds),
    60,
    maxTtlSeconds,
    db.defaultTtlSeconds !== undefined && db.defaultTtlSeconds > MAX_DATABASE_TTL_SECONDS
      ? ttlReason
      : 'the default TTL cannot exceed the max TTL',
  );
  return {
    type: 'dynamic',
    dbName,
    creationStatements: [...db.creationStatements],
    revocationStatements: db.revocationStatements ? [...db.revocationStatements] : undefined,
    defaultTtlSeconds,
    maxTtlSeconds,
  };
}

function resolveSecret(scope: IConstruct, field: string, secret: VaultSecret): ResolvedVaultSecret {
  checkFields(scope, field, secret, SECRET_FIELDS);
  const name = requireDnsLabel(scope, `${field}.name`, secret.name, 40);
  if (secret.delivery !== undefined && secret.delivery !== 'file')
    invalidProp(
      scope,
      `${field}.delivery`,
      secret.delivery,
      "'file': secrets are delivered as read-only files under /vault/secrets",
      'env vars leak into crash dumps, /proc/<pid>/environ, child processes and logs (CKV_K8S_35, kubesec)',
    );
  const kind = requireOneOf(scope, `${field}.kind`, secret.kind ?? 'kv-v2', ['kv-v2', 'database']);
  const mount = checkMount(scope, `${field}.mount`, secret.mount);
  const path = checkPath(scope, `${field}.path`, secret, kind);
  if (kind === 'kv-v2' && secret.database !== undefined)
    invalidProp(scope, `${field}.database`, secret.database, "no database role unless kind is 'database'");
  if (kind === 'database' && secret.versions)
    invalidProp(scope, `${field}.versions`, secret.versions, 'false: only KV v2 secrets have versions');
  const database = kind === 'database' ? resolveDatabase(scope, `${field}.database`, secret.database) : undefined;
  const refreshAfter = secret.refreshAfter ?? DEFAULT_REFRESH_AFTER;
  const refreshSeconds = parseVaultDuration(refreshAfter);
  if (refreshSeconds === undefined || refreshSeconds < MIN_REFRESH_SECONDS || refreshSeconds > MAX_REFRESH_SECONDS)
    invalidProp(
      scope,
      `${field}.refreshAfter`,
      refreshAfter,
      "a duration from '10s' to '24h' in s, m or h units, e.g. '5m'",
    );
  const mountRelativeReadPath =
    database === undefined ? path : `${database.type === 'static' ? 'static-creds' : 'creds'}/${path}`;
  return {
    name,
    kind,
    mount,
    path,
    mountRelativeReadPath,
    readPath: kind === 'kv-v2' ? `${mount}/data/${path}` : `${mount}/${mountRelativeReadPath}`,
    files: resolveFiles(scope, field, secret),
    versions: secret.versions ?? false,
    rotates: secret.rotates ?? kind === 'database',
    refreshAfter,
    refreshSeconds,
    refreshExplicit: secret.refreshAfter !== undefined,
    database,
  };
}

function resolveRole(scope: IConstruct, props: AgentVaultSecretsProps, defaultName: string) {
  const role = checkFields(scope, 'secrets.role', props.role ?? {}, ROLE_FIELDS) as AgentVaultSecretsProps['role'] & {};
  const roleName = role.name ?? defaultName;
  if (typeof roleName !== 'string' || !ROLE_NAME.test(roleName))
    invalidProp(scope, 'secrets.role.name', roleName, "a Vault role name of letters, digits, '_' and '-'");
  const reason = 'a leaked Vault token is usable until it expires';
  const tokenMaxTtlSeconds = requireInteger(
    scope,
    'secrets.role.tokenMaxTtlSeconds',
    role.tokenMaxTtlSeconds ?? MAX_VAULT_TOKEN_TTL_SECONDS,
    60,
    MAX_VAULT_TOKEN_TTL_SECONDS,
    reason,
  );
  const ttl = role.tokenTtlSeconds ?? Math.min(DEFAULT_VAULT_TOKEN_TTL_SECONDS, tokenMaxTtlSeconds);
  const tokenTtlSeconds = requireInteger(
    scope,
    'secrets.role.tokenTtlSeconds',
    ttl,
    60,
    Math.min(MAX_VAULT_TOKEN_TTL_SECONDS, tokenMaxTtlSeconds),
    ttl > MAX_VAULT_TOKEN_TTL_SECONDS ? reason : 'the TTL cannot exceed the max TTL',
  );
  return { roleName, tokenTtlSeconds, tokenMaxTtlSeconds };
}

function checkUniqueFiles(scope: IConstruct, secrets: readonly ResolvedVaultSecret[]): void {
  const owners = new Map<string, string>();
  for (const secret of secrets) {
    for (const { file } of secret.files) {
      const owner = owners.get(file);
      if (owner !== undefined)
        invalidProp(
          scope,
          `secrets.items.${secret.name}.fileName`,
          file,
          `a file name not already written by secret '${owner}'`,
          'two secrets rendered to one file would overwrite each other',
        );
      owners.set(file, secret.name);
    }
  }
}

/**
 * Resolves an agent's Vault declaration. `availableModes` are the platform's installed delivery
 * modes; `defaultRoleName` is `<namespace>_<agent>` (see vaultBaseName).
 */
export function resolveVaultSecrets(
  scope: IConstruct,
  props: AgentVaultSecretsProps,
  availableModes: readonly VaultDeliveryMode[],
  defaultRoleName: string,
): ResolvedVaultSecrets {
  checkFields(scope, 'secrets', props, PROP_FIELDS);
  checkNoLiteralSecrets(scope, 'secrets', props);
  const mode = requireOneOf(scope, 'secrets.mode', props.mode ?? 'injector', VAULT_DELIVERY_MODES);
  if (!availableModes.includes(mode))
    invalidProp(
      scope,
      'secrets.mode',
      mode,
      `a delivery mode the cluster has installed: ${availableModes.map((m) => `'${m}'`).join(', ')} (platform setting vaultDeliveryModes)`,
      'objects for a mechanism the cluster lacks are ignored and the agent starts without its secrets',
    );
  const connection = checkFields(scope, 'secrets.connection', props.connection ?? {}, CONNECTION_FIELDS);
  if (mode !== 'operator' && props.connection !== undefined)
    invalidProp(scope, 'secrets.connection', connection, "no connection unless mode is 'operator'");
  if (
    connection.existing !== undefined &&
    !/^([a-z0-9-]+\/)?[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(String(connection.existing))
  )
    invalidProp(
      scope,
      'secrets.connection.existing',
      connection.existing,
      "a VaultConnection name, or 'namespace/name'",
    );
  if (connection.caCertSecretRef !== undefined)
    requireDnsLabel(scope, 'secrets.connection.caCertSecretRef', connection.caCertSecretRef, 253);
  if (!Array.isArray(props.items) || props.items.length === 0)
    invalidProp(scope, 'secrets.items', props.items, 'at least one secret');
  const secrets = props.items.map((s, i) => resolveSecret(scope, `secrets.items[${i}]`, s));
  const dup = firstDuplicate(secrets, (s) => s.name);
  if (dup) invalidProp(scope, 'secrets.items', dup.name, 'secrets with distinct names');
  checkUniqueFiles(scope, secrets);
  if (mode === 'csi') {
    const explicit = secrets.find((s) => s.refreshExplicit);
    if (explicit)
      invalidProp(
        scope,
        `secrets.items.${explicit.name}.refreshAfter`,
        explicit.refreshAfter,
        "no refreshAfter in 'csi' mode: the driver's rotationPollInterval applies to every mount",
      );
  }
  return {
    mode,
    ...resolveRole(scope, props, defaultRoleName),
    connection: {
      existing: connection.existing as string | undefined,
      caCertSecretRef: connection.caCertSecretRef as string | undefined,
    },
    secrets,
  };
}
