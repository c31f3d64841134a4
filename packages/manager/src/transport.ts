// The gRPC peer transport between managers (proto/raft.proto).
//
// Outbound: one long-lived client stream per peer. Messages queue per peer and leave as one
// Batch per event-loop turn. A broken stream is reported to Raft as "unreachable" (so it stops
// streaming appends optimistically) and reopened with capped exponential backoff; what was
// queued meanwhile is dropped — Raft retransmits whatever matters.
// Snapshots go as chunks below the gRPC message limit; once the last chunk is handed to the
// stream the transfer is reported done, a broken stream mid-transfer reports it failed.
//
// Inbound: the sender must present a manager certificate from our CA, and every message must
// name that certificate's node id as `from`. Anything else is dropped and logged. Every batch
// carries the sender's cluster incarnation; a batch of another incarnation (a manager left over
// from before a --force-new-cluster recovery, or one recovered apart from us) is dropped whole,
// with a throttled warning saying what to do. A sender the store knows was demoted or removed
// is refused with REMOVED (TransportOptions.callerStanding), and a manager refused that way
// learns it through TransportEvents.onRemoved. Raft membership is checked one level up (RaftHost).

import * as grpc from '@grpc/grpc-js';
import { channelCredentials, peerIdentity, TLS_CHANNEL_OPTIONS, type CertIdentity, type TlsMaterial } from '@shoal/identity';
import { MessageType, SnapshotAssembler, splitSnapshot, type Message, type NodeId } from '@shoal/raft';
import {
  CLIENT_OPTIONS,
  EndOfTurn,
  raftProto,
  readErrorCode,
  type Batch,
  type Batch__Output,
  type Envelope,
  type RaftTransportClient,
  type RaftTransportHandlers,
} from '@shoal/wire';
import type { Logger } from 'pino';
import { chunkFromWire, chunkToWire, messageFromWire, messageToWire } from './raft-codec.js';
import { standingError, type Standing } from './caller-standing.js';
import { ThrottledWarnings } from './throttled-warnings.js';

export const SNAPSHOT_CHUNK_BYTES = 1 << 20;
const MAX_QUEUED_ENVELOPES = 10_000;
const BACKOFF_MIN_MS = 20;
const BACKOFF_MAX_MS = 1000;

export interface TransportEvents {
  /** A message (or a reassembled snapshot) arrived from an authenticated peer. */
  onMessage(m: Message): void;
  onUnreachable(peer: NodeId): void;
  onSnapshotStatus(peer: NodeId, ok: boolean): void;
  /** A peer refused us because its store says we were demoted or removed (REMOVED). */
  onRemoved?(reason: string): void;
}

export interface TransportOptions {
  readonly selfId: NodeId;
  readonly tls: TlsMaterial;
  readonly logger: Logger;
  readonly events: TransportEvents;
  readonly chunkBytes?: number;
  /** Our cluster incarnation (LevelStorage.incarnation; '' = the original): stamped on every batch, required of every batch received. */
  readonly incarnation: string;
  /** Whether a sender's certificate still stands (caller-standing.ts); checked per stream and per batch. */
  readonly callerStanding?: (identity: CertIdentity) => Standing;
}

/** How an incarnation shows in logs. */
export function describeIncarnation(id: string): string {
  return id === '' ? 'the original cluster' : `incarnation ${id}`;
}

/** One peer: its client, its stream, its queue. */
class PeerLink {
  private client: RaftTransportClient;
  private stream: grpc.ClientWritableStream<Batch> | undefined;
  private queue: Envelope[] = [];
  private readonly flushSoon = new EndOfTurn(() => this.flush());
  private backoffMs = BACKOFF_MIN_MS;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private waitingForDrain = false;
  /** Snapshot transfers whose chunks are queued or in flight. */
  private snapshotsInFlight = 0;
  private closed = false;
  /** When the stream last opened (0 = down). */
  connectedSince = 0;

  /** The credentials `client` was made with; a reconnect after a renewal makes a new client. */
  private clientTls: TlsMaterial;

  constructor(
    readonly id: NodeId,
    readonly addr: string,
    private readonly opts: TransportOptions,
    private readonly currentTls: () => TlsMaterial,
  ) {
    this.clientTls = currentTls();
    this.client = this.newClient();
    this.open();
  }

  private newClient(): RaftTransportClient {
    const RaftTransport = raftProto().RaftTransport;
    return new RaftTransport(this.addr, channelCredentials(this.clientTls, 'manager'), {
      ...CLIENT_OPTIONS,
      ...TLS_CHANNEL_OPTIONS,
      // Notice a dead peer quickly even when no message is due.
      'grpc.keepalive_time_ms': 1000,
      'grpc.keepalive_timeout_ms': 1000,
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.initial_reconnect_backoff_ms': BACKOFF_MIN_MS,
      'grpc.max_reconnect_backoff_ms': BACKOFF_MAX_MS,
    });
  }

  reachable(): boolean {
    return this.stream !== undefined && this.client.getChannel().getConnectivityState(false) === grpc.connectivityState.READY;
  }

  send(m: Message): void {
    if (this.closed) return;
    if (m.type === MessageType.Snap && m.snapshot) {
      if (!this.stream) {
        this.opts.events.onSnapshotStatus(this.id, false);
        return;
      }
      const chunks = splitSnapshot(m, this.opts.chunkBytes ?? SNAPSHOT_CHUNK_BYTES);
      this.snapshotsInFlight++;
      chunks.forEach((c, i) => {
        const last = i === chunks.length - 1;
        this.enqueue({ chunk: chunkToWire(c) }, last ? () => this.snapshotSent(true) : undefined);
      });
      return;
    }
    if (!this.stream) return; // dropped; Raft retransmits (and knows we are unreachable)
    this.enqueue({ message: messageToWire(m) });
  }

  private readonly afterWrite: (() => void)[] = [];

  private enqueue(e: Envelope, done?: () => void): void {
    if (this.queue.length >= MAX_QUEUED_ENVELOPES) {
      this.fail(new Error(`more than ${MAX_QUEUED_ENVELOPES} messages queued for ${this.id}`));
      return;
    }
    this.queue.push(e);
    if (done) this.afterWrite.push(done);
    this.flushSoon.request();
  }

  private snapshotSent(ok: boolean): void {
    if (this.snapshotsInFlight === 0) return;
    this.snapshotsInFlight--;
    this.opts.events.onSnapshotStatus(this.id, ok);
  }

  private flush(): void {
    const stream = this.stream;
    if (!stream || this.waitingForDrain || this.queue.length === 0) return;
    // A chunk is as large as a message may be: send chunks one per batch, messages together.
    let n = 0;
    let bytes = 0;
    while (n < this.queue.length) {
      const e = this.queue[n]!;
      const size = e.chunk ? (e.chunk.data as Buffer).byteLength : 0;
      if (n > 0 && bytes + size > (this.opts.chunkBytes ?? SNAPSHOT_CHUNK_BYTES)) break;
      bytes += size;
      n++;
    }
    const envelopes = this.queue.splice(0, n);
    const callbacks = this.queue.length === 0 ? this.afterWrite.splice(0) : [];
    const ok = stream.write({ envelopes, incarnation: this.opts.incarnation } satisfies Batch, () => {
      for (const cb of callbacks) cb();
    });
    if (!ok) {
      this.waitingForDrain = true;
      stream.once('drain', () => {
        this.waitingForDrain = false;
        this.flush();
      });
    } else if (this.queue.length > 0) {
      this.flushSoon.request();
    }
  }

  private open(): void {
    if (this.closed) return;
    if (this.clientTls !== this.currentTls()) {
      // The certificate was renewed since this client was made: the old one may expire before
      // the channel next reconnects, so new streams go over a channel with the new one.
      this.client.close();
      this.clientTls = this.currentTls();
      this.client = this.newClient();
    }
    const stream = this.client.Stream((err) => {
      // The call ended: the peer went away, restarted, or refused us.
      if (err && err.code === grpc.status.PERMISSION_DENIED && readErrorCode(err) === 'REMOVED') {
        this.opts.events.onRemoved?.(err.details);
      }
      if (this.stream === stream) this.fail(err ?? new Error('stream closed by peer'));
    });
    stream.on('error', () => {
      /* reported through the callback above */
    });
    this.stream = stream;
    this.connectedSince = Date.now();
    this.waitingForDrain = false;
    this.flush();
    // The stream counts as healthy once the channel is ready; reset the backoff then.
    this.client.getChannel().watchConnectivityState(grpc.connectivityState.IDLE, Date.now() + 60_000, () => {
      if (this.reachable()) this.backoffMs = BACKOFF_MIN_MS;
    });
  }

  private fail(err: Error): void {
    if (this.closed) return;
    const wasUp = this.stream !== undefined;
    this.stream?.removeAllListeners('drain');
    this.stream = undefined;
    this.connectedSince = 0;
    this.queue = [];
    this.afterWrite.length = 0;
    while (this.snapshotsInFlight > 0) this.snapshotSent(false);
    if (wasUp) {
      this.opts.logger.debug({ peer: this.id, addr: this.addr, err: err.message }, 'peer stream broke');
      this.opts.events.onUnreachable(this.id);
    }
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => this.open(), this.backoffMs);
    this.backoffMs = Math.min(BACKOFF_MAX_MS, this.backoffMs * 2);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    const s = this.stream;
    this.stream = undefined;
    s?.end();
    this.client.close();
  }
}

export class PeerTransport {
  private readonly links = new Map<NodeId, PeerLink>();
  private readonly assemblers = new Map<NodeId, SnapshotAssembler>();
  /** When we last received anything from each peer. */
  private readonly lastHeard = new Map<NodeId, number>();
  private readonly warnings: ThrottledWarnings;
  /** This manager's credentials for dialling peers; replaced on certificate renewal. */
  private tls: TlsMaterial;

  constructor(private readonly opts: TransportOptions) {
    this.warnings = new ThrottledWarnings(opts.logger);
    this.tls = opts.tls;
  }

  /**
   * Dials with `tls` from now on (a renewed certificate). Open streams carry on; each moves to
   * the new credentials when it next reconnects.
   */
  setTls(tls: TlsMaterial): void {
    this.tls = tls;
  }

  /** Keeps one link per peer in `peers` (id → address); links to others are closed. */
  setPeers(peers: ReadonlyMap<NodeId, string>): void {
    for (const [id, link] of this.links) {
      if (peers.get(id) !== link.addr) {
        link.close();
        this.links.delete(id);
      }
    }
    for (const [id, addr] of peers) {
      if (id === this.opts.selfId || this.links.has(id) || !addr) continue;
      this.links.set(id, new PeerLink(id, addr, this.opts, () => this.tls));
    }
  }

  send(msgs: readonly Message[]): void {
    for (const m of msgs) {
      const link = this.links.get(m.to);
      if (link) link.send(m);
      else if (m.type === MessageType.Snap) this.opts.events.onSnapshotStatus(m.to, false);
    }
  }

  /** Whether our stream to `peer` is up. */
  reachable(peer: NodeId): boolean {
    return this.links.get(peer)?.reachable() ?? false;
  }

  lastHeardFrom(peer: NodeId): number | undefined {
    return this.lastHeard.get(peer);
  }

  /** The server half: register on the manager's gRPC server. */
  handlers(): RaftTransportHandlers {
    return {
      Stream: (call, callback) => {
        let identity;
        try {
          identity = peerIdentity(call);
        } catch (e) {
          callback({ code: grpc.status.UNAUTHENTICATED, details: (e as Error).message });
          return;
        }
        if (!identity || identity.role !== 'manager') {
          callback({ code: grpc.status.PERMISSION_DENIED, details: 'only managers of this cluster may send Raft messages' });
          return;
        }
        const peer = identity.nodeId;
        // A demoted or removed manager's certificate is still valid TLS: ask the store on every
        // batch, since a stream outlives the removal that should end it.
        let refused = false;
        const stands = (): boolean => {
          const standing = this.opts.callerStanding?.(identity);
          if (!standing || standing.ok) return true;
          refused = true;
          this.warnings.warn(`standing:${peer}`, { peer, reason: standing.reason }, 'refusing Raft messages from a manager that is no longer one');
          call.removeAllListeners('data');
          callback(standingError(standing).toServiceError());
          return false;
        };
        // Judged per batch, and only for batches of our own incarnation: what this store says
        // of a manager of another incarnation (left out by --force-new-cluster) is no order for
        // it to stop; those batches are dropped with their own warning (receive()).
        call.on('data', (batch: Batch__Output) => {
          if (refused) return;
          if (batch.incarnation !== this.opts.incarnation || stands()) this.receive(peer, batch);
        });
        call.on('end', () => {
          if (!refused) callback(null, {});
        });
        call.on('error', () => {
          /* the peer went away; it reconnects */
        });
      },
    };
  }

  private receive(peer: NodeId, batch: Batch__Output): void {
    if (batch.incarnation !== this.opts.incarnation) {
      const theirs = describeIncarnation(batch.incarnation.slice(0, 64)); // untrusted: bounded for the log
      const ours = describeIncarnation(this.opts.incarnation);
      this.warnings.warn(
        `incarnation:${peer}`,
        { peer, theirs, ours },
        `dropping Raft messages from manager ${peer}: it belongs to another incarnation of this cluster (${theirs}; ` +
          `this manager: ${ours}), so one of the two was recovered with --force-new-cluster. This is a message from a ` +
          'manager of an older incarnation of this cluster (before --force-new-cluster) unless this manager is the old one: ' +
          "remove the old manager's data directory and join it again (`shoal manager join` with a token of the recovered cluster)",
      );
      return;
    }
    this.lastHeard.set(peer, Date.now());
    for (const e of batch.envelopes) {
      try {
        if (e.message) {
          const m = messageFromWire(e.message);
          if (m.from !== peer || m.to !== this.opts.selfId) throw new Error(`message from ${m.from} to ${m.to} on ${peer}'s stream`);
          this.opts.events.onMessage(m);
        } else if (e.chunk) {
          const c = chunkFromWire(e.chunk);
          if (c.from !== peer || c.to !== this.opts.selfId) throw new Error(`snapshot chunk from ${c.from} on ${peer}'s stream`);
          let asm = this.assemblers.get(peer);
          if (!asm) this.assemblers.set(peer, (asm = new SnapshotAssembler()));
          const snap = asm.add(c);
          if (snap) this.opts.events.onMessage(snap);
        }
      } catch (err) {
        this.opts.logger.warn({ peer, err: (err as Error).message }, 'dropping a malformed Raft message');
      }
    }
  }

  close(): void {
    for (const link of this.links.values()) link.close();
    this.links.clear();
  }
}
