// The CLI's connection to the managers: fails over between the addresses it is given (--host /
// SHOAL_HOST), follows the leader when a manager answers NOT_LEADER, and turns every failure
// into a sentence that says what went wrong and what to do.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { TLS_CHANNEL_OPTIONS, channelCredentials } from '@shoal/manager';
import { CLIENT_OPTIONS, controlProto, type ControlClient } from '@shoal/wire';
import { ControlPipeline } from './pipeline-client.js';

export class CliError extends Error {
  constructor(
    message: string,
    readonly code = 'ERROR',
  ) {
    super(message);
    this.name = 'CliError';
  }
}

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
    throw new CliError(
      'no credentials: pass --certs DIR or set SHOAL_CERTS to the admin directory `shoal manager init` wrote (DATA/admin)',
      'UNAUTHENTICATED',
    );
  }
  const read = (name: string): string => {
    const file = join(dir, name);
    if (!existsSync(file)) throw new CliError(`missing ${file}: --certs/SHOAL_CERTS must name the admin directory written by \`shoal manager init\``, 'UNAUTHENTICATED');
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

type Method = keyof ControlClient & string;

interface CallOptions {
  /** Writes must reach the leader; reads may be served by any manager. */
  readonly write?: boolean;
  readonly timeoutMs?: number;
  /** Try this manager first (e.g. the leader another manager named). */
  readonly preferAddr?: string;
}

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

  private async invoke<Res>(addr: string, method: Method, req: object, timeoutMs: number): Promise<Res> {
    if (this.options.pipeline && !this.noPipeline.has(addr)) {
      try {
        return await this.pipeline(addr).call<Res>(method, req, timeoutMs);
      } catch (e) {
        const err = e as grpc.ServiceError;
        if (err.code !== grpc.status.UNIMPLEMENTED || err.metadata?.get('shoal-error-code').length) throw e;
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

  private invokeUnary<Res>(addr: string, method: Method, req: object, timeoutMs: number): Promise<Res> {
    const client = this.client(addr) as unknown as Record<string, (req: object, md: grpc.Metadata, opts: grpc.CallOptions, cb: (e: grpc.ServiceError | null, r: Res) => void) => void>;
    return new Promise((resolve, reject) => {
      client[method]!.call(client, req, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (e, r) => (e ? reject(e) : resolve(r)));
    });
  }

  /** Calls `method`, failing over between managers and following the leader for writes. */
  async call<Res>(method: Method, req: object, o: CallOptions = {}): Promise<Res> {
    const timeoutMs = o.timeoutMs ?? 8000;
    const first = o.preferAddr ?? this.preferred;
    const order = first ? [first, ...this.hosts.filter((h) => h !== first)] : [...this.hosts];
    const failures: string[] = [];
    const tried = new Set<string>();
    let hops = 0;
    while (order.length > 0) {
      const addr = order.shift()!;
      if (tried.has(addr)) continue;
      tried.add(addr);
      try {
        const res = await this.invoke<Res>(addr, method, req, timeoutMs);
        this.preferred = addr;
        return res;
      } catch (err) {
        const e = err as grpc.ServiceError;
        const code = e.metadata?.get('shoal-error-code')[0]?.toString();
        const leader = e.metadata?.get('shoal-leader-addr')[0]?.toString();
        if (code === 'NOT_LEADER' && leader && hops < 3) {
          hops++;
          tried.delete(leader);
          order.unshift(leader);
          continue;
        }
        if (code === 'STOPPED' || (!code && (e.code === grpc.status.UNAVAILABLE || e.code === grpc.status.DEADLINE_EXCEEDED))) {
          failures.push(describeUnavailable(addr, e));
          continue;
        }
        throw new CliError(e.details || e.message, code ?? grpc.status[e.code]);
      }
    }
    throw new CliError(
      `no manager could be reached: ${failures.join('; ')}. Check --host/SHOAL_HOST${o.write ? ' and that a quorum of managers is up' : ''}`,
      'UNAVAILABLE',
    );
  }

  /** The leader's address, as any reachable manager sees it. */
  async leaderAddr(): Promise<string> {
    const info = await this.call<{ leaderAddr: string; leader: string }>('ClusterInfo', { read: { stale: true } });
    if (!info.leaderAddr) throw new CliError('no leader is elected right now; retry shortly', 'NO_QUORUM');
    return info.leaderAddr;
  }

  /** A server-streaming call to one manager (e.g. the leader for logs). */
  stream<Res>(addr: string, method: Method, req: object): grpc.ClientReadableStream<Res> {
    const client = this.client(addr) as unknown as Record<string, (req: object) => grpc.ClientReadableStream<Res>>;
    return client[method]!.call(client, req);
  }

  close(): void {
    for (const p of this.pipelines.values()) p.close();
    this.pipelines.clear();
    for (const c of this.clients.values()) (c as unknown as grpc.Client).close();
    this.clients.clear();
  }
}
