/**
 * A hand-off between a producer that pushes and a consumer that pulls, for conversions
 * whose output is made while the input is read (a writer fed by a streaming reader,
 * `OutputPlugin.streamTimeline`): the reader pulls input chunks at its own pace, the
 * consumer (a file, stdout) pulls output chunks at its own. The producer calls `emit`
 * with what it made and waits until the consumer has taken all of it, so at most one
 * batch is held; when the consumer stops early (an error while writing, `| head`), the
 * producer's next `emit` throws `HandoffStopped` and the producer is awaited, so whatever
 * it opened (an input stream) is closed before the consumer's `return()` settles.
 */

/** What `emit` throws once the consumer has stopped. */
export class HandoffStopped extends Error {
  override readonly name = 'HandoffStopped';
  constructor() {
    super('the output was closed before it was complete');
  }
}

/** Passes `items` to the consumer; resolves once it has taken them. */
export type Emit<T> = (items: readonly T[]) => Promise<void>;

/**
 * The items `produce` emits, as an async iterable. `produce` runs when the iteration
 * starts; its error ends the iteration with that error.
 */
export async function* handoff<T>(produce: (emit: Emit<T>) => Promise<void>): AsyncGenerator<T> {
  let batch: readonly T[] = [];
  let finished = false;
  let failed = false;
  let failure: unknown;
  let stopped = false;
  let wakeConsumer: (() => void) | undefined;
  let producerWaits: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  const emit: Emit<T> = (items) => {
    if (stopped) return Promise.reject(new HandoffStopped());
    if (items.length === 0) return Promise.resolve();
    batch = items;
    return new Promise<void>((resolve, reject) => {
      producerWaits = { resolve, reject };
      const wake = wakeConsumer;
      wakeConsumer = undefined;
      wake?.();
    });
  };
  const wakeUp = () => {
    const wake = wakeConsumer;
    wakeConsumer = undefined;
    wake?.();
  };
  const running = produce(emit).then(
    () => {
      finished = true;
      wakeUp();
    },
    (error: unknown) => {
      failed = true;
      failure = error;
      wakeUp();
    },
  );
  try {
    for (;;) {
      if (batch.length > 0) {
        const items = batch;
        batch = [];
        for (const item of items) yield item;
        const waiting = producerWaits;
        producerWaits = undefined;
        waiting?.resolve();
        continue;
      }
      if (failed) throw failure;
      if (finished) return;
      await new Promise<void>((resolve) => {
        wakeConsumer = resolve;
      });
    }
  } finally {
    if (!finished && !failed) {
      stopped = true;
      const waiting = producerWaits;
      producerWaits = undefined;
      waiting?.reject(new HandoffStopped());
      await running;
    }
  }
}
