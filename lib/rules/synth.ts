/** The engine as a synth-time validation: messages for failing findings, ready for node.addValidation. */
import { RunOptions, runRules } from './engine';
import { FailOn, isFailing, objectLabel } from './report/common';
import { KubeObject, SourcedObject } from './types';

export interface SynthValidationOptions extends RunOptions {
  /** @default 'error' */
  readonly failOn?: FailOn;
}

export interface SynthViolation {
  /** Index of the object in the input. */
  readonly index: number;
  readonly rule: string;
  /** `[RULE] Kind/ns/name at path: message. Fix: …` (no construct path: the caller adds it). */
  readonly message: string;
}

export function synthViolations(
  objects: readonly (KubeObject | SourcedObject)[],
  options: SynthValidationOptions = {},
): SynthViolation[] {
  const report = runRules(objects, options);
  const failOn = options.failOn ?? 'error';
  return report.results.flatMap((r) =>
    r.findings
      .filter((f) => isFailing(f, failOn))
      .map((f) => ({
        index: r.index,
        rule: f.rule,
        message: `[${f.rule}] ${objectLabel(r)}${f.path ? ` at ${f.path}` : ''}: ${f.message}. Fix: ${f.fix}`,
      })),
  );
}

/** Messages for failing (unsuppressed, severity error by default) findings; empty when the objects pass. */
export function validateObjectsForSynth(
  objects: readonly (KubeObject | SourcedObject)[],
  options: SynthValidationOptions = {},
): string[] {
  return synthViolations(objects, options).map((v) => v.message);
}
