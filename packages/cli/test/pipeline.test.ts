// Control.Pipeline end to end over real gRPC with mutual TLS on 127.0.0.1: the manager's
// pipelineHandler in front of stand-in Control handlers, and the CLI's ControlConnection with
// `pipeline: true`. A pipelined call must be indistinguishable from the unary call: the same
// response, the same error (code, words, shoal error metadata), the same leader following.

import * as grpc from '@grpc/grpc-js';
import {
  channelCredentials,
  createClusterCA,
  issueCredentials,
  requireRole,
  serverCredentials,
  TLS_CHANNEL_OPTIONS,
  type ClusterCA,
  type IssuedCredentials,
} from '@shoal/identity';
import { ManagerError } from '@shoal/manager/errors';
import { pipelineHandler } from '@shoal/manager/pipeline';
import { controlProto, type ControlClient, type PipelinedReplies__Output, type PipelinedReply__Output, type WireNode } from '@shoal/wire';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CliError, ControlConnection, type Credentials } from '../src/client.js';

const CONTROL = (): grpc.ServiceDefinition => controlProto().Control.service;
const quiet = { debug: () => undefined };

function node(name: string, labels: Record<string, string> = {}): WireNode {
  return { id: `${name}-id`.padEnd(25, 'x'), name, role: 'manager', status: 'ready', availability: 'active', labels, version: '1' };
}

/**
 * Stand-in Control handlers with the manager's rules where these tests look: only admins and
 * managers; GetNode knows "m1" and "slow" (answers after 30 ms); UpdateNode adds labels to m1
 * and, on a server that is not the leader, answers NOT_LEADER naming `leaderAddr`.
 */
function handlers(o: { leaderAddr?: string; seen: string[] }): grpc.UntypedServiceImplementation {
  const labels: Record<string, string> = {};
  const guard =
    <Req, Res>(fn: (req: Req) => Promise<Res>): grpc.handleUnaryCall<Req, Res> =>
    (call, callback) => {
      try {
        requireRole(call, ['admin', 'manager']);
      } catch (e) {
        callback((e as ManagerError).toServiceError());
        return;
      }
      fn(call.request).then(
        (r) => callback(null, r),
        (e: unknown) => callback((e as ManagerError).toServiceError()),
      );
    };
  return {
    GetNode: guard(async (req: { node: string }) => {
      o.seen.push(`GetNode ${req.node}`);
      if (req.node === 'slow') await new Promise((r) => setTimeout(r, 30));
      if (req.node !== 'm1' && req.node !== 'slow') throw new ManagerError('NOT_FOUND', `no node "${req.node}": list them with \`shoal node ls\``);
      return node(req.node, labels);
    }),
    UpdateNode: guard(async (req: { node: string; addLabels: Record<string, string> }) => {
      o.seen.push(`UpdateNode ${req.node}`);
      if (o.leaderAddr) throw new ManagerError('NOT_LEADER', `this manager is not the leader; the leader is at ${o.leaderAddr}`, o.leaderAddr);
      Object.assign(labels, req.addLabels);
      return node('m1', labels);
    }),
  };
}

let ca: ClusterCA;
let serverCreds: IssuedCredentials;
let admin: Credentials;
let worker: Credentials;
const servers: grpc.Server[] = [];
const connections: ControlConnection[] = [];

async function serve(o: { leaderAddr?: string; pipeline?: boolean } = {}): Promise<{ addr: string; seen: string[]; server: grpc.Server }> {
  const seen: string[] = [];
  const server = new grpc.Server();
  const unary = handlers({ seen, ...(o.leaderAddr ? { leaderAddr: o.leaderAddr } : {}) });
  server.addService(CONTROL(), o.pipeline === false ? unary : { ...unary, Pipeline: pipelineHandler(CONTROL(), unary, quiet) });
  servers.push(server);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', serverCredentials(serverCreds), (e, p) => (e ? reject(e) : resolve(p))),
  );
  return { addr: `127.0.0.1:${port}`, seen, server };
}

function connect(hosts: string[], creds: Credentials = admin, pipeline = true): ControlConnection {
  const c = new ControlConnection(hosts, creds, { pipeline });
  connections.push(c);
  return c;
}

async function failure(p: Promise<unknown>): Promise<CliError> {
  try {
    await p;
  } catch (e) {
    return e as CliError;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  ca = await createClusterCA('cluster1');
  serverCreds = await issueCredentials(ca, { nodeId: 'm1', role: 'manager', clusterId: 'cluster1' });
  admin = { ...(await issueCredentials(ca, { nodeId: 'admin', role: 'admin', clusterId: 'cluster1' })), dir: '' };
  worker = { ...(await issueCredentials(ca, { nodeId: 'w1', role: 'worker', clusterId: 'cluster1' })), dir: '' };
});

afterEach(() => {
  for (const c of connections.splice(0)) c.close();
});

afterAll(() => {
  for (const s of servers.splice(0)) s.forceShutdown();
});

describe('Control.Pipeline', () => {
  it('answers many concurrent calls on one stream, each with its own response, whatever order they finish in', async () => {
    const { addr, seen } = await serve();
    const c = connect([addr]);
    const calls = Array.from({ length: 200 }, (_, i) =>
      i % 10 === 0
        ? c.call('GetNode', { node: 'slow' }).then((n) => n.name)
        : c.call('UpdateNode', { node: 'm1', addLabels: { [`k${i}`]: `v${i}` }, removeLabels: [] }, { write: true }).then((n) => n.labels?.[`k${i}`]),
    );
    const results = await Promise.all(calls);
    expect(results).toEqual(Array.from({ length: 200 }, (_, i) => (i % 10 === 0 ? 'slow' : `v${i}`)));
    expect(seen).toHaveLength(200);
    // The same answer as the unary call gives.
    const viaUnary = await connect([addr], admin, false).call('GetNode', { node: 'm1' });
    expect(await c.call('GetNode', { node: 'm1' })).toEqual(viaUnary);
  });

  it('fails a call exactly as the unary call fails: same words and code', async () => {
    const { addr } = await serve();
    const pipelined = await failure(connect([addr]).call('GetNode', { node: 'nope' }));
    const unary = await failure(connect([addr], admin, false).call('GetNode', { node: 'nope' }));
    expect(pipelined).toBeInstanceOf(CliError);
    expect({ message: pipelined.message, code: pipelined.code }).toEqual({ message: unary.message, code: unary.code });
    expect(pipelined.message).toBe('no node "nope": list them with `shoal node ls`');
    expect(pipelined.code).toBe('NOT_FOUND');
  });

  it('follows NOT_LEADER to the leader it names, as unary calls do', async () => {
    const leader = await serve();
    const follower = await serve({ leaderAddr: leader.addr });
    const n = await connect([follower.addr]).call('UpdateNode', { node: 'm1', addLabels: { a: '1' }, removeLabels: [] }, { write: true });
    expect(n.labels).toEqual({ a: '1' });
    expect(follower.seen).toEqual(['UpdateNode m1']);
    expect(leader.seen).toEqual(['UpdateNode m1']);
  });

  it('refuses a worker certificate for the whole stream, with the unary words', async () => {
    const { addr, seen } = await serve();
    const err = await failure(connect([addr], worker).call('GetNode', { node: 'm1' }));
    expect(err.code).toBe('PERMISSION_DENIED');
    expect(err.message).toBe('worker "w1" may not make this call: it is for admin or manager certificates only');
    expect(seen).toEqual([]);
  });

  it('names an unknown method and a malformed request instead of dropping them', async () => {
    const { addr, seen } = await serve();
    const client = new (controlProto().Control)(addr, channelCredentials(admin, 'manager'), TLS_CHANNEL_OPTIONS) as unknown as ControlClient;
    try {
      const stream = client.Pipeline();
      const replies: PipelinedReply__Output[] = [];
      const done = new Promise<void>((resolve, reject) => {
        stream.on('data', (batch: PipelinedReplies__Output) => {
          replies.push(...batch.replies);
          if (replies.length === 3) stream.end();
        });
        stream.on('end', resolve);
        stream.on('error', reject);
      });
      stream.write({ calls: [{ id: '1', method: 'Nope', request: Buffer.alloc(0) }] });
      stream.write({
        calls: [
          { id: '2', method: 'ServiceLogs', request: Buffer.alloc(0) },
          { id: '3', method: 'GetNode', request: Buffer.from([0xff, 0xff, 0xff]) },
        ],
      });
      await done;
      const byId = Object.fromEntries(replies.map((r) => [r.id, r]));
      expect(byId['1']).toMatchObject({ status: grpc.status.UNIMPLEMENTED, details: '"Nope" is not a unary Control method that can be pipelined' });
      expect(byId['2']).toMatchObject({ status: grpc.status.UNIMPLEMENTED });
      expect(byId['3']?.status).toBe(grpc.status.INVALID_ARGUMENT);
      expect(byId['3']?.details).toMatch(/^the request is not a valid GetNode request message: /);
      expect(seen).toEqual([]);
    } finally {
      (client as unknown as grpc.Client).close();
    }
  });

  it('batches: the calls of one message are answered in one message, split where a batch passes 1 MiB', async () => {
    const { addr } = await serve();
    const client = new (controlProto().Control)(addr, channelCredentials(admin, 'manager'), TLS_CHANNEL_OPTIONS) as unknown as ControlClient;
    const definitions = CONTROL();
    const request = (method: string, req: object): Buffer => definitions[method]!.requestSerialize(req);
    try {
      const stream = client.Pipeline();
      const batches: PipelinedReply__Output[][] = [];
      let wanted = 0;
      let arrived: () => void = () => undefined;
      stream.on('data', (batch: PipelinedReplies__Output) => {
        batches.push(batch.replies);
        if (batches.flat().length >= wanted) arrived();
      });
      const exchange = (calls: { id: string; method: string; request: Buffer }[]): Promise<PipelinedReply__Output[][]> => {
        const from = batches.length;
        wanted = batches.flat().length + calls.length;
        const done = new Promise<void>((resolve) => (arrived = resolve));
        stream.write({ calls });
        return done.then(() => batches.slice(from));
      };
      // 50 small calls in one message: 50 replies in one message.
      const small = await exchange(
        Array.from({ length: 50 }, (_, i) => ({ id: String(i + 1), method: 'GetNode', request: request('GetNode', { node: 'm1' }) })),
      );
      expect(small.map((b) => b.length)).toEqual([50]);
      expect(small[0]!.map((r) => r.status)).toEqual(Array(50).fill(grpc.status.OK));
      // Replies of ~600 KB each: no batch carries two of them.
      const big = 'x'.repeat(600_000);
      await exchange([{ id: '100', method: 'UpdateNode', request: request('UpdateNode', { node: 'm1', addLabels: { big }, removeLabels: [] }) }]);
      const large = await exchange(['101', '102', '103'].map((id) => ({ id, method: 'GetNode', request: request('GetNode', { node: 'm1' }) })));
      expect(large.map((b) => b.map((r) => r.id))).toEqual([['101'], ['102'], ['103']]);
      stream.end();
    } finally {
      (client as unknown as grpc.Client).close();
    }
  });

  it('splits calls made together whose sum passes the 16 MiB message limit, and each gets its answer', async () => {
    const { addr } = await serve();
    const c = connect([addr]);
    // 25 × 700 kB = 17.5 MB: as one message the manager would refuse it whole.
    const values = Array.from({ length: 25 }, (_, i) => String.fromCharCode(97 + i).repeat(700_000));
    const nodes = await Promise.all(values.map((v) => c.call('UpdateNode', { node: 'm1', addLabels: { k: v }, removeLabels: [] }, { write: true })));
    expect(nodes.map((n) => n.labels?.k?.length)).toEqual(Array(25).fill(700_000));
    expect(new Set(nodes.map((n) => n.labels?.k?.[0])).size).toBe(25);
  });

  it('uses unary calls with a manager that has no Pipeline', async () => {
    const { addr, seen } = await serve({ pipeline: false });
    const c = connect([addr]);
    expect((await c.call('GetNode', { node: 'm1' })).name).toBe('m1');
    expect((await c.call('GetNode', { node: 'm1' })).name).toBe('m1');
    expect(seen).toEqual(['GetNode m1', 'GetNode m1']);
  });

  it('fails the calls in flight when the manager goes away, and fails over to the next address', async () => {
    const dying = await serve();
    const spare = await serve();
    const c = connect([dying.addr, spare.addr]);
    expect((await c.call('GetNode', { node: 'm1' })).name).toBe('m1');
    const inFlight = c.call('GetNode', { node: 'slow' });
    await new Promise<void>((resolve) => {
      const check = (): void => (dying.seen.includes('GetNode slow') ? resolve() : void setTimeout(check, 1));
      check();
    });
    dying.server.forceShutdown();
    // The call that was on the broken stream is retried on the spare, like a unary call whose
    // connection broke (UNAVAILABLE).
    expect((await inFlight).name).toBe('slow');
    expect(spare.seen).toContain('GetNode slow');
  });
});
