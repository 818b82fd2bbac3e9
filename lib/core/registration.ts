// In lib/core (it imports no Pulumi or construct module) so that lib/pulumi and lib/vault's Pulumi
// side share it without importing each other; lib/pulumi re-exports it.
import { invalidProp } from './errors';

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

/**
 * Resources a registration loop releases to @pulumi/pulumi per event-loop turn
 * ({@link RegistrationPacer}).
 */
export const REGISTRATION_BATCH_SIZE = 64;

/**
 * Releases a loop's registrations in batches of `batchSize`, one batch per event-loop turn.
 *
 * Why: @pulumi/pulumi starts a resource's registration in its constructor and walks its inputs
 * with one `await` per node, so a loop that creates thousands of resources interleaves all their
 * half-done walks on the microtask queue and keeps every one of them live at once: the peak heap,
 * and the young-generation collections that copy it, grow with the loop (docs/performance.md,
 * "Pulumi: registration in batches"). A batch's walks finish when the microtask queue drains,
 * before the next turn releases the next batch.
 *
 * How: from the second batch on, each registration's `dependsOn` gets one more entry, a promise that
 * resolves to no resources when its batch is released. The SDK awaits `dependsOn` before it walks
 * the inputs, flattens the nested empty list, and the engine sees the same dependencies, inputs and
 * order. (An entry rather than a promise of the whole list: `mergeOptions` would wrap the latter in
 * an Output and walk every Resource object in it for unknowns, which is quadratic.) The release
 * waits on `setImmediate`: a test that fakes timers must let it run, or pass `batchSize` 0, which
 * releases everything at once.
 */
export class RegistrationPacer {
  private started = 0;
  private released: Promise<never> | undefined;

  /**
   * @param batchSize registrations per turn; 0 releases every registration at once.
   * @param where the construct path or function and the field named when `batchSize` is refused.
   */
  constructor(
    private readonly batchSize: number = REGISTRATION_BATCH_SIZE,
    where: { readonly scope: string; readonly field: string } = { scope: 'RegistrationPacer', field: 'batchSize' },
  ) {
    if (!Number.isSafeInteger(batchSize) || batchSize < 0)
      invalidProp(
        where.scope,
        where.field,
        batchSize,
        'a whole number of resources per turn, 0 or more (0: all at once)',
      );
  }

  /**
   * `dependsOn` for the next registration: `resources`, plus the release of its batch from the
   * second batch on. The release is typed as a resource for @pulumi/pulumi's option type; it
   * resolves to an empty list, which the SDK flattens away.
   */
  public dependsOn<R>(resources: readonly R[]): (R | Promise<never>)[] {
    if (this.batchSize > 0 && this.started > 0 && this.started % this.batchSize === 0)
      this.released = nextTurnAfter(this.released);
    this.started++;
    return this.released === undefined ? [...resources] : [...resources, this.released];
  }
}

/**
 * Resolves to an empty list on the event-loop turn after `previous` resolved (after this turn,
 * when there is none); typed `never` so that it fits any `dependsOn` element type.
 */
function nextTurnAfter(previous: Promise<never> | undefined): Promise<never> {
  return new Promise((resolve) => {
    const release = () => setImmediate(() => resolve(NO_RESOURCES as never));
    if (previous === undefined) release();
    else void previous.then(release);
  });
}

const NO_RESOURCES: readonly never[] = Object.freeze([]);
