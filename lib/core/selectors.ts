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
  const sel = record(selector);
  for (const [k, v] of Object.entries(record(sel.matchLabels))) if (labels[k] !== v) return false;
  return list(sel.matchExpressions).every((raw) => {
    const expr = record(raw);
    const key = typeof expr.key === 'string' ? expr.key : '';
    const values = list(expr.values).filter((v): v is string => typeof v === 'string');
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (expr.operator) {
      case 'In':
        return has && values.includes(labels[key]);
      case 'NotIn':
        return !has || !values.includes(labels[key]);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      default:
        return false; // An unknown operator is invalid; the API server would reject the object.
    }
  });
}
