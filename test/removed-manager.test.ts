// A demoted or removed manager's certificate grants nothing: not as CLI credentials on the
// control API, not on the Raft transport; and the manager itself, restarted on its old data,
// refuses to start (its own data says it was removed) or stops as soon as another manager
// tells it so (it was removed while it was down).

import * as grpc from '@grpc/grpc-js';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TLS_CHANNEL_OPTIONS, channelCredentials } from '@shoal/identity';
import { CLIENT_OPTIONS, raftProto, readErrorCode } from '@shoal/wire';
import type { ManagerProcess } from '../scripts/lib/cluster.js';
import { Lab } from './support/lab.js';
import { others, waitFor, waitForExit, waitHealthy, writeLabelEventually } from './support/managers.js';

/** A manager's node certificate laid out as CLI credentials (what an attacker holding its data directory could do). */
function credentialsOf(lab: Lab, m: ManagerProcess): string {
  const dir = lab.dir(`creds-${m.name}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  copyFileSync(join(m.dataDir, 'tls', 'ca.pem'), join(dir, 'ca.pem'));
  copyFileSync(join(m.dataDir, 'tls', 'node.pem'), join(dir, 'cert.pem'));
  copyFileSync(join(m.dataDir, 'tls', 'node-key.pem'), join(dir, 'key.pem'));
  return dir;
}

/** Opens a Raft stream to `addr` with `m`'s certificate, sends one empty batch, and returns how the call ended. */
function raftStreamWith(m: ManagerProcess, addr: string): Promise<grpc.ServiceError | null> {
  const tls = {
    caPem: readFileSync(join(m.dataDir, 'tls', 'ca.pem'), 'utf8'),
    certPem: readFileSync(join(m.dataDir, 'tls', 'node.pem'), 'utf8'),
    keyPem: readFileSync(join(m.dataDir, 'tls', 'node-key.pem'), 'utf8'),
  };
  const Client = raftProto().RaftTransport;
  const client = new Client(addr, channelCredentials(tls, 'manager'), { ...CLIENT_OPTIONS, ...TLS_CHANNEL_OPTIONS });
  return new Promise((resolve) => {
    const deadline = setTimeout(() => {
      client.close();
      resolve(null);
    }, 10_000);
    const stream = client.Stream((err) => {
      clearTimeout(deadline);
      client.close();
      resolve(err ?? null);
    });
    stream.on('error', () => {
      /* reported through the callback */
    });
    stream.write({ envelopes: [], incarnation: '' });
  });
}

/** The peers a manager's /metrics has a shoal_raft_peer_reachable series for. */
async function peerGauges(m: ManagerProcess): Promise<string[]> {
  const text = await (await fetch(`http://${m.metrics}/metrics`)).text();
  return [...text.matchAll(/^shoal_raft_peer_reachable\{[^}]*peer="([^"]+)"/gm)].map((x) => x[1]!);
}

describe.sequential('a removed manager', () => {
  const lab = new Lab();
  afterEach(({ task }) => lab.cleanup({ failed: task.result?.state === 'fail' }));

  it('its certificate is refused on the control API and the Raft transport, once demoted and once removed, and it cannot start again', async () => {
    const cluster = await lab.cluster('removed', 3);
    const client = cluster.client();
    const leader = await waitHealthy(cluster, 3);
    const victim = others(cluster, leader)[0]!;
    const creds = credentialsOf(lab, victim);
    const asVictim = (args: string[]) => lab.runShoal(args, { SHOAL_HOST: cluster.hosts.join(','), SHOAL_CERTS: creds });

    // While it is a manager its certificate works as CLI credentials (the control is real).
    const before = await asVictim(['node', 'ls']);
    expect(before.code, before.stderr).toBe(0);
    for (const m of others(cluster, victim)) expect(await peerGauges(m)).toContain(victim.nodeId);

    await client.call('DemoteNode', { node: victim.name }, { write: true, timeoutMs: 15_000 });
    expect(await waitForExit(victim)).toBe(0);
    const live = others(cluster, victim);

    // Demoted: every API refuses it, on every manager still up.
    for (const args of [
      ['node', 'ls'],
      ['service', 'create', '--name', 'evil', 'sleep', '1000'],
      ['join-token', 'manager'],
      ['join-token', 'worker', '--rotate'],
    ]) {
      const r = await asVictim(args);
      expect(r.code, `${args.join(' ')}: ${r.stdout}${r.stderr}`).not.toBe(0);
      expect(r.stderr).toMatch(/demoted to a worker; its manager certificate grants nothing/);
      expect(r.stdout).not.toMatch(/SWMTKN/);
    }
    for (const m of live) {
      const err = await raftStreamWith(victim, m.addr);
      expect(err?.code).toBe(grpc.status.PERMISSION_DENIED);
      expect(err?.details).toMatch(/demoted/);
      expect(readErrorCode(err)).toBe('REMOVED');
    }

    await client.call('RemoveNode', { node: victim.name, force: false }, { write: true });
    const removed = await asVictim(['join-token', 'manager']);
    expect(removed.code).not.toBe(0);
    expect(removed.stderr).toMatch(/was removed from this cluster/);
    expect(removed.stdout).not.toMatch(/SWMTKN/);
    for (const m of live) {
      const err = await raftStreamWith(victim, m.addr);
      expect(err?.code).toBe(grpc.status.PERMISSION_DENIED);
      expect(err?.details).toMatch(/removed from this cluster/);
    }

    // Nothing the refused calls tried happened: no service, same nodes, the cluster still writes.
    const services = await lab.runShoal(['service', 'ls'], { SHOAL_HOST: cluster.hosts.join(','), SHOAL_CERTS: cluster.adminDir });
    expect(services.stdout).not.toMatch(/evil/);
    await writeLabelEventually(client, live[0]!.name, 'after-removal');

    // Its peer-reachability series is gone from every manager's /metrics, not left at 0 forever.
    for (const m of live) {
      await waitFor(`${m.name}'s /metrics to drop the removed peer`, async () => ((await peerGauges(m)).includes(victim.nodeId) ? undefined : true), 10_000);
    }

    // Restarted on its old data, it refuses to start and says why.
    const restart = await lab.runShoal(['manager', 'start', '--data', victim.dataDir, '--json'], {}, 20_000);
    expect(restart.code, restart.stdout + restart.stderr).not.toBe(0);
    expect(restart.stderr).toMatch(/this manager cannot start: node .* was demoted to a worker; its manager certificate grants nothing/);
    expect(restart.stderr).toMatch(/shoal manager join/);
    expect(restart.stdout + restart.stderr).not.toMatch(/"msg":"manager serving"/);
  });

  it('removed while it was down, it stops as soon as a manager refuses it', async () => {
    const cluster = await lab.cluster('removed-away', 3);
    const client = cluster.client();
    const leader = await waitHealthy(cluster, 3);
    const victim = others(cluster, leader)[0]!;
    await cluster.kill(victim.name, 'SIGTERM');

    // Its data still says it is a voter: only the others know.
    await client.call('DemoteNode', { node: victim.name }, { write: true, timeoutMs: 15_000 });
    await client.call('RemoveNode', { node: victim.name, force: true }, { write: true });
    const { nodes } = await client.call('ListNodes', { read: { stale: false } });
    expect(nodes.map((n) => n.id)).not.toContain(victim.nodeId);

    const restart = await lab.runShoal(['manager', 'start', '--data', victim.dataDir, '--json'], {}, 20_000);
    expect(restart.stderr).toMatch(/another manager refuses this one: .*removed from this cluster/);
    expect(restart.stderr).toMatch(/shoal manager join/);
  });
});
