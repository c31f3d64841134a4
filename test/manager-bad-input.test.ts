// Bad input against real manager processes: wrong, rotated, foreign and worker join tokens;
// garbage on the gRPC port; unknown addresses; a second process on a data directory; init
// over an existing node; a client certificate from another cluster. Every refusal must say
// what went wrong, and the cluster must carry on unchanged.

import { createHash, randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { join, relative } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CliError, ControlConnection, loadCredentials } from '@shoal/cli';
import { SHOAL_BIN, freePort, type LocalCluster } from '../scripts/lib/cluster.js';
import { Lab } from './support/lab.js';
import { leaderCommit, others, waitCaughtUp, waitFor, withManager, writeLabel } from './support/managers.js';

/** Node ids and Raft voters: what a refused join must leave as it was. */
async function membership(cluster: LocalCluster): Promise<{ nodes: string[]; voters: string[] }> {
  const client = cluster.client();
  const { nodes } = await client.call('ListNodes', { read: { stale: false } });
  const info = await client.call('ClusterInfo', { read: { stale: false } });
  return {
    nodes: nodes.map((n) => n.id).sort(),
    voters: info.managers
      .filter((m) => m.raftRole === 'voter')
      .map((m) => m.id)
      .sort(),
  };
}

/** sha256 of every file under `dir`, by relative path. */
function fileDigests(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

/** Resolves once the socket is closed (by either side); whatever the server answers is read and dropped. */
function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve();
    socket.once('close', () => resolve());
    socket.resume();
  });
}

/** A well-formed manager token of this cluster with another secret. */
function withWrongSecret(token: string): string {
  const parts = token.split('-');
  let secret = parts[3]!;
  while (secret === parts[3]) secret = Array.from(randomBytes(25), (b) => 'abcdefghijklmnopqrstuvwxyz0123456789'[b % 36]).join('');
  return [...parts.slice(0, 3), secret].join('-');
}

describe.sequential('bad input', () => {
  const clusters = new Lab();
  const lab = new Lab();
  let cluster: LocalCluster;
  let other: LocalCluster;

  beforeAll(async () => {
    cluster = await clusters.cluster('bad-input', 3);
    other = await clusters.cluster('bad-input-other', 1);
  });
  let anyFailed = false;
  afterEach(({ task }) => {
    anyFailed ||= task.result?.state === 'fail';
    return lab.cleanup({ failed: task.result?.state === 'fail' });
  });
  afterAll(() => clusters.cleanup({ failed: anyFailed }));

  /** Runs `shoal manager join` into a fresh directory; returns the result and that directory. */
  async function join_(token: string, name: string): Promise<{ code: number | null; stderr: string; dir: string }> {
    const dir = lab.dir(name);
    const r = await lab.runShoal([
      'manager',
      'join',
      cluster.hosts[0]!,
      '--token',
      token,
      '--listen',
      `127.0.0.1:${await freePort()}`,
      '--data',
      dir,
      '--name',
      name,
      '--metrics',
      '',
    ]);
    return { code: r.code, stderr: r.stderr, dir };
  }

  it('a join token with the wrong secret is refused, and nothing changes', async () => {
    const before = await membership(cluster);
    const r = await join_(withWrongSecret(await cluster.joinToken('manager')), 'wrong-secret');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/join token/);
    expect(r.stderr).toMatch(/not valid/);
    expect(existsSync(join(r.dir, 'node.json'))).toBe(false);
    expect(await membership(cluster)).toEqual(before);
  });

  it('a worker token cannot make a manager, and leaves no node behind', async () => {
    const before = await membership(cluster);
    const r = await join_(await cluster.joinToken('worker'), 'worker-token');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/worker join token/);
    expect(r.stderr).toMatch(/shoal join-token manager/);
    expect(existsSync(join(r.dir, 'node.json'))).toBe(false);
    expect(await membership(cluster)).toEqual(before);
  });

  it('a manager token cannot make a worker either, and leaves no phantom manager or Raft learner behind', async () => {
    const before = await membership(cluster);
    const dir = lab.dir('manager-token-worker');
    const r = await lab.runShoal([
      'worker',
      'join',
      cluster.hosts[0]!,
      '--token',
      await cluster.joinToken('manager'),
      '--data',
      dir,
      '--name',
      'manager-token-worker',
      '--listen',
      `127.0.0.1:${await freePort()}`,
      '--runtime',
      'simulated',
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/that is a manager join token/);
    expect(r.stderr).toMatch(/shoal join-token worker/);
    // Checked before any write: the node list and the Raft membership are as they were.
    expect(await membership(cluster)).toEqual(before);
    const info = await cluster.client().call('ClusterInfo', { read: { stale: false } });
    expect(info.managers.map((m) => m.id).sort()).toEqual(before.voters);
  });

  it('a rotated manager token is refused afterwards', async () => {
    const old = await cluster.joinToken('manager');
    const rotated = await cluster.client().call('JoinToken', { role: 'manager', rotate: true }, { write: true });
    expect(rotated.token).not.toBe(old);
    expect(await cluster.joinToken('manager')).toBe(rotated.token);
    const before = await membership(cluster);
    const r = await join_(old, 'rotated-token');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/join token is not valid \(it may have been rotated\)/);
    expect(existsSync(join(r.dir, 'node.json'))).toBe(false);
    expect(await membership(cluster)).toEqual(before);
  });

  it("another cluster's token is refused: its CA digest is not this cluster's", async () => {
    const before = await membership(cluster);
    const r = await join_(await other.joinToken('manager'), 'foreign-token');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/another cluster/);
    expect(r.stderr).toMatch(/digest/);
    expect(existsSync(join(r.dir, 'node.json'))).toBe(false);
    expect(await membership(cluster)).toEqual(before);
  });

  it('garbage on the gRPC port (raw TCP, TLS without a certificate, HTTP/2 with one) does not disturb the cluster', async () => {
    const target = await cluster.waitForLeader();
    const host = '127.0.0.1';
    const port = Number(target.addr.split(':')[1]);

    const raw = netConnect({ host, port });
    await new Promise<void>((resolve, reject) => raw.once('connect', resolve).once('error', reject));
    raw.on('error', () => undefined);
    raw.end(randomBytes(64 * 1024));
    await closed(raw);

    const anonymous = tlsConnect({ host, port, rejectUnauthorized: false, ALPNProtocols: ['h2'] });
    anonymous.on('error', () => undefined);
    await new Promise<void>((resolve) => anonymous.once('secureConnect', resolve).once('close', resolve));
    if (!anonymous.destroyed) anonymous.end(randomBytes(64 * 1024));
    await closed(anonymous);

    // Authenticated TLS (the admin certificate), the HTTP/2 preface, then noise as frames.
    const admin = loadCredentials(cluster.adminDir);
    const authed = tlsConnect({
      host,
      port,
      ca: admin.caPem,
      cert: admin.certPem,
      key: admin.keyPem,
      checkServerIdentity: () => undefined,
      ALPNProtocols: ['h2'],
    });
    authed.on('error', () => undefined);
    await new Promise<void>((resolve) => authed.once('secureConnect', resolve).once('close', resolve));
    if (!authed.destroyed) authed.end(Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), randomBytes(64 * 1024)]));
    await closed(authed);

    expect(target.proc?.exitCode).toBeNull();
    await writeLabel(cluster.client(), 'm1', 'after-garbage');
    // The manager that got the garbage still serves, reads and writes.
    await withManager(cluster, target, async (conn) => {
      await writeLabel(conn, 'm1', 'after-garbage-direct');
      const m1 = await conn.call('GetNode', { node: 'm1', read: { stale: false } });
      expect(m1.labels).toMatchObject({ 'after-garbage': 'v', 'after-garbage-direct': 'v' });
    });
  });

  it('a reader that quits early (`shoal node ls | head -1`) ends the CLI quietly, with status 0', async () => {
    const proc = spawn(process.execPath, [SHOAL_BIN, '--host', cluster.hosts.join(','), 'node', 'ls'], {
      env: { ...process.env, SHOAL_CERTS: cluster.adminDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Our end is closed long before the table is printed: that write meets a closed pipe.
    proc.stdout.destroy();
    let stderr = '';
    proc.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('an address where no manager runs is named as "connection refused"; with a good one after it the CLI fails over', async () => {
    const closedAddr = `127.0.0.1:${await freePort()}`;
    const env = { SHOAL_CERTS: cluster.adminDir };
    const refused = await lab.runShoal(['--host', closedAddr, 'node', 'ls'], env);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(`${closedAddr}: connection refused`);

    const failover = await lab.runShoal(['--host', `${closedAddr},${cluster.hosts[0]}`, 'node', 'ls', '--json'], env);
    expect(failover.code, failover.stderr).toBe(0);
    const rows = JSON.parse(failover.stdout) as { name: string }[];
    expect(rows.map((r) => r.name)).toEqual(expect.arrayContaining(['m1', 'm2', 'm3']));
  });

  it('a second process on a running manager\'s data directory is refused ("in use") and the manager carries on', async () => {
    const m = cluster.manager('m2');
    const identity = (): Record<string, string> => {
      const all = fileDigests(m.dataDir);
      return Object.fromEntries(Object.entries(all).filter(([p]) => !p.startsWith('raft/')));
    };
    const before = identity();
    const r = await lab.runShoal(['manager', 'start', '--data', m.dataDir, '--metrics', '']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/in use/);
    expect(m.proc?.exitCode).toBeNull();
    expect(identity()).toEqual(before);
    await withManager(cluster, m, async (conn) => {
      const info = await conn.call('ClusterInfo', { read: { stale: false } });
      expect(info.answeredBy).toBe(m.nodeId);
      await writeLabel(conn, 'm1', 'after-second-process');
    });
    await waitFor('m2 to apply the write', async () => {
      const m1 = await withManager(cluster, m, (conn) => conn.call('GetNode', { node: 'm1', read: { stale: true } }));
      return m1.labels['after-second-process'] === 'v' ? true : undefined;
    });
  });

  it('`manager init` over a directory that holds a node is refused and changes nothing', async () => {
    // A stopped manager, so every file (the Raft database too) must stay byte for byte.
    const m = cluster.manager('m3');
    await cluster.kill(m.name, 'SIGTERM');
    try {
      const before = fileDigests(m.dataDir);
      const r = await lab.runShoal(['manager', 'init', '--data', m.dataDir, '--listen', `127.0.0.1:${await freePort()}`, '--name', 'again', '--metrics', '']);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/already holds a shoal node/);
      expect(r.stderr).toContain(m.nodeId);
      expect(fileDigests(m.dataDir)).toEqual(before);
    } finally {
      await cluster.start(m.name);
    }
    await waitCaughtUp(cluster, m, await leaderCommit(cluster));
  });

  it('a client certificate from another cluster is refused', async () => {
    // Trusting the other CA, the client refuses the server...
    const foreign = loadCredentials(other.adminDir);
    const viaCli = await lab.runShoal(['--host', cluster.hosts.join(','), 'node', 'ls'], { SHOAL_CERTS: other.adminDir });
    expect(viaCli.code).not.toBe(0);
    expect(viaCli.stderr).toMatch(/TLS|certificate|credentials/);

    // ...and trusting this cluster's CA but presenting the other cluster's certificate, the
    // server refuses the client.
    const own = loadCredentials(cluster.adminDir);
    const conn = new ControlConnection(cluster.hosts, { ...foreign, caPem: own.caPem });
    try {
      const err = await conn.call('ListNodes', { read: { stale: true } }, { timeoutMs: 5000 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(CliError);
      expect((err as CliError).code).toBe('UNAUTHENTICATED');
      expect((err as CliError).message).toMatch(/certificate from the cluster CA/);
    } finally {
      conn.close();
    }
    // The cluster's own admin still gets in.
    await writeLabel(cluster.client(), 'm1', 'after-foreign-client');
  });

  it('leaves the cluster healthy: every manager has every write', async () => {
    const commit = await leaderCommit(cluster);
    for (const m of cluster.managers) await waitCaughtUp(cluster, m, commit);
    const leader = await cluster.waitForLeader();
    expect(others(cluster, leader)).toHaveLength(2);
  });
});
