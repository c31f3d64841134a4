// The CLI's connection to the managers: fails over between the addresses it is given (--host /
// SHOAL_HOST), follows the leader when a manager answers NOT_LEADER, rides out an election, and
// turns every failure into a sentence that says what went wrong and what to do.
//
// It imports the TLS helpers from @shoal/identity/tls, not the package's index: the index
// loads the join and renewal clients and the unlock client too, which a CLI call would pay for
// on every start.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { TLS_CHANNEL_OPTIONS, channelCredentials } from '@shoal/identity/tls';
import {
  CLIENT_OPTIONS,
  MAX_MESSAGE_BYTES,
  controlProto,
  readErrorCode,
  readLeaderAddr,
  type ClusterInfoResponse__Output,
  type ControlClient,
  type ControlMethod,
  type RequestOf,
  type ResponseOf,
  type ServiceLogLine__Output,
  type ServiceLogsRequest,
} from '@shoal/wire';
import { CliError } from './errors.js';
import { ControlPipeline } from './pipeline-client.js';

export { CliError };

export interface Credentials {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
  readonly dir: string;
}

/**
 * Reads the admin credentials `shoal manager init` wrote (DIR/admin: ca.pem, cert.pem, key.pem).
 * Looked up in --certs, then $SHOAL_CERTS.
 */
export function loadCredentials(dir: string | undefined): Credentials {
  if (!dir) {
    throw new CliError('no credentials: pass --certs DIR or set SHOAL_CERTS to the admin directory `shoal manager init` wrote (DATA/admin)', 'UNAUTHENTICATED');
  }
  const read = (name: string): string => {
    const file = join(dir, name);
    if (!existsSync(file))
      throw new CliError(`missing ${file}: --certs/SHOAL_CERTS must name the admin directory written by \`shoal manager init\``, 'UNAUTHENTICATED');
    return readFileSync(file, 'utf8');
  };
  return { caPem: read('ca.pem'), certPem: read('cert.pem'), keyPem: read('key.pem'), dir };
}

/** Splits "a:1,b:2" into addresses, refusing malformed ones. */
export function parseHosts(value: string | undefined): string[] {
  const hosts = (value ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  if (hosts.length === 0) {
    throw new CliError('no manager address: pass --host HOST:PORT[,HOST:PORT...] or set SHOAL_HOST');
  }
  for (const h of hosts) {
    if (!/^(\[[^\]]+\]|[^:\s]+):\d{1,5}$/.test(h)) throw new CliError(`"${h}" is not a manager address of the form HOST:PORT`);
  }
  return hosts;
}

export interface CallOptions {
  /** Writes must reach the leader; reads may be served by any manager. */
  readonly write?: boolean;
  readonly timeoutMs?: number;
  /** Try this manager first (e.g. the leader another manager named). */
  readonly preferAddr?: string;
}

/**
 * How long a first connection to a manager may take before the next address is tried. An
 * address that drops packets (no refusal) would otherwise hold the call until its deadline; a
 * manager that is up connects in milliseconds. Its channel keeps connecting meanwhile, so a
 * later round uses it if it was only slow.
 */
const CONNECT_TIMEOUT_MS = 1000;
/**
 * Pauses between rounds over the managers while they elect a leader (a manager answered, but
 * none could take the call). Short: an election takes a few hundred ms, and a round costs
 * each manager one small call.
 */
const ROUND_PAUSES_MS = [20, 50, 100] as const;
/**
 * A manager refuses at once, before proposing anything, a write it cannot take (no leader, no
 * quorum): such a NO_QUORUM is safe to send again. A write it proposed and then could not
 * commit is answered only after its request timeout (seconds): that one may still be applied,
 * so it is never sent again.
 */
const QUICK_REFUSAL_MS = 1000;

/** A connection that did not come up within its budget (see CONNECT_TIMEOUT_MS). */
class ConnectTimeout extends Error {}

function describeUnavailable(addr: string, e: grpc.ServiceError): string {
  const d = e.details || e.message;
  if (/ECONNREFUSED|Connection refused/i.test(d)) return `${addr}: connection refused (is a manager running there?)`;
  if (/Deadline|timed out/i.test(d)) return `${addr}: no answer in time`;
  if (/certificate|handshake|SSL|TLS/i.test(d)) return `${addr}: TLS failed (${d}) — are these credentials for this cluster?`;
  return `${addr}: ${d}`;
}

export interface ConnectionOptions {
  /**
   * Send unary calls over one Control.Pipeline stream per manager instead of a call each: for
   * programs making many calls at once. A manager without Pipeline gets unary calls.
   */
  readonly pipeline?: boolean;
}

export class ControlConnection {
  private readonly clients = new Map<string, ControlClient>();
  private readonly pipelines = new Map<string, ControlPipeline>();
  /** Managers that answered Pipeline with UNIMPLEMENTED (an older version): unary for them. */
  private readonly noPipeline = new Set<string>();
  private readonly hosts: string[];
  /** The manager that answered last; tried first next time. */
  private preferred: string | undefined;

  constructor(
    hosts: readonly string[],
    private readonly creds: Credentials,
    private readonly options: ConnectionOptions = {},
  ) {
    this.hosts = [...hosts];
  }

  /**
   * Waits, at most until `deadline`, for the connection to `addr` to leave IDLE/CONNECTING.
   * READY goes ahead; TRANSIENT_FAILURE too, since the call then fails at once with the reason
   * (connection refused, TLS) that describeUnavailable() puts into words.
   */
  private async connected(addr: string, deadline: number): Promise<void> {
    const channel = (this.client(addr) as unknown as grpc.Client).getChannel();
    for (;;) {
      const state = channel.getConnectivityState(true);
      if (state !== grpc.connectivityState.IDLE && state !== grpc.connectivityState.CONNECTING) return;
      if (Date.now() >= deadline) throw new ConnectTimeout();
      const changed = await new Promise<boolean>((resolve) => channel.watchConnectivityState(state, deadline, (e) => resolve(!e)));
      if (!changed) throw new ConnectTimeout();
    }
  }

  private client(addr: string): ControlClient {
    let c = this.clients.get(addr);
    if (!c) {
      const Control = controlProto().Control;
      c = new Control(addr, channelCredentials({ caPem: this.creds.caPem, certPem: this.creds.certPem, keyPem: this.creds.keyPem }, 'manager'), {
        ...CLIENT_OPTIONS,
        ...TLS_CHANNEL_OPTIONS,
        'grpc.initial_reconnect_backoff_ms': 100,
      }) as unknown as ControlClient;
      this.clients.set(addr, c);
    }
    return c;
  }

  private async invoke<Res>(addr: string, method: ControlMethod, req: object, timeoutMs: number): Promise<Res> {
    if (this.options.pipeline && !this.noPipeline.has(addr)) {
      try {
        return await this.pipeline(addr).call<Res>(method, req, timeoutMs);
      } catch (e) {
        const err = e as grpc.ServiceError;
        if (err.code !== grpc.status.UNIMPLEMENTED || readErrorCode(err) !== undefined) throw e;
        this.noPipeline.add(addr);
      }
    }
    return this.invokeUnary<Res>(addr, method, req, timeoutMs);
  }

  private pipeline(addr: string): ControlPipeline {
    let p = this.pipelines.get(addr);
    if (!p) {
      p = new ControlPipeline(this.client(addr), controlProto().Control.service);
      this.pipelines.set(addr, p);
    }
    return p;
  }

  private invokeUnary<Res>(addr: string, method: ControlMethod, req: object, timeoutMs: number): Promise<Res> {
    const client = this.client(addr) as unknown as Record<
      string,
      (req: object, md: grpc.Metadata, opts: grpc.CallOptions, cb: (e: grpc.ServiceError | null, r: Res) => void) => void
    >;
    return new Promise((resolve, reject) => {
      client[method]!.call(client, req, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (e, r) => (e ? reject(e) : resolve(r)));
    });
  }

  /**
   * Calls `method`, failing over between managers and following the leader for writes.
   *
   * It goes over the managers in rounds: the leader (or the manager that answered last) first,
   * then the others. An address that refuses the connection, or does not connect within
   * CONNECT_TIMEOUT_MS, is passed over at once; a NOT_LEADER answer sends it to the leader
   * named. When a round ends with no answer but "not the leader" / "no leader" (NO_QUORUM), a
   * leader is being elected — if the managers that answered can still form a quorum, it tries
   * again after a short pause until the deadline; otherwise it fails at once with their reason.
   *
   * Typed by the method: the request is that method's request message, the answer its
   * response message as decoded.
   */
  async call<M extends ControlMethod>(method: M, req: RequestOf<M>, o: CallOptions = {}): Promise<ResponseOf<M>> {
    const deadline = Date.now() + (o.timeoutMs ?? 8000);
    /** The last word from each address, for the error if nothing works. */
    const failures = new Map<string, string>();
    /** Addresses that did not connect within their budget: later rounds do not wait for them. */
    const slow = new Set<string>();
    let leader = o.preferAddr ?? this.preferred;
    for (let round = 0; ; round++) {
      const order = [...new Set([...(leader ? [leader] : []), ...this.hosts])];
      order.sort((a, b) => Number(slow.has(a)) - Number(slow.has(b)));
      const tried = new Set<string>();
      /** Managers that answered but could not take the call (NOT_LEADER, NO_QUORUM). */
      const answered: string[] = [];
      let noQuorum: string | undefined;
      while (order.length > 0 && Date.now() < deadline) {
        const addr = order.shift()!;
        if (tried.has(addr)) continue;
        tried.add(addr);
        const started = Date.now();
        try {
          await this.connected(addr, Math.min(deadline, started + (slow.has(addr) ? 0 : CONNECT_TIMEOUT_MS)));
          const res = await this.invoke<ResponseOf<M>>(addr, method, req as object, deadline - Date.now());
          this.preferred = addr;
          return res;
        } catch (err) {
          if (err instanceof ConnectTimeout) {
            // A later round's glance (no wait) keeps the first round's words.
            if (!slow.has(addr))
              failures.set(addr, `${addr}: no connection within ${Date.now() - started} ms (is the address right? is a firewall dropping the traffic?)`);
            slow.add(addr);
            continue;
          }
          const e = err as grpc.ServiceError;
          const code = readErrorCode(e);
          if (code === 'NOT_LEADER') {
            const named = readLeaderAddr(e);
            answered.push(addr);
            failures.set(addr, `${addr}: not the leader${named ? ` (it names ${named})` : ''}`);
            if (named) {
              leader = named;
              if (!tried.has(named)) order.unshift(named);
            }
            continue;
          }
          if (code === 'NO_QUORUM' && (!o.write || Date.now() - started < QUICK_REFUSAL_MS)) {
            answered.push(addr);
            noQuorum = e.details || e.message;
            failures.set(addr, `${addr}: ${noQuorum}`);
            continue;
          }
          if (code === 'STOPPED' || (!code && (e.code === grpc.status.UNAVAILABLE || e.code === grpc.status.DEADLINE_EXCEEDED))) {
            failures.set(addr, describeUnavailable(addr, e));
            continue;
          }
          if (!code && e.code === grpc.status.RESOURCE_EXHAUSTED && /larger than max/.test(e.details)) {
            // grpc-js says "Sent message larger than max (20000000 vs. 16777216)".
            throw new CliError(
              `${addr}: ${e.details}: a gRPC message to or from a manager may be at most ${MAX_MESSAGE_BYTES} bytes (16 MiB); send less at once`,
              'RESOURCE_EXHAUSTED',
            );
          }
          throw new CliError(e.details || e.message, code ?? grpc.status[e.code]);
        }
      }
      const pause = ROUND_PAUSES_MS[Math.min(round, ROUND_PAUSES_MS.length - 1)]!;
      if (answered.length > 0 && Date.now() + pause < deadline) {
        const electing = await this.electionUnderWay(answered, deadline);
        if (electing) {
          if (electing.leaderAddr) leader = electing.leaderAddr;
          await new Promise((r) => setTimeout(r, pause));
          continue;
        }
      }
      const words = [...failures.values()].join('; ');
      if (noQuorum) throw new CliError(failures.size > 1 ? `${noQuorum} (${words})` : noQuorum, 'NO_QUORUM');
      throw new CliError(
        answered.length > 0
          ? `no leader could be reached: ${words}. A leader is elected within a second when a quorum of managers is up: check that one is, and --host/SHOAL_HOST`
          : `no manager could be reached: ${words}. Check --host/SHOAL_HOST${o.write ? ' and that a quorum of managers is up' : ''}`,
        'UNAVAILABLE',
      );
    }
  }

  /**
   * Whether a leader may come soon: one of the managers that answered reaches a quorum
   * (counting itself). Asks them all, because one view is not enough: a manager restarted a
   * moment ago has not reconnected to its peers yet and sees no quorum while the others do.
   * Then what that manager knows of the leader; undefined when none sees a quorum or answers.
   */
  private async electionUnderWay(addrs: readonly string[], deadline: number): Promise<{ leaderAddr: string } | undefined> {
    const views = await Promise.all(
      addrs.map(async (addr) => {
        try {
          return await this.invoke<ClusterInfoResponse__Output>(
            addr,
            'ClusterInfo',
            { read: { stale: true } },
            Math.min(deadline - Date.now(), CONNECT_TIMEOUT_MS),
          );
        } catch {
          return undefined;
        }
      }),
    );
    const withQuorum = views.filter((v) => v !== undefined && v.reachableVoters >= v.quorum);
    if (withQuorum.length === 0) return undefined;
    return { leaderAddr: withQuorum.find((v) => v!.leaderAddr)?.leaderAddr ?? '' };
  }

  /** The leader's address, as any reachable manager sees it. */
  async leaderAddr(): Promise<string> {
    const info = await this.call('ClusterInfo', { read: { stale: true } });
    if (!info.leaderAddr) throw new CliError('no leader is elected right now; retry shortly', 'NO_QUORUM');
    return info.leaderAddr;
  }

  /** A service's logs, streamed by one manager (the leader: it holds the workers' sessions). */
  serviceLogs(addr: string, req: ServiceLogsRequest): grpc.ClientReadableStream<ServiceLogLine__Output> {
    return this.client(addr).ServiceLogs(req);
  }

  close(): void {
    for (const p of this.pipelines.values()) p.close();
    this.pipelines.clear();
    for (const c of this.clients.values()) (c as unknown as grpc.Client).close();
    this.clients.clear();
  }
}
