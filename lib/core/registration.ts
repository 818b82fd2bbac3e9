// In lib/core (it imports no Pulumi or construct module) so that lib/pulumi and lib/vault's Pulumi
// side share it without importing each other; lib/pulumi re-exports it.
import { invalidProp } from './errors';

/**
 * Error.stackTraceLimit while a loop registers resources (restored after). `@pulumi/pulumi` formats
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
 * Resources a registration loop releases to `@pulumi/pulumi` per event-loop turn
 * ({@link RegistrationPacer}, {@link CreationQueue}).
 */
export const REGISTRATION_BATCH_SIZE = 64;

/** The construct path or function, and the field, named when a batch size is refused. */
export interface BatchSizeField {
  /** Construct path or function name, e.g. `PulumiPlatform platform`. */
  readonly scope: string;
  /** The option that carries the batch size, e.g. `registrationBatchSize`. */
  readonly field: string;
}

function checkBatchSize(batchSize: number, where: BatchSizeField): void {
  if (!Number.isSafeInteger(batchSize) || batchSize < 0)
    invalidProp(
      where.scope,
      where.field,
      batchSize,
      'a whole number of resources per turn, 0 or more (0: all at once)',
    );
}

/**
 * Releases a loop's registrations in batches of `batchSize`, one batch per event-loop turn.
 *
 * Why: `@pulumi/pulumi` starts a resource's registration in its constructor and walks its inputs
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
    where: BatchSizeField = { scope: 'RegistrationPacer', field: 'batchSize' },
  ) {
    checkBatchSize(batchSize, where);
  }

  /**
   * `dependsOn` for the next registration: `resources`, plus the release of its batch from the
   * second batch on. The release is typed as a resource for `@pulumi/pulumi`'s option type; it
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

/**
 * Creates a loop's resources in order, `batchSize` per event-loop turn from the turn after
 * {@link CreationQueue.start}, and at once, up to the one asked for, whenever code reads one
 * ({@link CreationQueue.createThrough}).
 *
 * Why: `@pulumi/pulumi`'s constructor starts a registration and keeps about 60 KB of promises,
 * outputs and their labels per resource until that registration completes. A constructor that
 * creates tens of thousands of resources keeps all of that live at once, and the young-generation
 * collections that copy it grow faster than the resources (docs/performance.md, "Pulumi: resources
 * created in batches"). Created a batch per turn, each batch's registrations complete (under the
 * mocks, or wait on the engine) before the next batch exists. The order of creation, and so of
 * registration, is the order the steps were added in, whoever triggers them.
 *
 * A batch size of 0 creates everything in {@link CreationQueue.start}. Creation waits on
 * `setImmediate`: a test that fakes timers must let it run, or use 0.
 */
export class CreationQueue {
  /** Resolves once every step has run; rejects with the error that stopped a step. */
  public readonly created: Promise<void>;
  private readonly steps: (() => void)[] = [];
  private next = 0;
  private started = false;
  private running = false;
  private failure: { readonly error: unknown } | undefined;
  private settle!: { resolve: () => void; reject: (error: unknown) => void };

  constructor(
    private readonly batchSize: number = REGISTRATION_BATCH_SIZE,
    where: BatchSizeField = { scope: 'CreationQueue', field: 'batchSize' },
  ) {
    checkBatchSize(batchSize, where);
    this.created = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
    // A failure is the reader's or `created`'s to report: never an unhandled rejection on its own.
    this.created.catch(() => undefined);
  }

  /** Adds a step (one resource's creation) and returns its position. */
  public add(step: () => void): number {
    if (this.started) invalidProp('CreationQueue', 'add', 'a step after start()', 'steps added before start()');
    return this.steps.push(step) - 1;
  }

  /** Creates everything now with a batch size of 0, else schedules the first batch for the next turn. */
  public start(): void {
    this.started = true;
    if (this.batchSize === 0) this.createThrough(this.steps.length - 1);
    else this.schedule();
  }

  /**
   * Runs every step up to `index` (or the last) that has not run, in order, now; rethrows the error
   * that stopped an earlier step. Steps run at {@link REGISTRATION_STACK_TRACE_LIMIT}.
   */
  public createThrough(index: number): void {
    if (this.failure) throw this.failure.error;
    const last = Math.min(index, this.steps.length - 1);
    if (last < this.next) return this.resolveWhenDone();
    // A read from inside a step (a transformation reading the resources) would create later
    // resources before the current one exists, out of order and without its dependencies.
    if (this.running)
      invalidProp(
        'CreationQueue',
        'createThrough',
        `step ${last} while step ${this.next - 1} runs`,
        'reads of resources already created, from inside a creation (a transformation)',
      );
    this.running = true;
    try {
      withRegistrationStackTraces(() => {
        while (this.next <= last) this.steps[this.next++]();
      });
    } catch (error) {
      this.failure = { error };
      this.settle.reject(error);
      throw error;
    } finally {
      this.running = false;
    }
    this.resolveWhenDone();
  }

  /** Runs every remaining step now. */
  public createAll(): void {
    this.createThrough(this.steps.length - 1);
  }

  private schedule(): void {
    setImmediate(() => {
      try {
        this.createThrough(Math.min(this.steps.length, this.next + this.batchSize) - 1);
      } catch {
        return; // `created` carries the error
      }
      if (this.next < this.steps.length) this.schedule();
    });
  }

  private resolveWhenDone(): void {
    if (this.next === this.steps.length) this.settle.resolve();
  }
}

/**
 * A map whose entries are known up front and created on first read: `get` creates the entry and
 * every step queued before it, iteration creates them all; `has`, `size` and `keys` create nothing.
 * @typeParam K the key (an object key such as `agents/Deployment/assistant`)
 * @typeParam V the created value (a Pulumi resource)
 */
export class CreatedOnReadMap<K, V> implements ReadonlyMap<K, V> {
  constructor(
    private readonly backing: ReadonlyMap<K, V>,
    private readonly stepOf: ReadonlyMap<K, number>,
    private readonly queue: CreationQueue,
  ) {}

  /** Every planned entry, created or not. */
  public get size(): number {
    return this.stepOf.size;
  }

  /** Whether `key` is planned (created or not); creates nothing. */
  public has(key: K): boolean {
    return this.stepOf.has(key);
  }

  /** The entry of `key`, created now (with every step queued before it) if it was not; undefined for a key not planned. */
  public get(key: K): V | undefined {
    const step = this.stepOf.get(key);
    if (step === undefined) return undefined;
    this.queue.createThrough(step);
    return this.backing.get(key);
  }

  /** Every planned key, in order; creates nothing. */
  public keys(): MapIterator<K> {
    return this.stepOf.keys();
  }

  /** Every value, in order, after creating them all. */
  public values(): MapIterator<V> {
    this.queue.createAll();
    return this.backing.values();
  }

  /** Every entry, in order, after creating them all. */
  public entries(): MapIterator<[K, V]> {
    this.queue.createAll();
    return this.backing.entries();
  }

  /** Every entry, in order, after creating them all. */
  public [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  /** Calls `callback` for every entry, in order, after creating them all. */
  public forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
  }
}
