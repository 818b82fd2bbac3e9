import { IConstruct } from 'constructs';

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
  /** Why the value is refused, when "not allowed" is not self-explanatory (the risk it would create). */
  readonly reason?: string;
}

/**
 * The one error type every construct throws for bad input. Tests and the CLI match on it, so a
 * refused input is always distinguishable from a bug.
 */
export class AgentBaselineError extends Error {
  public readonly details: InvalidPropDetails;

  constructor(details: InvalidPropDetails) {
    const reason = details.reason ? ` (${details.reason})` : '';
    super(
      `[${details.path}] ${details.field}: invalid value ${renderValue(details.value)}${reason}. Allowed: ${details.allowed}`,
    );
    this.name = 'AgentBaselineError';
    this.details = details;
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
