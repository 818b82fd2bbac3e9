/**
 * CEL for image rules, shared by this module's ValidatingAdmissionPolicy and any other policy
 * that checks images (the guardrails' policy for agent-created workloads). The expressions use
 * only core CEL plus `matches`, `startsWith`, `filter`, `map`, `exists`, `all`, `has` and the
 * strings extension's `join`, all available to ValidatingAdmissionPolicy since Kubernetes 1.28.
 * No optional syntax (`?.`, `orValue`), so older clusters accept them.
 */
import { ImageRules } from './settings';

/** The image grammar as RE2-compatible regular expressions, used by both CEL and the synth-time check. */
const PATH_COMPONENT_RE = '[a-z0-9]+(?:(?:[.]|_|__|-+)[a-z0-9]+)*';
const TAG_RE = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}';
const DIGEST_RE = '@sha256:[a-f0-9]{64}';
/** The image grammar's checks as RE2 regular expression bodies, shared by the CEL rules and the synth-time check. */
export const IMAGE_REGEX = {
  /** A whole, lower-case reference: `[host[:port]/]path[:tag][@sha256:<64 hex>]`. */
  wellFormed: `^(?:[a-z0-9.-]+(?::[0-9]+)?/)?${PATH_COMPONENT_RE}(?:/${PATH_COMPONENT_RE})*(?::${TAG_RE})?(?:${DIGEST_RE})?$`,
  /** Ends with a sha256 digest of exactly 64 lower-case hex characters. */
  pinned: `${DIGEST_RE}$`,
  /** Has the tag `latest`, with or without a digest after it. */
  latestTag: ':latest(?:@|$)',
  /** Names a tag or a digest; without either, runtimes pull `latest`. */
  taggedOrPinned: `(?::${TAG_RE}|${DIGEST_RE})$`,
} as const;

/** A CEL string literal. */
export function celString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A CEL list of string literals. */
export function celStringList(values: readonly string[]): string {
  return `[${values.map(celString).join(', ')}]`;
}

/**
 * The pod spec of the admitted object: a Pod's spec, a CronJob's job template, or the template of
 * any other pod controller. Use it as a VAP variable; `object.kind` is always set at admission.
 */
export function celPodSpec(objectExpr = 'object'): string {
  return `${objectExpr}.kind == 'Pod' ? ${objectExpr}.spec : (${objectExpr}.kind == 'CronJob' ? ${objectExpr}.spec.jobTemplate.spec.template.spec : ${objectExpr}.spec.template.spec)`;
}

/**
 * Every container of a pod spec: containers, initContainers and ephemeralContainers. `podSpecExpr`
 * must be a field selection (e.g. `variables.podSpec`), since `has()` needs one.
 */
export function celAllContainers(podSpecExpr: string): string {
  const list = (field: string) => `(has(${podSpecExpr}.${field}) ? ${podSpecExpr}.${field} : [])`;
  return `${list('containers')} + ${list('initContainers')} + ${list('ephemeralContainers')}`;
}

/** The image is a whole, well-formed, lower-case reference (IMAGE_REGEX.wellFormed). */
export function celImageWellFormed(imageExpr: string): string {
  return `${imageExpr}.matches(${celString(IMAGE_REGEX.wellFormed)})`;
}

/** The image starts with one of the prefixes; each ends with `/`, so look-alike hosts never match. */
export function celImageFromAllowedPrefix(imageExpr: string, prefixes: readonly string[]): string {
  return `${celStringList(prefixes)}.exists(p, ${imageExpr}.startsWith(p))`;
}

/** The image ends with a sha256 digest. */
export function celImagePinned(imageExpr: string): string {
  return `${imageExpr}.matches(${celString(IMAGE_REGEX.pinned)})`;
}

/** The image has neither the tag `latest` nor, by omitting both tag and digest, `latest` implied. */
export function celImageNotLatest(imageExpr: string): string {
  return `!${imageExpr}.matches(${celString(IMAGE_REGEX.latestTag)}) && ${imageExpr}.matches(${celString(IMAGE_REGEX.taggedOrPinned)})`;
}

/** One image rule: a CEL predicate over an image string, and what a violation means. */
export interface ImageCheck {
  /** Which rule this is. */
  readonly id: 'well-formed' | 'allowed-registry' | 'digest' | 'no-latest';
  /** Builds the CEL expression, true when the image passes, for an image expression. */
  readonly predicate: (imageExpr: string) => string;
  /** What a violation means, shown when admission refuses the object. */
  readonly message: string;
  /** The equivalent of the predicate for the synth-time check. */
  readonly test: (image: string) => boolean;
}

/** The checks `rules` imply, in the order the ValidatingAdmissionPolicy evaluates them. */
export function imageChecks(rules: ImageRules): ImageCheck[] {
  const prefixes = rules.allowedPrefixes;
  const checks: ImageCheck[] = [
    {
      id: 'well-formed',
      predicate: celImageWellFormed,
      message: 'every image must be a lower-case reference [registry/]repository[:tag][@sha256:<64 hex>]',
      test: (i) => new RegExp(IMAGE_REGEX.wellFormed).test(i),
    },
    {
      id: 'allowed-registry',
      predicate: (e) => celImageFromAllowedPrefix(e, prefixes),
      message: `every image must come from an allowed registry or repository: ${prefixes.join(', ')}`,
      test: (i) => prefixes.some((p) => i.startsWith(p)),
    },
  ];
  if (rules.requireDigest) {
    checks.push({
      id: 'digest',
      predicate: celImagePinned,
      message: 'every image must be pinned by digest (@sha256:<64 lower-case hex>)',
      test: (i) => new RegExp(IMAGE_REGEX.pinned).test(i),
    });
  }
  if (rules.forbidLatest) {
    checks.push({
      id: 'no-latest',
      predicate: celImageNotLatest,
      message: "no image may use the 'latest' tag, written or implied by a missing tag",
      test: (i) => !new RegExp(IMAGE_REGEX.latestTag).test(i) && new RegExp(IMAGE_REGEX.taggedOrPinned).test(i),
    });
  }
  return checks;
}

/** Every rule at once, for policies that need a single predicate. */
export function celImageAllowed(imageExpr: string, rules: ImageRules): string {
  return imageChecks(rules)
    .map((c) => `(${c.predicate(imageExpr)})`)
    .join(' && ');
}

/** A ValidatingAdmissionPolicy validation. */
export interface CelValidation {
  /** CEL that must be true for every container of the admitted object. */
  readonly expression: string;
  /** Static message, used when `messageExpression` fails to evaluate. */
  readonly message: string;
  /** CEL message naming the offending containers and images. */
  readonly messageExpression: string;
  /** HTTP reason returned on refusal (`Forbidden`). */
  readonly reason: string;
}

/** One validation per check over a list of containers; the message names the offending images. */
export function celImageValidations(containersExpr: string, rules: ImageRules): CelValidation[] {
  return imageChecks(rules).map((check) => ({
    expression: `${containersExpr}.all(c, ${check.predicate('c.image')})`,
    message: check.message,
    messageExpression: `${celString(`${check.message}; refused: `)} + ${containersExpr}.filter(c, !(${check.predicate('c.image')})).map(c, c.name + '=' + c.image).join(', ')`,
    reason: 'Forbidden',
  }));
}
