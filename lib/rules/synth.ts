/** The engine as a synth-time validation: messages for failing findings, ready for node.addValidation. */
import { RunOptions, runRules } from './engine';
import { FailOn, isFailing, objectLabel } from './report/common';
import { LocatorTable, locatePodTemplate, locatorTable } from './pod-template';
import { KubeObject, SourcedObject } from './types';

/** Options of the synth-time validation: the run options plus the failing threshold. */
export interface SynthValidationOptions extends RunOptions {
  /** Which unsuppressed findings become validation errors. @default 'error' */
  readonly failOn?: FailOn;
}

/** One failing finding as a synth validation message. */
export interface SynthViolation {
  /** Index of the object in the input. */
  readonly index: number;
  /** ID of the rule that failed. */
  readonly rule: string;
  /** `[RULE] Kind/ns/name at path: message. Fix: …` (no construct path: the caller adds it). */
  readonly message: string;
}

/** Runs the rules and returns the failing findings at `failOn`, one violation each. */
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

/** The Vault Agent Injector reads every pod annotation under this prefix. */
export const VAULT_INJECTOR_ANNOTATION_PREFIX = 'vault.hashicorp.com/';

/**
 * One object exactly as it will be written (`ApiObject.toJson()`: after every JSON patch and
 * override), with what the constructs recorded about it when they wrote it.
 */
export interface ResolvedObject {
  /** The object as written. */
  readonly object: KubeObject;
  /** Construct path of the ApiObject, used as the message prefix. */
  readonly constructPath: string;
  /**
   * The `vault.hashicorp.com/*` pod annotations the constructs wrote on this object's pod
   * template (AgentVaultSecrets in injector mode). Anything else under that prefix, anywhere on the
   * object, is foreign. @default none written
   */
  readonly writtenVaultAnnotations?: Readonly<Record<string, string>>;
}

/** A check over the whole set of resolved objects (image policies register theirs). */
export type ResolvedObjectsCheck = (objects: readonly ResolvedObject[]) => string[];

/** Options of {@link validateResolvedObjects}. */
export interface ResolvedValidationOptions extends SynthValidationOptions {
  /** Further checks over the resolved objects, e.g. the platform's image policy. @default none */
  readonly checks?: readonly ResolvedObjectsCheck[];
}

/**
 * THE synth-time validation: judges every object of the App as it will be written. Messages are
 * prefixed with the object's construct path. Empty when everything passes.
 */
export function validateResolvedObjects(
  objects: readonly ResolvedObject[],
  options: ResolvedValidationOptions = {},
): string[] {
  const sourced: SourcedObject[] = objects.map((o) => ({
    object: o.object,
    source: { constructPath: o.constructPath },
  }));
  const findings = synthViolations(sourced, options).map((v) => `[${objects[v.index].constructPath}] ${v.message}`);
  const locators = locatorTable();
  return [
    ...findings,
    // One locator table for the whole set, not a copy of the registry per object.
    ...objects.flatMap((o) => foreignVaultAnnotations(o, locators)),
    ...(options.checks ?? []).flatMap((check) => check(objects)),
  ];
}

function vaultEntries(annotations: unknown): Array<[string, unknown]> {
  if (typeof annotations !== 'object' || annotations === null) return [];
  return Object.entries(annotations).filter(([k]) => k.toLowerCase().startsWith(VAULT_INJECTOR_ANNOTATION_PREFIX));
}

/**
 * `vault.hashicorp.com/*` annotations steer the injector (which image it injects, which role it
 * logs in with, JSON patches applied to its containers), so only what AgentVaultSecrets wrote may
 * be there, unchanged: added, changed or removed entries are all refused.
 */
export function foreignVaultAnnotations(resolved: ResolvedObject, locators: LocatorTable = locatorTable()): string[] {
  const { object, constructPath } = resolved;
  const written = resolved.writtenVaultAnnotations ?? {};
  const template = locatePodTemplate(object, locators);
  const templatePath = template ? template.metadataPath.join('.') : undefined;
  const out: string[] = [];
  const where = `${object.kind ?? '?'}/${object.metadata?.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata?.name ?? '(unnamed)'}`;
  const refuse = (key: string, value: unknown, at: string, what: string) =>
    out.push(
      `[${constructPath}] ${where} at ${at}.annotations: ${what} Vault injector annotation '${key}' = ${JSON.stringify(value)}. ` +
        `Only AgentVaultSecrets writes ${VAULT_INJECTOR_ANNOTATION_PREFIX}* annotations (they choose the injected image, the Vault role and patches to the injected containers); declare Vault secrets with the agent's secrets prop instead of annotations or patches`,
    );
  const seen = new Set<string>();
  if (!template || templatePath !== 'metadata') {
    for (const [key, value] of vaultEntries(object.metadata?.annotations)) refuse(key, value, 'metadata', 'foreign');
  }
  if (template) {
    for (const [key, value] of vaultEntries(template.metadata.annotations)) {
      seen.add(key);
      if (!(key in written)) refuse(key, value, templatePath!, 'foreign');
      else if (written[key] !== value)
        refuse(key, value, templatePath!, `changed (written as ${JSON.stringify(written[key])})`);
    }
  }
  for (const key of Object.keys(written)) {
    if (!seen.has(key))
      refuse(key, undefined, templatePath ?? 'metadata', `removed (written as ${JSON.stringify(written[key])})`);
  }
  return out;
}
