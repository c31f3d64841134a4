// ControlConnection's failover over real gRPC with mutual TLS on 127.0.0.1, against stand-in
// managers scripted to answer as managers do around a leader change: a refused address, one
// that never completes a connection, "not the leader" naming a dead one, "no leader is
// elected" while an election runs, and "no quorum" when none can run.

import { createServer, type Server as NetServer, type Socket } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { createClusterCA, issueCredentials, requireRole, serverCredentials, type IssuedCredentials } from '@shoal/identity';
import { ManagerError } from '@shoal/manager/errors';
import { controlProto, type WireNode } from '@shoal/wire';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CliError, ControlConnection, type Credentials } from '../src/client.js';

/** How a stand-in manager answers its nth UpdateNode (0-based): a node, or an error. */
type Script = (n: number) => Promise<ManagerError | undefined> | ManagerError | undefined;

interface StandIn {
  readonly addr: string;
  /** UpdateNode calls it received. */
  writes: number;
}

let serverCreds: IssuedCredentials;
let admin: Credentials;
const servers: grpc.Server[] = [];
const netServers: NetServer[] = [];
const sockets: Socket[] = [];
const connections: ControlConnection[] = [];

/** A Control server whose UpdateNode follows `script`; ClusterInfo reports `view`. */
async function standIn(script: Script, view: { reachableVoters: number; leaderAddr?: string } = { reachableVoters: 3 }): Promise<StandIn> {
  const server = new grpc.Server();
  const s = { addr: '', writes: 0 };
  server.addService(controlProto().Control.service, {
    UpdateNode: (call: grpc.ServerUnaryCall<{ node: string }, WireNode>, callback: grpc.sendUnaryData<WireNode>) => {
      requireRole(call, ['admin']);
      void Promise.resolve(script(s.writes++)).then((err) =>
        err
          ? callback(err.toServiceError())
          : callback(null, { id: 'm1'.padEnd(25, 'x'), name: call.request.node, role: 'manager', status: 'ready', availability: 'active', version: '1' }),
      );
    },
    ClusterInfo: (_call: unknown, callback: grpc.sendUnaryData<object>) =>
      callback(null, {
        voters: 3,
        quorum: 2,
        reachableVoters: view.reachableVoters,
        leaderAddr: view.leaderAddr ?? '',
        leader: view.leaderAddr ? 'leader' : '',
      }),
  });
  servers.push(server);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', serverCredentials(serverCreds), (e, p) => (e ? reject(e) : resolve(p))),
  );
  s.addr = `127.0.0.1:${port}`;
  return s;
}

/** An address nothing listens on: connecting is refused. */
async function closedAddr(): Promise<string> {
  const srv = createServer();
  const port = await new Promise<number>((resolve) => srv.listen(0, '127.0.0.1', () => resolve((srv.address() as { port: number }).port)));
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return `127.0.0.1:${port}`;
}

/** An address that accepts TCP and then says nothing: a TLS handshake there never completes. */
async function silentAddr(): Promise<{ addr: string; connections: () => number }> {
  let n = 0;
  const srv = createServer((socket) => {
    n++;
    sockets.push(socket);
  });
  netServers.push(srv);
  const port = await new Promise<number>((resolve) => srv.listen(0, '127.0.0.1', () => resolve((srv.address() as { port: number }).port)));
  return { addr: `127.0.0.1:${port}`, connections: () => n };
}

function connect(hosts: string[]): ControlConnection {
  const c = new ControlConnection(hosts, admin);
  connections.push(c);
  return c;
}

const write = (c: ControlConnection, timeoutMs = 8000): Promise<WireNode> =>
  c.call('UpdateNode', { node: 'm1', addLabels: { a: '1' }, removeLabels: [] }, { write: true, timeoutMs });

async function failure(p: Promise<unknown>): Promise<CliError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(CliError);
    return e as CliError;
  }
  throw new Error('expected the call to fail');
}

const noLeader = (): ManagerError =>
  new ManagerError('NO_QUORUM', 'no leader is elected: 2 of 3 managers reachable; 2 needed. Wait for an election, or start the missing managers');

beforeAll(async () => {
  const ca = await createClusterCA('cluster1');
  serverCreds = await issueCredentials(ca, { nodeId: 'm1', role: 'manager', clusterId: 'cluster1' });
  admin = { ...(await issueCredentials(ca, { nodeId: 'admin', role: 'admin', clusterId: 'cluster1' })), dir: '' };
});

afterEach(() => {
  for (const c of connections.splice(0)) c.close();
});

afterAll(() => {
  for (const s of servers.splice(0)) s.forceShutdown();
  for (const s of sockets.splice(0)) s.destroy();
  for (const s of netServers.splice(0)) s.close();
});

describe('ControlConnection failover', () => {
  it('passes over a refused address to the next one', async () => {
    const good = await standIn(() => undefined);
    expect((await write(connect([await closedAddr(), good.addr]))).name).toBe('m1');
    expect(good.writes).toBe(1);
  });

  it('does not let an address that never completes a connection take the whole deadline: the next one answers', async () => {
    const silent = await silentAddr();
    const good = await standIn(() => undefined);
    // With a 3 s deadline for the whole call, waiting on the silent address until the
    // deadline would leave nothing for the good one.
    expect((await write(connect([silent.addr, good.addr]), 3000)).name).toBe('m1');
    expect(silent.connections()).toBeGreaterThan(0);
    expect(good.writes).toBe(1);
  });

  it('names each address when none can be reached', async () => {
    const [a, b] = [await closedAddr(), await closedAddr()];
    const err = await failure(write(connect([a, b])));
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.message).toContain(`${a}: connection refused`);
    expect(err.message).toContain(`${b}: connection refused`);
  });

  it('rides out an election: "no leader" answers, then the new leader named takes the write', async () => {
    const leader = await standIn(() => undefined);
    const follower = await standIn((n) => (n < 3 ? noLeader() : new ManagerError('NOT_LEADER', 'this manager is not the leader', leader.addr)));
    expect((await write(connect([follower.addr]))).name).toBe('m1');
    expect(follower.writes).toBe(4);
    expect(leader.writes).toBe(1);
  });

  it('retries while the only leader named is dead, until a manager that answers leads', async () => {
    const dead = await closedAddr();
    const survivor = await standIn(
      (n) => (n < 2 ? new ManagerError('NOT_LEADER', `this manager is not the leader; the leader is at ${dead}`, dead) : undefined),
      {
        reachableVoters: 2,
        leaderAddr: dead,
      },
    );
    expect((await write(connect([dead, survivor.addr]))).name).toBe('m1');
    expect(survivor.writes).toBe(3);
  });

  it('keeps riding out the election when the last manager to answer was just restarted and sees no quorum yet', async () => {
    // The order the leader's death meets: the dead leader refuses, a survivor still names it,
    // and a manager restarted a moment ago answers last, not yet reconnected to its peers.
    const dead = await closedAddr();
    const survivor = await standIn(
      (n) => (n < 2 ? new ManagerError('NOT_LEADER', `this manager is not the leader; the leader is at ${dead}`, dead) : undefined),
      {
        reachableVoters: 2,
        leaderAddr: dead,
      },
    );
    const restarted = await standIn(() => new ManagerError('NO_QUORUM', 'no leader is elected: 1 of 2 managers reachable; 2 needed for a quorum'), {
      reachableVoters: 1,
    });
    expect((await write(connect([dead, survivor.addr, restarted.addr]))).name).toBe('m1');
    expect(survivor.writes).toBe(3);
  });

  it("fails at once with the manager's reason when no quorum can form", async () => {
    const alone = await standIn(() => new ManagerError('NO_QUORUM', 'cannot commit: 1 of 3 managers reachable; 2 needed'), { reachableVoters: 1 });
    const err = await failure(write(connect([alone.addr])));
    expect(err.code).toBe('NO_QUORUM');
    expect(err.message).toBe('cannot commit: 1 of 3 managers reachable; 2 needed');
    expect(alone.writes).toBe(1);
  });

  it('does not send a write again after a NO_QUORUM that came late (it may still be applied)', async () => {
    const slow = await standIn(async () => {
      await new Promise((r) => setTimeout(r, 1200));
      return new ManagerError('NO_QUORUM', 'the change was not committed within 1200 ms; it may still be applied: re-read before retrying');
    });
    const err = await failure(write(connect([slow.addr])));
    expect(err.code).toBe('NO_QUORUM');
    expect(err.message).toMatch(/may still be applied/);
    expect(slow.writes).toBe(1);
  });
});
