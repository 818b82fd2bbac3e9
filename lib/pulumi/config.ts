import { z } from 'zod';
import { invalidProp } from '../core';

/** Value types of config keys. Pulumi.yaml's schema cannot declare 'object'; those keys are set as structured stack config. */
export type ConfigKeyType = 'string' | 'integer' | 'boolean' | 'array' | 'object';

/** One stack setting: its Pulumi config key, its schema and where it lands in the typed config. */
export interface ConfigKeySpec {
  /** Key within the project namespace (`namespace` is set as `<project>:namespace`). */
  readonly key: string;
  /** How the raw config string is parsed before validation. */
  readonly type: ConfigKeyType;
  /** One-line help, written into Pulumi.yaml's config schema. */
  readonly description: string;
  /** Dotted path of the setting in the typed config object (`cluster.vault.address`). */
  readonly path: string;
  /** Validates the parsed value. */
  readonly schema: z.ZodType;
  /** What is accepted, for error messages and the README. */
  readonly allowed: string;
}

/** The part of `pulumi.Config` the reader needs; tests pass a plain object. */
export interface ConfigSource {
  /** The raw value of a project-namespaced key, or undefined when it is not set. */
  get(key: string): string | undefined;
}

/**
 * Reads every key of `specs` from `source` over a copy of `defaults`. Keys that are not set keep
 * the default, so the defaults have one source of truth; set keys are parsed by type and
 * validated, and a bad value fails naming the config key.
 */
export function readTypedConfig<T extends object>(
  project: string,
  specs: readonly ConfigKeySpec[],
  source: ConfigSource,
  defaults: T,
): T {
  const out = structuredClone(defaults) as Record<string, unknown>;
  for (const spec of specs) {
    const raw = source.get(spec.key);
    if (raw === undefined) continue;
    const parsed = spec.schema.safeParse(parseRaw(spec.type, raw));
    if (!parsed.success) {
      const problem = parsed.error.issues.map((i) => i.message).join('; ');
      invalidProp('Pulumi config', `${project}:${spec.key}`, raw, spec.allowed, problem);
    }
    setPath(out, spec.path, parsed.data);
  }
  return out as T;
}

/** The value at a dotted path, or undefined. */
export function getPath(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const segment of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const segments = path.split('.');
  let current = target;
  for (const segment of segments.slice(0, -1)) {
    if (typeof current[segment] !== 'object' || current[segment] === null) current[segment] = {};
    current = current[segment] as Record<string, unknown>;
  }
  current[segments[segments.length - 1]] = value;
}

/** Pulumi config values arrive as strings; structured ones as JSON. */
function parseRaw(type: ConfigKeyType, raw: string): unknown {
  if (type === 'string') return raw;
  if (type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
  if (type === 'integer') return /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
