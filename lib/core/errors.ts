import { IConstruct } from 'constructs';

/**
 * The stable code of every refusal, one per kind of input, with what it covers. Codes are part of
 * the public interface: callers match on `err.code`, so a code is never renamed, reused or removed
 * (test/foundation/error-codes.test.ts pins this table). Add a code for a new kind of input.
 */
export const REFUSAL_CODES = {
  AB_INVALID_PROP:
    'A construct prop, or the place of a construct in the tree, is refused at construct time (AgentBaselineError).',
  AB_INVALID_RULE_OPTION:
    'An option of the rule engine or its catalogue is refused: pack, pssVersion (RuleOptionError).',
  AB_INVALID_INPUT:
    'A manifest file, directory or stream cannot be read, or is not Kubernetes objects (InputError, also exported as ManifestLoadError).',
  AB_INVALID_CLI_OPTION: 'A command-line option value is refused (CliOptionError).',
  AB_INVALID_REACH_QUERY:
    'A reachability query names a workload that is missing or ambiguous in the manifests, or an address that is not one (ReachQueryError).',
} as const;

/** A stable refusal code, one of the keys of {@link REFUSAL_CODES}. */
export type RefusalCode = keyof typeof REFUSAL_CODES;

/** What went wrong with one prop, in the terms a user needs to fix it. */
export interface InvalidPropDetails {
  /** Construct path (or file path for non-construct inputs). */
  readonly path: string;
  /** The prop, as a dotted path from the construct's props (`resources.cpu.limit`). */
  readonly field: string;
  /** The rejected value, exactly as given. */
  readonly value: unknown;
  /** What would have been accepted. */
  readonly allowed: string;
  /**
   * Why the value is refused, when "not allowed" is not self-explanatory (the risk it would create). @default
   * none
   */
  readonly reason?: string;
}

/**
 * The base of every refusal of user input: construct props, rule options, manifests and CLI
 * options. Match on `code` (stable, see {@link REFUSAL_CODES}) rather than on the message or the
 * class, so a refused input is always distinguishable from a bug. The message names where (path),
 * what (field), the bad value and what is allowed; `details` carries the same as data when the
 * thrower has it in that form.
 */
export abstract class RefusalError extends Error {
  /** Stable code of the kind of input refused; match on it rather than on the class or message. */
  public abstract readonly code: RefusalCode;
  /**
   * The refusal as data, when the thrower has it in that form. @default undefined (meaning only the message
   * describes the refusal)
   */
  public readonly details?: InvalidPropDetails;

  protected constructor(message: string, details?: InvalidPropDetails) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

/**
 * The one error type every construct throws for bad input. Tests and the CLI match on it, so a
 * refused input is always distinguishable from a bug.
 */
export class AgentBaselineError extends RefusalError {
  /** Always `AB_INVALID_PROP`. */
  public readonly code = 'AB_INVALID_PROP';
  /** The refused prop, its value and what is allowed; always present. */
  declare public readonly details: InvalidPropDetails;

  constructor(details: InvalidPropDetails) {
    const reason = details.reason ? ` (${details.reason})` : '';
    super(
      `[${details.path}] ${details.field}: invalid value ${renderValue(details.value)}${reason}. Allowed: ${details.allowed}`,
      details,
    );
  }
}

/** An option of the rule engine (`runRules`, the catalogue) is refused. */
export class RuleOptionError extends RefusalError {
  /** Always `AB_INVALID_RULE_OPTION`: a stable code for callers that branch on the kind of refusal. */
  public readonly code = 'AB_INVALID_RULE_OPTION';

  constructor(message: string, details?: InvalidPropDetails) {
    super(message, details);
  }
}

/** Input that cannot be scanned (file, directory, stream); the CLI exits 2 with this message. */
export class InputError extends RefusalError {
  /** Always `AB_INVALID_INPUT`. */
  public readonly code = 'AB_INVALID_INPUT';

  constructor(message: string, details?: InvalidPropDetails) {
    super(message, details);
  }
}

/** A command-line option value is refused; the CLI exits 2 with this message. */
export class CliOptionError extends RefusalError {
  /** Always `AB_INVALID_CLI_OPTION`. */
  public readonly code = 'AB_INVALID_CLI_OPTION';

  constructor(message: string, details?: InvalidPropDetails) {
    super(message, details);
  }
}

/** A reachability query does not fit the manifests it is asked about. */
export class ReachQueryError extends RefusalError {
  /** Always `AB_INVALID_REACH_QUERY`. */
  public readonly code = 'AB_INVALID_REACH_QUERY';

  constructor(message: string, details?: InvalidPropDetails) {
    super(message, details);
  }
}

const MAX_RENDERED_VALUE = 200;

function renderValue(value: unknown): string {
  let text: string;
  try {
    text = value === undefined ? 'undefined' : JSON.stringify(value);
  } catch {
    text = String(value);
  }
  return text.length > MAX_RENDERED_VALUE ? `${text.slice(0, MAX_RENDERED_VALUE)}…` : text;
}

/** Throws an {@link AgentBaselineError} for `scope`. `scope` may be a construct or an already-rendered path. */
export function invalidProp(
  scope: IConstruct | string,
  field: string,
  value: unknown,
  allowed: string,
  reason?: string,
): never {
  const path = typeof scope === 'string' ? scope : scope.node.path;
  throw new AgentBaselineError({ path, field, value, allowed, reason });
}
