/**
 * Kubernetes LabelSelector semantics (matchLabels AND matchExpressions), shared by the rule engine
 * and the reachability evaluator so both read selectors the way the API server does.
 */

type Json = Record<string, unknown>;

const record = (value: unknown): Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** True when `labels` satisfy `selector`. An empty selector matches everything. */
export function labelSelectorMatches(selector: unknown, labels: Record<string, string>): boolean {
  // Hot in scans (every workload against every policy of its namespace): no per-call arrays or closures.
  const sel = record(selector);
  const matchLabels = record(sel.matchLabels);
  for (const k in matchLabels)
    if (Object.prototype.hasOwnProperty.call(matchLabels, k) && labels[k] !== matchLabels[k]) return false;
  const exprs = sel.matchExpressions;
  if (!Array.isArray(exprs)) return true;
  for (let i = 0; i < exprs.length; i++) {
    if (!(i in exprs)) continue; // as Array.every, holes are skipped
    if (!expressionMatches(record(exprs[i]), labels)) return false;
  }
  return true;
}

function expressionMatches(expr: Json, labels: Record<string, string>): boolean {
  const key = typeof expr.key === 'string' ? expr.key : '';
  const has = Object.prototype.hasOwnProperty.call(labels, key);
  switch (expr.operator) {
    case 'In':
      return has && valuesInclude(expr.values, labels[key]);
    case 'NotIn':
      return !has || !valuesInclude(expr.values, labels[key]);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    default:
      return false; // An unknown operator is invalid; the API server would reject the object.
  }
}

/** `values` holds the string `value` (non-string entries never match). */
function valuesInclude(values: unknown, value: string): boolean {
  for (const v of list(values)) if (typeof v === 'string' && v === value) return true;
  return false;
}
