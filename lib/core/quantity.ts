/**
 * Kubernetes resource quantities (`500m`, `1.5`, `256Mi`, `1G`, `1e3`), parsed to numbers so a
 * limit can be compared with its request. Follows apimachinery's resource.Quantity grammar.
 */
const QUANTITY = /^([+-]?[0-9.]+)(?:(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)|[eE]([+-]?[0-9]+))?$/;
const SUFFIX_FACTOR: Record<string, number> = {
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** Returns the quantity's value in base units, or undefined when it does not parse. */
export function parseQuantity(text: string): number | undefined {
  if (typeof text !== 'string' || text.length === 0 || text.length > 64) return undefined;
  const match = QUANTITY.exec(text);
  if (!match) return undefined;
  const [, digits, suffix, exponent] = match;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(digits)) return undefined;
  const base = Number(digits);
  if (!Number.isFinite(base)) return undefined;
  if (suffix) return base * SUFFIX_FACTOR[suffix];
  if (exponent) return base * 10 ** Number(exponent);
  return base;
}

/** What a resource quantity may look like, for the "allowed" part of refusals. */
export const QUANTITY_FORMAT_HINT = "a Kubernetes quantity such as '250m', '0.5', '256Mi' or '1Gi'";
