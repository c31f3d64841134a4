// How the workload reaches the managers: one gRPC client per address, reads sent to any
// manager (spread over all of them, so a follower's reads are exercised too), writes sent to the
// leader AT MOST ONCE.
//
// ControlConnection (@shoal/cli) fails over to the next manager after any UNAVAILABLE, even
// one that came after the request left: right for a user at a terminal, wrong for a history,
// where a write resent after an unknown outcome may apply twice, and a versioned write resent
// after it applied comes back as a conflict that would be recorded as "not applied". So a write
// here is resent only after an answer that proves it was not applied (NOT_LEADER, a refusal
// before proposing); every other failure after sending is an unknown outcome.

import * as grpc from '@grpc/grpc-js';
import type { Credentials } from '@shoal/cli';
import { TLS_CHANNEL_OPTIONS, channelCredentials } from '@shoal/identity/tls';
import {
  CLIENT_OPTIONS,
  controlProto,
  readErrorCode,
  readLeaderAddr,
  type ControlClient,
  type ControlMethod,
  type RequestOf,
  type ResponseOf,
} from '@shoal/wire';

/** The outcome of one call: its answer, a certain refusal (nothing applied), or unknown. */
export type CallOutcome<T> =
  | { readonly kind: 'ok'; readonly value: T; readonly addr: string }
  | { readonly kind: 'refused'; readonly code: string; readonly message: string; readonly addr?: string }
  | { readonly kind: 'unknown'; readonly code: string; readonly message: string; readonly addr?: string };

/** How long a channel may take to connect before the next manager is tried (nothing was sent). */
const CONNECT_BUDGET_MS = 500;
/** Pause before another round while a leader is being elected. */
const ELECTION_PAUSE_MS = 50;

/**
 * Answers that prove a write was not applied: refused before proposing, or refused by the
 * store when the entry applied (a version conflict, a taken name, a bad spec).
 */
const DEFINITE_REFUSALS = new Set([
  'NOT_LEADER',
  'INVALID_ARGUMENT',
  'FAILED_PRECONDITION',
  'UPDATE_OUT_OF_SEQUENCE',
  'NOT_FOUND',
  'NAME_TAKEN',
  'ALREADY_EXISTS',
  'PORT_IN_USE',
  'PERMISSION_DENIED',
  'UNAUTHENTICATED',
  'REMOVED',
]);

/**
 * Whether an error proves the write was not applied. NO_QUORUM is raised before proposing
 * ("no leader is elected", "cannot commit", a proposal the Raft core dropped), except when a
 * proposal timed out without a quorum: that one says it "may still be applied". TIMEOUT,
 * STOPPED (also sent to proposals in flight at shutdown) and INTERNAL are unknown.
 */
export function provesNotApplied(code: string, message: string): boolean {
  if (DEFINITE_REFUSALS.has(code)) return true;
  if (code === 'NO_QUORUM') return !/may still be applied|not committed within/.test(message);
  return false;
}

/** Worth another attempt within the deadline: the cluster is between leaders. */
function transient(code: string): boolean {
  return code === 'NOT_LEADER' || code === 'NO_QUORUM';
}

export class ManagerCaller {
  private readonly clients = new Map<string, ControlClient>();
  private leader: string | undefined;
  private nextRead = 0;

  constructor(
    readonly hosts: readonly string[],
    private readonly creds: Credentials,
  ) {}

  private client(addr: string): ControlClient {
    let c = this.clients.get(addr);
    if (!c) {
      const Control = controlProto().Control;
      c = new Control(addr, channelCredentials({ caPem: this.creds.caPem, certPem: this.creds.certPem, keyPem: this.creds.keyPem }, 'manager'), {
        ...CLIENT_OPTIONS,
        ...TLS_CHANNEL_OPTIONS,
        'grpc.initial_reconnect_backoff_ms': 100,
        'grpc.max_reconnect_backoff_ms': 1000,
      }) as unknown as ControlClient;
      this.clients.set(addr, c);
    }
    return c;
  }

  /** Whether the channel to `addr` is (or becomes, within the budget) READY: nothing is sent otherwise. */
  private async ready(addr: string, deadline: number): Promise<boolean> {
    const channel = (this.client(addr) as unknown as grpc.Client).getChannel();
    const until = Math.min(deadline, Date.now() + CONNECT_BUDGET_MS);
    for (;;) {
      const state = channel.getConnectivityState(true);
      if (state === grpc.connectivityState.READY) return true;
      if (state === grpc.connectivityState.SHUTDOWN || Date.now() >= until) return false;
      const changed = await new Promise<boolean>((resolve) => channel.watchConnectivityState(state, until, (e) => resolve(!e)));
      if (!changed) return false;
    }
  }

  private send<M extends ControlMethod>(addr: string, method: M, req: RequestOf<M>, deadline: number): Promise<ResponseOf<M>> {
    const client = this.client(addr) as unknown as Record<
      string,
      (req: object, md: grpc.Metadata, opts: grpc.CallOptions, cb: (e: grpc.ServiceError | null, r: ResponseOf<M>) => void) => void
    >;
    return new Promise((resolve, reject) => {
      client[method]!.call(client, req as object, new grpc.Metadata(), { deadline }, (e, r) => (e ? reject(e) : resolve(r)));
    });
  }

  /**
   * A write, sent at most once to a manager that may apply it. Managers that are not connected
   * are passed over (nothing sent); a NOT_LEADER answer sends it to the leader named; a refusal
   * before proposing (no leader yet) is tried again after a pause until the deadline.
   */
  async write<M extends ControlMethod>(method: M, req: RequestOf<M>, timeoutMs: number): Promise<CallOutcome<ResponseOf<M>>> {
    const deadline = Date.now() + timeoutMs;
    let last: CallOutcome<never> = { kind: 'refused', code: 'UNAVAILABLE', message: 'no manager could be reached (nothing was sent)' };
    while (Date.now() < deadline) {
      const order = [...new Set([...(this.leader ? [this.leader] : []), ...this.hosts])];
      let retryAt: string | undefined;
      for (let i = 0; i < order.length && Date.now() < deadline; i++) {
        const addr = order[i]!;
        if (!(await this.ready(addr, deadline))) {
          if (addr === this.leader) this.leader = undefined;
          continue;
        }
        try {
          const value = await this.send(addr, method, req, deadline);
          this.leader = addr;
          return { kind: 'ok', value, addr };
        } catch (err) {
          const e = err as grpc.ServiceError;
          const code = readErrorCode(e) ?? grpc.status[e.code] ?? String(e.code);
          const message = e.details || e.message;
          if (!provesNotApplied(code, message)) return { kind: 'unknown', code, message, addr };
          last = { kind: 'refused', code, message, addr };
          if (!transient(code)) return last;
          const named = readLeaderAddr(e);
          if (code === 'NOT_LEADER' && named && named !== addr) {
            this.leader = named;
            retryAt = named;
            break;
          }
          if (addr === this.leader) this.leader = undefined;
        }
      }
      if (retryAt) continue;
      await new Promise((r) => setTimeout(r, ELECTION_PAUSE_MS));
    }
    return last;
  }

  /**
   * A read on one manager, chosen round-robin (followers too: their linearizable reads go
   * through the ReadIndex round). Reads change nothing, so every failure is a refusal.
   */
  async read<M extends ControlMethod>(method: M, req: RequestOf<M>, timeoutMs: number): Promise<CallOutcome<ResponseOf<M>>> {
    const deadline = Date.now() + timeoutMs;
    const start = this.nextRead++ % this.hosts.length;
    let last: CallOutcome<never> = { kind: 'refused', code: 'UNAVAILABLE', message: 'no manager could be reached' };
    for (let i = 0; i < this.hosts.length && Date.now() < deadline; i++) {
      const addr = this.hosts[(start + i) % this.hosts.length]!;
      if (!(await this.ready(addr, deadline))) continue;
      try {
        return { kind: 'ok', value: await this.send(addr, method, req, deadline), addr };
      } catch (err) {
        const e = err as grpc.ServiceError;
        const code = readErrorCode(e) ?? grpc.status[e.code] ?? String(e.code);
        last = { kind: 'refused', code, message: e.details || e.message, addr };
        // An answer about the object itself holds on every manager: no point asking another.
        if (code === 'NOT_FOUND') return last;
      }
    }
    return last;
  }

  /** One call to one manager (no failover): for asking each manager what it sees. */
  async at<M extends ControlMethod>(addr: string, method: M, req: RequestOf<M>, timeoutMs: number): Promise<CallOutcome<ResponseOf<M>>> {
    const deadline = Date.now() + timeoutMs;
    if (!(await this.ready(addr, deadline))) return { kind: 'refused', code: 'UNAVAILABLE', message: `${addr}: no connection`, addr };
    try {
      return { kind: 'ok', value: await this.send(addr, method, req, deadline), addr };
    } catch (err) {
      const e = err as grpc.ServiceError;
      const code = readErrorCode(e) ?? grpc.status[e.code] ?? String(e.code);
      const message = e.details || e.message;
      return provesNotApplied(code, message) ? { kind: 'refused', code, message, addr } : { kind: 'unknown', code, message, addr };
    }
  }

  close(): void {
    for (const c of this.clients.values()) (c as unknown as grpc.Client).close();
    this.clients.clear();
  }
}
