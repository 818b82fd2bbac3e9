/**
 * Evaluates a ValidatingAdmissionPolicy and its Binding against an object the way the API server
 * does: match constraints and the binding's namespace selector, then matchConditions, then the
 * validations, with variables computed lazily (once, on first use) and read as `variables.<name>`.
 * CEL is evaluated by @marcbachmann/cel-js. The expressions need no Kubernetes-specific functions;
 * `matches`, `startsWith`, `join`, `filter`, `map`, `exists`, `all` and `has` are built into it.
 */

type Json = Record<string, unknown>;

interface CelEnvironment {
  evaluate(expression: string, context: Json): unknown;
}

// cel-js is an ES module and checks plain objects by prototype, so it is loaded with Node's own
// require (outside jest's module registry) and fed objects built in Node's realm.
const nodeModule = (
  process as unknown as { getBuiltinModule(name: string): typeof import('node:module') }
).getBuiltinModule('node:module');
const nodeRequire = nodeModule.createRequire(__filename);
const cel = nodeRequire('@marcbachmann/cel-js') as { Environment: new (options: Json) => CelEnvironment };
const realmJson: JSON = nodeRequire('node:vm').runInThisContext('JSON');

const env = new cel.Environment({ unlistedVariablesAreDyn: true });

/** Converts a manifest to CEL values: integers become BigInt, objects come from Node's realm. */
export function toCel(value: unknown): unknown {
  return realmJson.parse(JSON.stringify(value), (_key, v) =>
    typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : v,
  );
}

export function evaluateCel(expression: string, context: Json): unknown {
  return env.evaluate(expression, context);
}

const RESOURCES: Record<string, string> = {
  Pod: 'pods',
  Deployment: 'deployments',
  StatefulSet: 'statefulsets',
  DaemonSet: 'daemonsets',
  ReplicaSet: 'replicasets',
  Job: 'jobs',
  CronJob: 'cronjobs',
};

export interface AdmissionRequest {
  readonly operation?: 'CREATE' | 'UPDATE';
  readonly subResource?: string;
  /** Namespace of the request; defaults to the object's. */
  readonly namespace?: string;
}

export type AdmissionResult =
  { matched: false } | { matched: true; admitted: boolean; messages: string[]; actions: string[] };

interface ResourceRule {
  apiGroups: string[];
  apiVersions: string[];
  operations: string[];
  resources: string[];
}

function ruleMatches(rules: ResourceRule[], object: Json, operation: string, subResource?: string): boolean {
  const [group, version] = String(object.apiVersion).includes('/')
    ? String(object.apiVersion).split('/')
    : ['', String(object.apiVersion)];
  const resource = RESOURCES[String(object.kind)] + (subResource ? `/${subResource}` : '');
  return rules.some(
    (r) =>
      r.apiGroups.includes(group) &&
      r.apiVersions.includes(version) &&
      r.operations.includes(operation) &&
      r.resources.includes(resource),
  );
}

function namespaceMatches(binding: Json, namespace: string): boolean {
  const selector = (binding.spec as Json).matchResources as {
    namespaceSelector: { matchExpressions: { key: string; operator: string; values: string[] }[] };
  };
  return selector.namespaceSelector.matchExpressions.every(
    (e) => e.key === 'kubernetes.io/metadata.name' && e.operator === 'In' && e.values.includes(namespace),
  );
}

function lazyVariables(defs: { name: string; expression: string }[], base: Json): Json {
  const variables = realmJson.parse('{}') as Json;
  const cache = new Map<string, unknown>();
  const context = Object.assign(realmJson.parse('{}') as Json, base, { variables });
  for (const def of defs) {
    Object.defineProperty(variables, def.name, {
      enumerable: true,
      get: () => {
        if (!cache.has(def.name)) cache.set(def.name, evaluateCel(def.expression, context));
        return cache.get(def.name);
      },
    });
  }
  return context;
}

/** Runs `object` through the policy and binding. Expression errors deny, as with failurePolicy Fail. */
export function admit(policy: Json, binding: Json, object: Json, request: AdmissionRequest = {}): AdmissionResult {
  const spec = policy.spec as {
    matchConstraints: { resourceRules: ResourceRule[] };
    matchConditions: { expression: string }[];
    variables: { name: string; expression: string }[];
    validations: { expression: string; message: string; messageExpression?: string }[];
  };
  const operation = request.operation ?? 'CREATE';
  const namespace = request.namespace ?? String((object.metadata as Json).namespace);
  if (!ruleMatches(spec.matchConstraints.resourceRules, object, operation, request.subResource))
    return { matched: false };
  if (!namespaceMatches(binding, namespace)) return { matched: false };
  const context = lazyVariables(spec.variables, {
    object: toCel(object),
    oldObject: null,
    request: toCel({ operation, namespace, userInfo: { username: 'tester' } }),
  });
  const actions = (binding.spec as Json).validationActions as string[];
  try {
    if (!spec.matchConditions.every((c) => evaluateCel(c.expression, context) === true)) return { matched: false };
  } catch (e) {
    return { matched: true, admitted: false, messages: [`matchCondition error: ${(e as Error).message}`], actions };
  }
  const messages: string[] = [];
  for (const v of spec.validations) {
    let passed: unknown;
    try {
      passed = evaluateCel(v.expression, context);
    } catch (e) {
      messages.push(`expression error: ${(e as Error).message}`);
      continue;
    }
    if (passed === true) continue;
    let message = v.message;
    if (v.messageExpression) {
      try {
        message = String(evaluateCel(v.messageExpression, context));
      } catch {
        // The API server falls back to the static message when messageExpression fails.
      }
    }
    messages.push(message);
  }
  return { matched: true, admitted: messages.length === 0, messages, actions };
}
