// Task load from a worker to the leader's TaskLoadBoard (what the autoscaler reads): a real
// manager and a real worker agent in this process (the simulated runtime, whose tasks' CPU a
// test sets), over the real dispatcher session. The board is the manager's own memory, so it
// is read through the manager object.

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from '@shoal/agent';
import { ControlConnection, loadCredentials } from '@shoal/cli';
import { Manager } from '@shoal/manager';
import { serviceSpecToWire } from '@shoal/wire';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../scripts/lib/cluster.js';

interface LoadSample {
  readonly nodeId: string;
  readonly cpuPercent: number | null;
  readonly atMs: number;
}
type WithBoard = { dispatcher: { taskLoad: { samplesOf(taskId: string): readonly LoadSample[] } } };
type WithSimulatedRuntime = { runtime: { setCpuPercent(taskId: string, percent: number): void } };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("a worker's heartbeats", () => {
  it("leave its tasks' CPU on the leader's board; its samples go when its session ends", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shoal-heartbeat-load-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const silent = pino({ enabled: false });
    const listen = `127.0.0.1:${await freePort()}`;
    const { manager, tokens, adminDir } = await Manager.init({ data: join(dir, 'm1'), listen, metrics: '', logger: silent });
    cleanups.push(() => manager.stop());
    const agent = await Agent.join({ data: join(dir, 'w1'), remote: listen, token: tokens.worker, runtime: 'simulated', name: 'w1', logger: silent });
    let agentStopped = false;
    cleanups.push(async () => {
      if (!agentStopped) await agent.stop('test over');
    });
    const control = new ControlConnection([listen], loadCredentials(adminDir));
    cleanups.push(() => control.close());

    await control.call(
      'CreateService',
      { spec: serviceSpecToWire({ name: 'loaded', replicas: 1, task: { runtime: 'simulated', command: ['work'] } }) },
      { write: true },
    );
    const taskId = await waitFor('the task to run', async () => {
      const { tasks } = await control.call('ListTasks', {});
      return tasks.find((t) => t.state === 'running')?.id;
    });

    (agent as unknown as WithSimulatedRuntime).runtime.setCpuPercent(taskId, 80);
    const board = (manager as unknown as WithBoard).dispatcher.taskLoad;
    // The agent samples and reports every 2 s: the first figure after the change spans it.
    const sample = await waitFor('the leader to see the task at 80 % of a core', () => {
      const s = board.samplesOf(taskId).find((x) => x.nodeId === agent.nodeId);
      return s && s.cpuPercent !== null && s.cpuPercent > 75 && s.cpuPercent < 85 ? s : undefined;
    });
    expect(sample.atMs).toBeLessThanOrEqual(Date.now());

    await agent.stop('test over');
    agentStopped = true;
    await waitFor("the leader to forget the node's samples", () => (board.samplesOf(taskId).length === 0 ? true : undefined));
  }, 60_000);
});
