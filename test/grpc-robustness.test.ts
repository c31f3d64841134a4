// The manager's gRPC port under hostile and careless clients (one real manager process): raw
// garbage, garbage HTTP/2 inside a good TLS connection, malformed and oversized protobuf on the
// control, join, dispatcher and Raft endpoints, unknown fields, clients that open streams and
// never read, half-done TLS handshakes, and a flood of connections. After each the manager must
// still answer (a ClusterInfo and a Raft write), its log must show no crash, and its resident
// memory must stay within a generous bound of what it used before (figures are printed).
// Requests of millions of tiny entries (pipelined calls, join labels) must be refused before
// they are decoded: decoding alone took the manager 30 s and 400 MiB.

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect as h2Connect, constants as h2, type ClientHttp2Session, type ClientHttp2Stream } from 'node:http2';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { loadCredentials, type Credentials } from '@shoal/cli';
import { TLS_CHANNEL_OPTIONS, channelCredentials } from '@shoal/identity/tls';
import { CLIENT_OPTIONS, MAX_CONCURRENT_STREAMS, MAX_MESSAGE_BYTES, controlProto } from '@shoal/wire';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCluster, ManagerProcess } from '../scripts/lib/cluster.js';
import { Lab } from './support/lab.js';
import { waitFor, withManager, writeLabel } from './support/managers.js';

const HOST = '127.0.0.1';
/** Growth allowed over the manager's resident memory before the attack. */
const RSS_SLACK_MIB = 200;

const CONTROL = '/shoal.control.v1.Control';
const PATHS = {
  clusterInfo: `${CONTROL}/ClusterInfo`,
  createService: `${CONTROL}/CreateService`,
  updateNode: `${CONTROL}/UpdateNode`,
  pipeline: `${CONTROL}/Pipeline`,
  join: '/shoal.control.v1.Join/Join',
  session: '/shoal.dispatcher.v1.Dispatcher/Session',
  raft: '/shoal.raft.v1.RaftTransport/Stream',
} as const;

function rssMiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Math.round(Number(m[1]) / 1024);
}

/** Bytes no protobuf decoder accepts: field 1 with wire type 7 (there is none), then noise. */
const undecodable = (n: number): Buffer => Buffer.concat([Buffer.from([0x0f, 0xff, 0xff]), randomBytes(n)]);

/** An unknown varint field (number 1000) and an unknown length-delimited one (1001). */
const UNKNOWN_FIELDS = Buffer.from([0xc0, 0x3e, 0x2a, 0xca, 0x3e, 0x03, 0x61, 0x62, 0x63]);

const identity = (b: Buffer): Buffer => b;

interface Outcome {
  readonly code: grpc.status;
  readonly details: string;
  readonly response?: Buffer;
}

/** A gRPC client that sends raw bytes as messages (any size). */
function rawClient(addr: string, creds: Credentials | { caPem: string }): grpc.Client {
  return new grpc.Client(addr, channelCredentials(creds), {
    ...CLIENT_OPTIONS,
    ...TLS_CHANNEL_OPTIONS,
    'grpc.max_send_message_length': -1,
    'grpc.max_receive_message_length': -1,
  });
}

function unary(client: grpc.Client, path: string, bytes: Buffer, timeoutMs = 10_000): Promise<Outcome> {
  return new Promise((resolve) => {
    client.makeUnaryRequest(path, identity, identity, bytes, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (err, response) =>
      resolve(err ? { code: err.code, details: err.details } : { code: grpc.status.OK, details: '', ...(response ? { response } : {}) }),
    );
  });
}

/** Sends `messages` on a client- or bidi-streaming method and returns the status it ends with. */
function streamed(client: grpc.Client, path: string, messages: readonly Buffer[], timeoutMs = 10_000): Promise<Outcome> {
  return new Promise((resolve) => {
    const call = client.makeBidiStreamRequest(path, identity, identity, new grpc.Metadata(), { deadline: Date.now() + timeoutMs });
    call.on('data', () => undefined);
    call.on('error', () => undefined);
    call.on('status', (s: grpc.StatusObject) => resolve({ code: s.code, details: s.details }));
    for (const m of messages) call.write(m);
    call.end();
  });
}

/** Resolves when the manager has closed `s` (what it sends is read and dropped, so its FIN is seen). */
function closed(s: Socket | TLSSocket): Promise<void> {
  s.resume();
  return new Promise((resolve) => (s.destroyed || s.closed ? resolve() : s.once('close', () => resolve())));
}

/** A node's identity from its data directory (DIR/tls). */
function nodeCredentials(dataDir: string): Credentials {
  const tls = join(dataDir, 'tls');
  const read = (f: string): string => readFileSync(join(tls, f), 'utf8');
  return { caPem: read('ca.pem'), certPem: read('node.pem'), keyPem: read('node-key.pem'), dir: tls };
}

describe.sequential('gRPC robustness of a manager', () => {
  const lab = new Lab();
  let cluster: LocalCluster;
  let m: ManagerProcess;
  let pid: number;
  let admin: Credentials;
  /** The manager's own identity: the only one the Raft endpoint reads messages from. */
  let managerCreds: Credentials;
  /** A worker's identity: the only one the dispatcher reads messages from. */
  let workerCreds: Credentials;
  let baseline: number;
  let port: number;
  let anyFailed = false;
  const figures: string[] = [];

  beforeAll(async () => {
    cluster = await lab.cluster('grpc-robust', 1);
    m = cluster.managers[0]!;
    pid = m.proc!.pid!;
    port = Number(m.addr.split(':')[1]);
    admin = loadCredentials(cluster.adminDir);
    managerCreds = nodeCredentials(m.dataDir);
    // A simulated worker (its own address; no other test file uses .81) lends its identity.
    const w = await cluster.addWorker('w1', { runtime: 'simulated', host: '127.0.0.81' });
    workerCreds = nodeCredentials(w.dataDir);
    // Warm up (code paths compiled, pools allocated) before the baseline.
    for (let i = 0; i < 20; i++) await writeLabel(cluster.client(), m.name, `warm${i}`);
    baseline = rssMiB(pid);
    figures.push(`baseline ${baseline} MiB`);
  });

  afterAll(async () => {
    process.stdout.write(`manager RSS (VmRSS): ${figures.join('; ')}\n`);
    await lab.cleanup({ failed: anyFailed });
  });

  let probe = 0;
  /** The manager still serves reads and Raft writes, did not crash, and its memory stayed bounded. */
  async function expectHealthy(what: string, peak = rssMiB(pid)): Promise<void> {
    try {
      expect(m.proc?.exitCode, `${what}: the manager exited`).toBeNull();
      const info = await withManager(cluster, m, (c) => c.call('ClusterInfo', { read: { stale: false } }, { timeoutMs: 10_000 }));
      expect(info.answeredBy).toBe(m.nodeId);
      await withManager(cluster, m, (c) => writeLabel(c, m.name, `probe${probe++}`, { timeoutMs: 10_000 }));
      const log = readFileSync(m.logFile, 'utf8');
      expect(log, `${what}: the manager logged a crash`).not.toMatch(/"level":(50|60).*(uncaught|unhandled|crash)/i);
      const after = rssMiB(pid);
      figures.push(`${what}: peak ${peak} MiB, after ${after} MiB`);
      expect(peak, `${what}: RSS ${peak} MiB vs baseline ${baseline} MiB`).toBeLessThan(baseline + RSS_SLACK_MIB);
    } catch (e) {
      anyFailed = true;
      throw e;
    }
  }

  it('raw garbage on the TCP port: connections are dropped, nothing else', async () => {
    const sockets = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const s = netConnect({ host: HOST, port });
        s.on('error', () => undefined);
        await new Promise<void>((resolve) => s.once('connect', resolve).once('close', resolve));
        s.end(i % 2 === 0 ? randomBytes(256 * 1024) : Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
        return s;
      }),
    );
    await Promise.all(sockets.map(closed));
    await expectHealthy('raw garbage');
  });

  it('a good TLS connection, then garbage HTTP/2: the session is dropped', async () => {
    const noise = [
      randomBytes(64 * 1024),
      // The preface, then frames with absurd lengths and types.
      Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), Buffer.from([0xff, 0xff, 0xff, 0x00, 0x00, 0, 0, 0, 1]), randomBytes(32 * 1024)]),
      Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), randomBytes(64 * 1024)]),
    ];
    const sockets = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const s = tlsConnect({
          host: HOST,
          port,
          ca: admin.caPem,
          cert: admin.certPem,
          key: admin.keyPem,
          checkServerIdentity: () => undefined,
          ALPNProtocols: ['h2'],
        });
        s.on('error', () => undefined);
        await new Promise<void>((resolve) => s.once('secureConnect', resolve).once('close', resolve));
        if (!s.destroyed) s.end(noise[i % noise.length]!);
        return s;
      }),
    );
    await Promise.all(sockets.map(closed));
    await expectHealthy('garbage HTTP/2');
  });

  it('malformed protobuf on every endpoint is answered with an error status', async () => {
    const client = rawClient(m.addr, admin);
    const asManager = rawClient(m.addr, managerCreds);
    const asWorker = rawClient(m.addr, workerCreds);
    const anonymous = rawClient(m.addr, { caPem: admin.caPem });
    try {
      const outcomes: Record<string, Outcome> = {
        clusterInfo: await unary(client, PATHS.clusterInfo, undecodable(64)),
        createService: await unary(client, PATHS.createService, undecodable(4096)),
        join: await unary(anonymous, PATHS.join, undecodable(64)),
        pipeline: await streamed(client, PATHS.pipeline, [undecodable(64)]),
        // A valid pipeline batch whose call carries an undecodable request: that call fails alone.
        session: await streamed(asWorker, PATHS.session, [undecodable(64), undecodable(64)]),
        raft: await streamed(asManager, PATHS.raft, [undecodable(64), undecodable(1024)]),
        // Unknown methods, too.
        unknown: await unary(client, `${CONTROL}/NoSuchMethod`, Buffer.alloc(0)),
      };
      for (const [what, o] of Object.entries(outcomes)) {
        expect(o.code, `${what}: ${o.details}`).not.toBe(grpc.status.OK);
        expect(o.code, `${what}: ${o.details}`).not.toBe(grpc.status.DEADLINE_EXCEEDED);
      }
      // Random bytes (some decode by chance): any answer but a hang.
      for (let i = 0; i < 100; i++) {
        const o = await unary(client, i % 2 ? PATHS.clusterInfo : PATHS.updateNode, randomBytes(1 + (i % 64)));
        expect(o.code, o.details).not.toBe(grpc.status.DEADLINE_EXCEEDED);
      }
      figures.push(
        `malformed protobuf answered with: ${Object.entries(outcomes)
          .map(([k, o]) => `${k} ${grpc.status[o.code]}`)
          .join(', ')}`,
      );
    } finally {
      client.close();
      asManager.close();
      asWorker.close();
      anonymous.close();
    }
    await expectHealthy('malformed protobuf');
  });

  it('unknown fields are ignored: the call succeeds', async () => {
    const client = rawClient(m.addr, admin);
    try {
      const control = controlProto();
      const request = Buffer.concat([control.ClusterInfoRequest.serialize({ read: { stale: false } }), UNKNOWN_FIELDS]);
      const o = await unary(client, PATHS.clusterInfo, request);
      expect(o.code, o.details).toBe(grpc.status.OK);
      expect(control.ClusterInfoResponse.deserialize(o.response!).answeredBy).toBe(m.nodeId);
      const write = Buffer.concat([
        UNKNOWN_FIELDS,
        control.UpdateNodeRequest.serialize({ node: m.name, addLabels: { unknownFields: 'ok' }, removeLabels: [], availability: '', version: '0' }),
        UNKNOWN_FIELDS,
      ]);
      const w = await unary(client, PATHS.updateNode, write);
      expect(w.code, w.details).toBe(grpc.status.OK);
      expect(control.Node.deserialize(w.response!).labels).toMatchObject({ unknownFields: 'ok' });
    } finally {
      client.close();
    }
    await expectHealthy('unknown fields');
  });

  it('oversized messages are refused with RESOURCE_EXHAUSTED naming the limit', async () => {
    const client = rawClient(m.addr, admin);
    const asManager = rawClient(m.addr, managerCreds);
    const asWorker = rawClient(m.addr, workerCreds);
    const anonymous = rawClient(m.addr, { caPem: admin.caPem });
    let peak = rssMiB(pid);
    try {
      const big = Buffer.alloc(MAX_MESSAGE_BYTES + 1024, 0x41);
      for (const [what, o] of Object.entries({
        clusterInfo: await unary(client, PATHS.clusterInfo, big, 30_000),
        join: await unary(anonymous, PATHS.join, big, 30_000),
        raft: await streamed(asManager, PATHS.raft, [big], 30_000),
        session: await streamed(asWorker, PATHS.session, [big], 30_000),
        pipeline: await streamed(client, PATHS.pipeline, [big], 30_000),
      })) {
        expect(o.code, `${what}: ${o.details}`).toBe(grpc.status.RESOURCE_EXHAUSTED);
        expect(o.details, what).toMatch(/larger than max|exceed|too large/i);
        peak = Math.max(peak, rssMiB(pid));
      }
      // Many at once, each just over the limit.
      const many = await Promise.all(Array.from({ length: 8 }, () => unary(client, PATHS.clusterInfo, big, 60_000)));
      peak = Math.max(peak, rssMiB(pid));
      for (const o of many) expect(o.code, o.details).toBe(grpc.status.RESOURCE_EXHAUSTED);
    } finally {
      client.close();
      asManager.close();
      asWorker.close();
      anonymous.close();
    }
    await expectHealthy('oversized messages', peak);
  });

  /** An HTTP/2 session with the admin certificate, as a client that controls every frame. */
  async function h2Session(): Promise<ClientHttp2Session> {
    const session = h2Connect(`https://${HOST}:${port}`, {
      ca: admin.caPem,
      cert: admin.certPem,
      key: admin.keyPem,
      checkServerIdentity: () => undefined,
      // The manager's limits, not ours, are under test.
      settings: { initialWindowSize: 65_535 },
    });
    session.on('error', () => undefined);
    // Its limits are known once its SETTINGS frame arrived.
    await new Promise<void>((resolve, reject) => session.once('remoteSettings', () => resolve()).once('error', reject));
    return session;
  }

  function grpcStream(session: ClientHttp2Session, path: string): ClientHttp2Stream {
    const s = session.request(
      { [h2.HTTP2_HEADER_METHOD]: 'POST', [h2.HTTP2_HEADER_PATH]: path, 'content-type': 'application/grpc', te: 'trailers' },
      { endStream: false },
    );
    s.on('error', () => undefined);
    return s;
  }

  const frame = (message: Buffer): Buffer => {
    const head = Buffer.alloc(5);
    head.writeUInt32BE(message.length, 1);
    return Buffer.concat([head, message]);
  };

  it('a slow client: thousands of streams that never send their request', async () => {
    const session = await h2Session();
    let peak = rssMiB(pid);
    try {
      const limit = session.remoteSettings.maxConcurrentStreams ?? Infinity;
      expect(limit, 'the manager announces a stream limit').toBeLessThanOrEqual(MAX_CONCURRENT_STREAMS);
      const streams: ClientHttp2Stream[] = [];
      for (let i = 0; i < 3000; i++) streams.push(grpcStream(session, PATHS.clusterInfo));
      // As many as the manager allows are open; the rest wait on our side.
      const open = Math.min(3000, limit);
      await waitFor(`${open} streams to be open`, () => (streams.filter((s) => s.id !== undefined && !s.destroyed).length >= open ? true : undefined), 20_000);
      peak = Math.max(peak, rssMiB(pid));
      figures.push(`idle streams: ${open} of 3000 open at once (the manager's limit: ${limit})`);
      await expectHealthy('3000 idle streams (open)', peak);
    } finally {
      session.destroy();
    }
    await expectHealthy('3000 idle streams (closed)', peak);
  });

  it('a slow reader: pipelined calls whose replies it never reads stop being read from it', async () => {
    const session = await h2Session();
    let peak = rssMiB(pid);
    const control = controlProto();
    try {
      const s = grpcStream(session, PATHS.pipeline);
      s.pause(); // read nothing: the replies pile up on the manager's side unless it stops reading calls
      const listNodes = control.ListNodesRequest.serialize({ read: { stale: true } });
      const batch = frame(
        control.PipelinedCalls.serialize({ calls: Array.from({ length: 200 }, (_, i) => ({ id: String(i + 1), method: 'ListNodes', request: listNodes })) }),
      );
      // Write until the manager stops taking calls (HTTP/2 flow control), or 100k calls.
      let sent = 0;
      let stalled = false;
      const deadline = Date.now() + 30_000;
      while (sent < 500 && !stalled && Date.now() < deadline) {
        if (!s.write(batch)) {
          // Not a timed assertion: a manager that keeps reading drains this at once.
          stalled = !(await Promise.race([
            new Promise<boolean>((resolve) => s.once('drain', () => resolve(true))),
            new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 3000)),
          ]));
        }
        sent++;
        peak = Math.max(peak, rssMiB(pid));
      }
      peak = Math.max(peak, rssMiB(pid));
      figures.push(`slow reader: the manager stopped reading after ${sent * 200} pipelined calls`);
      expect(stalled, `the manager kept reading calls (${sent * 200}) whose replies were not read`).toBe(true);
      await expectHealthy('slow pipeline reader (open)', peak);
    } finally {
      session.destroy();
    }
    await expectHealthy('slow pipeline reader (closed)', peak);
  });

  it('a pipeline message of 700,000 calls (16 MiB) ends the stream with RESOURCE_EXHAUSTED', async () => {
    const client = rawClient(m.addr, admin);
    const control = controlProto();
    let peak = rssMiB(pid);
    try {
      const listNodes = control.ListNodesRequest.serialize({ read: { stale: true } });
      const calls = Array.from({ length: 700_000 }, (_, i) => ({ id: String(i + 1), method: 'ListNodes', request: listNodes }));
      const batch = control.PipelinedCalls.serialize({ calls });
      expect(batch.length).toBeLessThan(MAX_MESSAGE_BYTES);
      const o = await streamed(client, PATHS.pipeline, [batch], 30_000);
      peak = Math.max(peak, rssMiB(pid));
      expect(o.code, o.details).toBe(grpc.status.RESOURCE_EXHAUSTED);
      expect(o.details).toContain('a message of 700000 pipelined calls; at most 4096 may be in flight on one pipeline');
    } finally {
      client.close();
    }
    await expectHealthy('a 700,000-call pipeline message', peak);
  });

  it('a join request (no credentials needed) with 1,500,000 labels is refused without being decoded', async () => {
    // Written by hand: field 6 (labels), one map entry {key: i in base 36, value: ""} each.
    const entries: Buffer[] = [controlProto().JoinRequest.serialize({ token: 'x' })];
    for (let i = 0; i < 1_500_000; i++) {
      const key = Buffer.from(i.toString(36));
      entries.push(Buffer.from([0x32, key.length + 4, 0x0a, key.length]), key, Buffer.from([0x12, 0x00]));
    }
    const request = Buffer.concat(entries);
    expect(request.length).toBeLessThan(MAX_MESSAGE_BYTES);
    const anonymous = rawClient(m.addr, { caPem: admin.caPem });
    let peak = rssMiB(pid);
    try {
      const o = await unary(anonymous, PATHS.join, request, 30_000);
      peak = Math.max(peak, rssMiB(pid));
      expect(o.code, o.details).toBe(grpc.status.INVALID_ARGUMENT);
      expect(o.details).toBe('the join request has 1500000 labels; a node holds at most 256: join with fewer labels');
    } finally {
      anonymous.close();
    }
    await expectHealthy('a join request with 1,500,000 labels', peak);
  });

  it('a client without a certificate is refused before its request is read (1,500,000 labels in an UpdateNode)', async () => {
    // Field 4 (add_labels), one map entry {key: i in base 36, value: ""} each.
    const entries: Buffer[] = [];
    for (let i = 0; i < 1_500_000; i++) {
      const key = Buffer.from(i.toString(36));
      entries.push(Buffer.from([0x22, key.length + 4, 0x0a, key.length]), key, Buffer.from([0x12, 0x00]));
    }
    const anonymous = rawClient(m.addr, { caPem: admin.caPem });
    let peak = rssMiB(pid);
    try {
      const o = await unary(anonymous, PATHS.updateNode, Buffer.concat(entries), 30_000);
      peak = Math.max(peak, rssMiB(pid));
      expect(o.code, o.details).toBe(grpc.status.UNAUTHENTICATED);
      expect(o.details).toBe("this call needs a certificate from the cluster CA; none was presented, or it was not issued by this cluster's CA");
      const info = await unary(anonymous, PATHS.clusterInfo, controlProto().ClusterInfoRequest.serialize({}));
      expect(info.code, info.details).toBe(grpc.status.UNAUTHENTICATED);
    } finally {
      anonymous.close();
    }
    await expectHealthy('an anonymous UpdateNode with 1,500,000 labels', peak);
  });

  it('slowloris handshakes: half a TLS ClientHello on hundreds of connections', async () => {
    // The first bytes of a TLS 1.2 ClientHello record, and then nothing.
    const partial = Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]);
    const sockets = await Promise.all(
      Array.from({ length: 300 }, async () => {
        const s = netConnect({ host: HOST, port });
        s.on('error', () => undefined);
        await new Promise<void>((resolve) => s.once('connect', resolve).once('close', resolve));
        s.resume();
        s.write(partial);
        return s;
      }),
    );
    try {
      await expectHealthy('300 half handshakes (open)');
      // The manager gives up on them (its handshake timeout) rather than holding them forever.
      await Promise.all(sockets.map(closed));
    } finally {
      for (const s of sockets) s.destroy();
    }
    await expectHealthy('300 half handshakes (dropped)');
  });

  it('a connection flood: 500 TLS connections at once', async () => {
    let peak = rssMiB(pid);
    const sockets = await Promise.all(
      Array.from({ length: 500 }, async () => {
        const s = tlsConnect({
          host: HOST,
          port,
          ca: admin.caPem,
          cert: admin.certPem,
          key: admin.keyPem,
          checkServerIdentity: () => undefined,
          ALPNProtocols: ['h2'],
        });
        s.on('error', () => undefined);
        await new Promise<void>((resolve) => s.once('secureConnect', resolve).once('close', resolve));
        return s;
      }),
    );
    try {
      peak = Math.max(peak, rssMiB(pid));
      figures.push(`flood: ${sockets.filter((s) => !s.destroyed).length} of 500 connections established`);
      await expectHealthy('500 connections (open)', peak);
    } finally {
      for (const s of sockets) s.destroy();
    }
    await expectHealthy('500 connections (closed)', peak);
  });
});
