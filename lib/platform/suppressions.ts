/**
 * The construct-facing side of rule suppressions and synth-time validation. Suppressions are stored
 * in the SUPPRESSIONS_ANNOTATION on the synthesized object, so they travel with the YAML and the CLI
 * honours exactly what synth honoured.
 */
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { MIN_REASON_LENGTH, SUPPRESSIONS_ANNOTATION, invalidProp, requireReason } from '../core';
import { SourcedObject, Suppression, SynthValidationOptions, synthViolations } from '../rules';
import { recordRulesValidation, resolveObject } from './app';

/** One suppression: a rule id and why its findings are acceptable here, recorded on the object. */
export interface SuppressionProps {
  /** ID of the rule whose findings are suppressed. */
  readonly rule: string;
  /** Why the finding is acceptable; at least MIN_REASON_LENGTH characters. */
  readonly reason: string;
  /** Limit the suppression to one container. @default undefined (meaning every container of the object) */
  readonly container?: string;
  /** Date (YYYY-MM-DD) after which the finding counts again. @default undefined (meaning it never expires) */
  readonly expires?: string;
}

function apiObjectsUnder(scope: IConstruct): ApiObject[] {
  return scope.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c));
}

function existing(obj: ApiObject): Suppression[] {
  const meta = obj.metadata.toJson() as { annotations?: Record<string, string> };
  const raw = meta.annotations?.[SUPPRESSIONS_ANNOTATION];
  if (raw === undefined) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? (parsed as Suppression[]) : [];
  } catch {
    return [];
  }
}

/**
 * Rule suppressions on constructs. They are written to the objects' `agent-baseline.io/suppressions`
 * annotation, so every way of running the rule engine reports them as suppressed, with the reason.
 */
export class Suppressions {
  /**
   * Suppresses rule findings on every ApiObject under `scope` (the construct itself when it is one).
   * Findings stay in reports, marked suppressed with the reason.
   */
  public static add(scope: IConstruct, suppressions: readonly SuppressionProps[]): void {
    const entries = suppressions.map((s, i) => {
      if (typeof s.rule !== 'string' || s.rule.trim() === '')
        invalidProp(scope, `suppressions[${i}].rule`, s.rule, 'a rule ID such as HRD-Probes');
      const reason = requireReason(scope, `suppressions[${i}].reason`, s.reason);
      if (s.expires !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(s.expires) || Number.isNaN(Date.parse(s.expires)))) {
        invalidProp(scope, `suppressions[${i}].expires`, s.expires, 'a date YYYY-MM-DD');
      }
      return {
        rule: s.rule,
        reason,
        ...(s.container ? { container: s.container } : {}),
        ...(s.expires ? { expires: s.expires } : {}),
      };
    });
    const targets = apiObjectsUnder(scope);
    if (targets.length === 0)
      invalidProp(
        scope,
        'scope',
        scope.node.path,
        'a construct that has ApiObjects under it',
        `suppressions need a Kubernetes object to be recorded on (reason >= ${MIN_REASON_LENGTH} chars)`,
      );
    for (const obj of targets) {
      const merged = [...existing(obj)];
      for (const e of entries) {
        if (!merged.some((m) => m.rule === e.rule && m.container === e.container)) merged.push(e);
      }
      obj.metadata.addAnnotation(SUPPRESSIONS_ANNOTATION, JSON.stringify(merged));
    }
  }
}

/**
 * Validation for App or Chart `node.addValidation`: runs the rule packs over every ApiObject under
 * `scope` (after patches) and reports failing findings at the object's construct path.
 */
export function rulesValidation(scope: IConstruct, options: SynthValidationOptions = {}): { validate(): string[] } {
  return {
    validate: () => {
      const objects = apiObjectsUnder(scope);
      // Resolved once per synthesis and shared with the output; recorded for the validated marker.
      recordRulesValidation(objects, options);
      const sourced: SourcedObject[] = objects.map((o) => ({
        object: resolveObject(o) as SourcedObject['object'],
        source: { constructPath: o.node.path },
      }));
      return synthViolations(sourced, options).map((v) => `[${objects[v.index].node.path}] ${v.message}`);
    },
  };
}
