import { AgentBaselineError } from '../../lib/core';

/** The message of the AgentBaselineError `fn` throws; fails the test when it throws nothing or something else. */
export function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof AgentBaselineError) return e.message;
    throw e;
  }
  throw new Error('expected a refusal');
}
