// The one Docker events stream a DockerRuntime listens on: container events of this node's
// containers (label shoal.node.id=<nodeId>). Exits are learned here, not by polling.
//
// A stream breaks when dockerd restarts or the socket hiccups. It is then reopened with
// `since` = the second of the last event seen, so Docker replays what happened in the gap;
// events already handled are dropped by their timestamp. `onReconnect` lets the runtime
// re-inspect what it watches, in case the gap outlasted Docker's event buffer.

import type Docker from 'dockerode';
import type { Logger } from 'pino';
import { LineSplitter } from './lines.js';

/** The fields of a Docker event this runtime uses. */
export interface DockerEvent {
  readonly Type?: string;
  /** "die", "oom", "health_status: healthy", ... */
  readonly Action?: string;
  readonly Actor?: { readonly ID?: string; readonly Attributes?: Record<string, string> };
  readonly time?: number;
  readonly timeNano?: number;
}

export interface DockerEventsOptions {
  readonly docker: Docker;
  readonly nodeId: string;
  readonly logger: Logger;
  readonly onEvent: (e: DockerEvent) => void;
  readonly onReconnect: () => void;
}

const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 5_000;

export class DockerEvents {
  private stream: NodeJS.ReadableStream | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryMs = RETRY_MIN_MS;
  /** Seconds since the epoch of the newest event seen: where a reopened stream resumes. */
  private lastSeen = Math.floor(Date.now() / 1000);
  /** The newest event handled (Docker's timeNano), and which ones carried exactly that time. */
  private lastNano = 0;
  private readonly seenAtLastNano = new Set<string>();
  private closed = false;
  private broken = false;

  constructor(private readonly o: DockerEventsOptions) {}

  /** Opens the stream; rejects when the engine cannot be reached (the caller says why). */
  async open(): Promise<void> {
    const stream = await this.o.docker.getEvents({
      since: this.lastSeen,
      filters: { type: ['container'], label: [`shoal.node.id=${this.o.nodeId}`] },
    });
    if (this.closed) {
      destroy(stream);
      return;
    }
    this.stream = stream;
    const lines = new LineSplitter();
    stream.on('data', (chunk: Buffer) => {
      for (const line of lines.push(chunk)) this.handle(line);
    });
    let ended = false;
    const onBreak = (err?: Error): void => {
      if (ended) return;
      ended = true;
      if (this.stream === stream) this.stream = undefined;
      if (this.closed) return;
      this.o.logger.warn({ err: err?.message }, 'the Docker events stream broke; reopening it');
      this.broken = true;
      this.scheduleReopen();
    };
    stream.on('end', () => onBreak());
    stream.on('close', () => onBreak());
    stream.on('error', (e: Error) => onBreak(e));
  }

  private handle(line: string): void {
    if (line.trim() === '') return;
    let e: DockerEvent;
    try {
      e = JSON.parse(line) as DockerEvent;
    } catch {
      this.o.logger.warn({ line: line.slice(0, 200) }, 'ignoring a Docker event that is not JSON');
      return;
    }
    if (e.timeNano !== undefined) {
      // A reopened stream replays from a whole second back: drop what was already handled,
      // or an old health status could be reported again after a newer one. (timeNano exceeds
      // 2^53, so JSON.parse rounds it to ~256 ns: order survives, ties are told apart by key.)
      const key = `${e.Actor?.ID ?? ''} ${e.Action ?? ''}`;
      if (e.timeNano < this.lastNano || (e.timeNano === this.lastNano && this.seenAtLastNano.has(key))) return;
      if (e.timeNano > this.lastNano) {
        this.lastNano = e.timeNano;
        this.seenAtLastNano.clear();
      }
      this.seenAtLastNano.add(key);
      this.lastSeen = Math.floor(e.timeNano / 1e9);
    }
    this.o.onEvent(e);
  }

  private scheduleReopen(): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.open().then(
        () => {
          if (this.closed) return;
          this.retryMs = RETRY_MIN_MS;
          if (this.broken) {
            this.broken = false;
            this.o.logger.info('the Docker events stream is back');
            this.o.onReconnect();
          }
        },
        (e: Error) => {
          this.o.logger.debug({ err: e.message }, 'the Docker engine is still unreachable');
          this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
          this.scheduleReopen();
        },
      );
    }, this.retryMs);
    this.retryTimer.unref();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.stream) destroy(this.stream);
    this.stream = undefined;
  }
}

function destroy(stream: NodeJS.ReadableStream): void {
  (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
}
