/**
 * The order `a.localeCompare(b)` gives, without loading ICU's collator (about 6 ms of every cold
 * synth, whose names and label keys rarely need it).
 *
 * Why it is the same order: for strings of lower-case ASCII letters, digits, '-', '.' and '/', the
 * CLDR root collation (en's, with punctuation not ignorable) gives every character its own primary
 * weight, in the same order as the code units ('-' < '.' < '/' < digits < letters); such strings
 * therefore compare as their code units do. Anything else (capitals, '_', ':', non-ASCII) is left
 * to localeCompare. (A locale that tailors these, as Danish sorts "aa" after "z", no longer changes
 * the order of such strings: the output no longer depends on LANG for them.) test/core/text-order.test.ts checks the equivalence over every pair of such
 * strings up to two characters long and over random longer pairs with shared prefixes.
 */
const CODE_UNIT_ORDER = /^[a-z0-9./-]*$/;

/** `a.localeCompare(b)` for sorting: negative, zero or positive. */
export function compareText(a: string, b: string): number {
  if (CODE_UNIT_ORDER.test(a) && CODE_UNIT_ORDER.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  return a.localeCompare(b);
}
