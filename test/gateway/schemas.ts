/**
 * Validation of rendered objects against pinned upstream CRDs (test/fixtures/gateway-api,
 * test/fixtures/envoy-gateway, test/fixtures/cert-manager): the structural openAPIV3Schema with ajv, then every CEL rule
 * (`x-kubernetes-validations`) with a real CEL engine, the way the API server admits a create.
 */
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'fs';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';
import { celEnvironment, toCel } from '../helpers/cel';

type Json = Record<string, unknown>;

const FIXTURES = join(__dirname, '..', 'fixtures');
const CRD_FILES: Record<string, string> = {
  'gateway.networking.k8s.io/v1 Gateway': 'gateway-api/gateway.networking.k8s.io_gateways.yaml',
  'gateway.networking.k8s.io/v1 HTTPRoute': 'gateway-api/gateway.networking.k8s.io_httproutes.yaml',
  'gateway.envoyproxy.io/v1alpha1 SecurityPolicy': 'envoy-gateway/gateway.envoyproxy.io_securitypolicies.yaml',
  'gateway.envoyproxy.io/v1alpha1 BackendTrafficPolicy':
    'envoy-gateway/gateway.envoyproxy.io_backendtrafficpolicies.yaml',
  'cert-manager.io/v1 Certificate': 'cert-manager/cert-manager.io_certificates.yaml',
};

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
// Kubernetes formats ajv does not know; the API server does not check them structurally either.
for (const f of ['int32', 'int64', 'byte', 'uri-reference']) ajv.addFormat(f, true);

interface Loaded {
  readonly schema: Json;
  readonly validate: ReturnType<Ajv['compile']>;
}
const cache = new Map<string, Loaded>();

function load(key: string): Loaded {
  const cached = cache.get(key);
  if (cached) return cached;
  const file = CRD_FILES[key];
  if (!file) throw new Error(`no pinned CRD for ${key}`);
  const version = key.split(' ')[0].split('/')[1];
  const crd = parseAllDocuments(readFileSync(join(FIXTURES, file), 'utf8'))
    .map((d) => d.toJS() as Json)
    .find((d) => d && d.kind === 'CustomResourceDefinition');
  const versions = ((crd?.spec as Json).versions as Json[]).filter((v) => v.name === version);
  if (versions.length !== 1) throw new Error(`${file} has no version ${version}`);
  const schema = (versions[0].schema as Json).openAPIV3Schema as Json;
  const loaded = { schema, validate: ajv.compile(stripExtensions(schema) as Json) };
  cache.set(key, loaded);
  return loaded;
}

/** ajv does not understand Kubernetes' x-kubernetes-* keywords; structural checks ignore them. */
function stripExtensions(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(stripExtensions);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Json = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k.startsWith('x-kubernetes-')) continue;
    out[k] = stripExtensions(v);
  }
  return out;
}

/** Applies schema defaults the API server would, so CEL rules see what the server sees. */
function withDefaults(schema: Json, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => withDefaults((schema.items as Json) ?? {}, v));
  if (typeof value !== 'object' || value === null) return value;
  const props = (schema.properties as Json | undefined) ?? {};
  const out: Json = { ...(value as Json) };
  for (const [k, p] of Object.entries(props)) {
    const prop = p as Json;
    if (out[k] === undefined && prop.default !== undefined) out[k] = prop.default;
    if (out[k] !== undefined) out[k] = withDefaults(prop, out[k]);
  }
  return out;
}

/**
 * cel-js refuses `has(x.f)` when `x` is a comprehension variable (`filters.exists(f, has(f.path))`).
 * On JSON objects `has(x.f)` means `'f' in x`, so such rules are retried in that spelling.
 */
const HAS_FIELD = /has\(([A-Za-z_][\w.]*(?:\[\d+\])?(?:\.[A-Za-z_]\w*)*)\.([A-Za-z_]\w*)\)/g;

function evaluate(env: ReturnType<typeof celEnvironment>, expression: string, value: unknown): unknown {
  try {
    return env.evaluate(expression, { self: toCel(value) });
  } catch (e) {
    if (!/has\(\) invalid argument/.test((e as Error).message)) throw e;
    return env.evaluate(expression.replace(HAS_FIELD, "('$2' in $1)"), { self: toCel(value) });
  }
}

function celViolations(schema: Json, value: unknown, path: string, out: string[]): void {
  const env = celEnvironment();
  for (const rule of (schema['x-kubernetes-validations'] as Json[] | undefined) ?? []) {
    const expression = rule.rule as string;
    if (/\boldSelf\b/.test(expression)) continue; // transition rules apply to updates only
    let result: unknown;
    try {
      result = evaluate(env, expression, value);
    } catch (e) {
      result = `error: ${(e as Error).message}`;
    }
    if (result !== true)
      out.push(`${path}: ${String(rule.message ?? expression)}${result === false ? '' : ` [${String(result)}]`}`);
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => celViolations((schema.items as Json) ?? {}, v, `${path}[${i}]`, out));
  } else if (typeof value === 'object' && value !== null) {
    const props = (schema.properties as Json | undefined) ?? {};
    for (const [k, v] of Object.entries(value as Json)) {
      const child =
        (props[k] as Json | undefined) ??
        (typeof schema.additionalProperties === 'object' ? (schema.additionalProperties as Json) : undefined);
      if (child) celViolations(child, v, `${path}.${k}`, out);
    }
  }
}

export function hasPinnedSchema(obj: { apiVersion: string; kind: string }): boolean {
  return `${obj.apiVersion} ${obj.kind}` in CRD_FILES;
}

/** Structural and CEL errors of `obj` against its pinned CRD; empty when the API server would admit it. */
export function crdErrors(obj: Json & { apiVersion: string; kind: string }): string[] {
  const { schema, validate } = load(`${obj.apiVersion} ${obj.kind}`);
  const defaulted = withDefaults(schema, obj) as Json;
  const errors: string[] = [];
  if (!validate(defaulted))
    errors.push(
      ...(validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`),
    );
  celViolations(schema, defaulted, 'object', errors);
  return errors;
}
