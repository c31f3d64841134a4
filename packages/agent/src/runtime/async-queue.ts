// A push source (stream callbacks, event handlers) read as an async iterable, so `logs()` can
// hand out lines as they come without buffering a whole log.

export class AsyncQueue<T> implements AsyncIterable<T> {
  private items: T[] = [];
  private head = 0; // index of the next item to read: avoids O(n) shift() on long logs
  private waiting: (() => void) | undefined;
  private done = false;
  private failure: Error | undefined;

  push(item: T): void {
    if (this.done) return;
    this.items.push(item);
    this.wake();
  }

  /** Items queued but not read yet: a producer can pause its source when this grows. */
  get backlog(): number {
    return this.items.length - this.head;
  }

  /** No more items; the reader finishes once it has taken the ones queued. */
  end(error?: Error): void {
    if (this.done) return;
    this.done = true;
    this.failure = error;
    this.wake();
  }

  private wake(): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      if (this.head < this.items.length) {
        const item = this.items[this.head++] as T;
        if (this.head === this.items.length) {
          this.items = [];
          this.head = 0;
        }
        yield item;
        continue;
      }
      if (this.done) {
        if (this.failure) throw this.failure;
        return;
      }
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
  }
}
