// "Do this once, when the current turn of the event loop is over": the coalescing that the
// dispatcher, the transport, RaftHost and the agent all need for bursts. Everything that asks
// during one turn (a burst of store events, of reports, of queued messages) is served by one
// run at its end, after the I/O of that turn, instead of one run per ask.

export class EndOfTurn {
  private queued = false;

  constructor(private readonly run: () => void) {}

  /** Whether a run is queued and has not started yet. */
  get pending(): boolean {
    return this.queued;
  }

  /** Queues one run at the end of this turn; asking again before it starts changes nothing. */
  request(): void {
    if (this.queued) return;
    this.queued = true;
    setImmediate(() => {
      this.queued = false;
      this.run();
    });
  }
}
