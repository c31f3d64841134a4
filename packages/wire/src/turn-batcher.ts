// Control.Pipeline's batching, the same on both ends of the stream: items queued in one turn of
// the event loop leave together as one message at its end. Every stream message is a DATA
// frame, a TLS record and a socket write of its own, which under load cost more CPU than the
// calls themselves. A batch whose payload passes `maxBytes` leaves at once (messages stay far
// under the limit), and an item nothing can join (the only call in flight) leaves at once too.

export class TurnBatcher<T> {
  private items: T[] = [];
  private bytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly send: (items: T[]) => void,
  ) {}

  /** Queues `item` of `bytes` payload; `alone`: nothing else can join it, send it now. */
  add(item: T, bytes: number, alone: boolean): void {
    if (this.items.length > 0 && this.bytes + bytes > this.maxBytes) this.flush();
    if (this.items.length === 0 && !alone) setImmediate(() => this.flush());
    this.items.push(item);
    this.bytes += bytes;
    if (alone && this.items.length === 1) this.flush();
  }

  /** Sends what is queued (nothing when empty). */
  flush(): void {
    if (this.items.length === 0) return;
    const items = this.items;
    this.drop();
    this.send(items);
  }

  /** Forgets what is queued (its stream is gone). */
  drop(): void {
    this.items = [];
    this.bytes = 0;
  }
}
