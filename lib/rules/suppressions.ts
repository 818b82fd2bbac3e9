/**
 * Suppressions travel with the YAML as an annotation, so raw manifests, Helm output and cdk8s
 * output are all suppressed the same way. A suppression needs a reason; a malformed one is a
 * finding of its own rather than silently ignored.
 */
import { MIN_REASON_LENGTH, SUPPRESSIONS_ANNOTATION, reasonProblem } from '../core';
import { FindingDraft, PathSegment, Suppression } from './types';
import { isRecord, rec, str } from './util';

/** Rule ID of findings about a malformed suppressions annotation. */
export const SUPPRESSION_INVALID_RULE = 'SUP-Invalid';
/** Rule ID of findings about a suppression past its `expires` date. */
export const SUPPRESSION_EXPIRED_RULE = 'SUP-Expired';

/** The suppressions annotation, parsed. */
export interface ParsedSuppressions {
  /** Valid, unexpired suppressions. */
  readonly active: readonly Suppression[];
  /** Findings about the annotation itself, keyed by the meta-rule ID. */
  readonly problems: readonly (FindingDraft & { readonly rule: string })[];
}

const ALLOWED_KEYS = new Set(['rule', 'reason', 'container', 'expires']);
const DATE = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/;

function invalid(message: string, path: readonly PathSegment[]) {
  return {
    rule: SUPPRESSION_INVALID_RULE,
    message,
    path,
    severity: 'error' as const,
    fix: `Write ${SUPPRESSIONS_ANNOTATION} as a JSON array of {"rule", "reason" (at least ${MIN_REASON_LENGTH} characters), "container"?, "expires"? (YYYY-MM-DD)}.`,
  };
}

function parseEntry(entry: unknown, path: readonly PathSegment[], where: string, now: Date) {
  if (!isRecord(entry)) return { problem: invalid(`${where} is not an object`, path) };
  const extra = Object.keys(entry).filter((k) => !ALLOWED_KEYS.has(k));
  if (extra.length) return { problem: invalid(`${where} has unknown field(s) ${extra.join(', ')}`, path) };
  const rule = str(entry.rule);
  if (!rule || rule.trim() === '') return { problem: invalid(`${where} has no rule ID`, path) };
  const reason = str(entry.reason);
  const reasonIssue = reasonProblem(entry.reason);
  if (!reason || reasonIssue !== undefined) {
    return {
      problem: invalid(
        `${where} (rule ${rule}) needs a reason of at least ${MIN_REASON_LENGTH} characters (visible letters or digits): ${reasonIssue}`,
        path,
      ),
    };
  }
  if (entry.container !== undefined && (typeof entry.container !== 'string' || entry.container === '')) {
    return { problem: invalid(`${where} (rule ${rule}) has a container that is not a non-empty string`, path) };
  }
  const expires = entry.expires;
  if (
    expires !== undefined &&
    (typeof expires !== 'string' || !DATE.test(expires) || Number.isNaN(Date.parse(expires)))
  ) {
    return { problem: invalid(`${where} (rule ${rule}) has an expiry that is not a date (YYYY-MM-DD)`, path) };
  }
  const suppression: Suppression = {
    rule,
    reason: reason.trim(),
    container: str(entry.container),
    expires: str(expires),
  };
  if (suppression.expires && Date.parse(suppression.expires) < now.getTime()) {
    return {
      problem: {
        rule: SUPPRESSION_EXPIRED_RULE,
        message: `${where} (rule ${rule}) expired on ${suppression.expires}`,
        path,
        severity: 'warning' as const,
        fix: 'Fix the finding, or renew the suppression with a new expiry and a current reason.',
      },
    };
  }
  return { suppression };
}

// Most objects carry no suppressions: one shared, frozen answer instead of two arrays per object.
const NONE: ParsedSuppressions = Object.freeze({ active: Object.freeze([]), problems: Object.freeze([]) });

/** Parses one annotation map (object or pod-template metadata). */
export function parseSuppressions(
  annotations: unknown,
  metadataPath: readonly PathSegment[],
  now: Date,
): ParsedSuppressions {
  const raw = rec(annotations)[SUPPRESSIONS_ANNOTATION];
  if (raw === undefined) return NONE;
  const path = [...metadataPath, 'annotations', SUPPRESSIONS_ANNOTATION];
  let parsed: unknown;
  try {
    parsed = typeof raw === 'string' ? JSON.parse(raw) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed))
    return { active: [], problems: [invalid('the suppressions annotation is not a JSON array', path)] };
  const active: Suppression[] = [];
  const problems: (FindingDraft & { rule: string })[] = [];
  parsed.forEach((entry, i) => {
    const result = parseEntry(entry, path, `suppression #${i + 1}`, now);
    if (result.problem) problems.push(result.problem);
    else if (result.suppression) active.push(result.suppression);
  });
  return { active, problems };
}

/** The first suppression for this rule that covers the container (or the whole object). */
export function findSuppression(
  suppressions: readonly Suppression[],
  rule: string,
  container: string | undefined,
): Suppression | undefined {
  return suppressions.find((s) => s.rule === rule && (s.container === undefined || s.container === container));
}
