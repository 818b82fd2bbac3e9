/**
 * A real CEL evaluator (@marcbachmann/cel-js) for ValidatingAdmissionPolicies, in jest.
 *
 * cel-js is ESM-only and jest's module system is CommonJS, so it is loaded with Node's own require
 * (Node >= 20.19 can require ESM). It then lives in Node's main realm, where it does not recognise
 * the test realm's objects and arrays, so inputs are re-created there, with JSON integers as CEL
 * ints (BigInt).
 */
import type { Module } from 'node:module';

type CelValue = unknown;
interface CelEnvironment {
  evaluate(expression: string, context: Record<string, CelValue>): CelValue;
}
interface CelModule {
  Environment: new (options: Record<string, unknown>) => CelEnvironment;
}

const nodeProcess = process as unknown as { getBuiltinModule(id: string): unknown };
const nativeRequire = (nodeProcess.getBuiltinModule('node:module') as typeof Module).createRequire(__filename);
const cel = nativeRequire('@marcbachmann/cel-js') as CelModule;
const mainRealm = (nativeRequire('node:vm') as typeof import('node:vm')).runInThisContext('({ JSON, Object })') as {
  JSON: JSON;
  Object: ObjectConstructor;
};

/** Copies plain JSON data into the evaluator's realm, integers as BigInt. */
export function toCel(value: unknown): CelValue {
  if (value === undefined) return null;
  return mainRealm.JSON.parse(JSON.stringify(value), (_k, v) =>
    typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : v,
  );
}

export function celEnvironment(): CelEnvironment {
  return new cel.Environment({ unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: false });
}

export interface AdmissionAttributes {
  readonly object: Record<string, unknown>;
  readonly oldObject?: Record<string, unknown> | null;
  readonly request: {
    readonly operation: 'CREATE' | 'UPDATE';
    readonly namespace: string;
    readonly userInfo: { readonly username: string; readonly groups?: readonly string[] };
  };
}

export interface PolicySpec {
  readonly matchConditions?: readonly { name: string; expression: string }[];
  readonly variables?: readonly { name: string; expression: string }[];
  readonly validations: readonly { expression: string; message: string }[];
}

export interface PolicyVerdict {
  /** False when a matchCondition excluded the request: the policy does not touch it. */
  readonly matched: boolean;
  /** Messages of the failed validations (an evaluation error fails, as under failurePolicy Fail). */
  readonly violations: readonly string[];
}

/** Evaluates a policy the way the API server does: matchConditions, lazy variables, validations. */
export function evaluatePolicy(spec: PolicySpec, attributes: AdmissionAttributes): PolicyVerdict {
  const env = celEnvironment();
  const base: Record<string, CelValue> = {
    object: toCel(attributes.object),
    oldObject: toCel(attributes.oldObject ?? null),
    request: toCel({ ...attributes.request, userInfo: { groups: [], ...attributes.request.userInfo } }),
  };
  const variables = mainRealm.Object.create(mainRealm.Object.prototype) as Record<string, CelValue>;
  const context = mainRealm.Object.assign(mainRealm.Object.create(mainRealm.Object.prototype), base, {
    variables,
  }) as Record<string, CelValue>;
  for (const v of spec.variables ?? []) {
    let cached: { value: CelValue } | undefined;
    Object.defineProperty(variables, v.name, {
      enumerable: true,
      get: () => (cached ??= { value: env.evaluate(v.expression, context) }).value,
    });
  }
  for (const condition of spec.matchConditions ?? []) {
    if (env.evaluate(condition.expression, context) !== true) return { matched: false, violations: [] };
  }
  const violations: string[] = [];
  for (const validation of spec.validations) {
    let result: CelValue;
    try {
      result = env.evaluate(validation.expression, context);
    } catch (e) {
      result = `error: ${(e as Error).message}`;
    }
    if (result !== true)
      violations.push(result === false ? validation.message : `${validation.message} [${String(result)}]`);
  }
  return { matched: true, violations };
}
