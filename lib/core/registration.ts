// In lib/core (it imports nothing) so that lib/pulumi and lib/vault's Pulumi side share it without
// importing each other; lib/pulumi re-exports it.
/**
 * Error.stackTraceLimit while a loop registers resources (restored after). @pulumi/pulumi formats
 * an Error stack for every promise it creates per resource (leak diagnostics) and preallocates one
 * per registration; it takes each resource's source position with its own, unlimited, capture.
 * Registering thousands of objects from one loop, those stacks all show that loop: none of them is
 * worth its cost (docs/performance.md). Errors thrown in the loop keep their message.
 */
export const REGISTRATION_STACK_TRACE_LIMIT = 0;

/** Runs `register` with {@link REGISTRATION_STACK_TRACE_LIMIT}, restoring the caller's limit after, thrown or not. */
export function withRegistrationStackTraces<T>(register: () => T): T {
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = REGISTRATION_STACK_TRACE_LIMIT;
  try {
    return register();
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}
