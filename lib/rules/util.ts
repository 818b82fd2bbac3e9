/** Narrowing helpers for untyped manifest data: manifests are user input, never trusted shapes. */

export type Json = Record<string, unknown>;

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function rec(value: unknown): Json {
  return isRecord(value) ? value : {};
}

export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function recs(value: unknown): Json[] {
  return arr(value).filter(isRecord);
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function strs(value: unknown): string[] {
  return arr(value).filter((v): v is string => typeof v === 'string');
}

export function labelsOf(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(rec(value))) if (typeof v === 'string') out[k] = v;
  return out;
}

/** Kubernetes LabelSelector semantics (matchLabels AND matchExpressions). An empty selector matches all. */
export function selectorMatches(selector: unknown, labels: Record<string, string>): boolean {
  const sel = rec(selector);
  for (const [k, v] of Object.entries(rec(sel.matchLabels))) if (labels[k] !== v) return false;
  for (const expr of recs(sel.matchExpressions)) {
    const key = str(expr.key) ?? '';
    const values = strs(expr.values);
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (expr.operator) {
      case 'In':
        if (!has || !values.includes(labels[key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

export function isEmptySelector(selector: unknown): boolean {
  const sel = rec(selector);
  return Object.keys(rec(sel.matchLabels)).length === 0 && recs(sel.matchExpressions).length === 0;
}
