import { createServer as createTcpServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { backend, freePort, get, quiet, until } from './backends.js';
import { RoutingMesh } from '@shoal/ingress';

describe('routing mesh', () => {
  const cleanup: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanup.splice(0)) c();
  });

  it('balances connections on a published port over every backend, in turn when equally loaded', async () => {
    const a = await backend('a');
    const b = await backend('b');
    cleanup.push(
      () => a.server.close(),
      () => b.server.close(),
    );
    const published = await freePort();
    const mesh = new RoutingMesh('127.0.0.1', quiet);
    cleanup.push(() => mesh.close());
    mesh.update([
      {
        published,
        serviceName: 'web',
        backends: [
          { host: '127.0.0.1', port: a.port, taskId: 'ta' },
          { host: '127.0.0.1', port: b.port, taskId: 'tb' },
        ],
      },
    ]);
    await until(() => get(published));
    const seen = [];
    const idle = () => until(async () => ([...mesh.taskCounters().values()].every((c) => c.open === 0) ? true : undefined));
    await idle();
    for (let i = 0; i < 6; i++) {
      seen.push(await get(published));
      await idle(); // equally idle backends: each takes its turn
    }
    expect(new Set(seen)).toEqual(new Set(['a', 'b']));
    expect(seen.filter((s) => s === 'a').length).toBe(3);
  });

  it('reports a published port another process holds, and publishes it once freed', async () => {
    const published = await freePort();
    const squatter = createTcpServer((s) => s.destroy());
    await new Promise<void>((r) => squatter.listen(published, '127.0.0.1', r));
    let squatting = true;
    cleanup.push(() => void (squatting && squatter.close()));
    const a = await backend('a');
    cleanup.push(() => a.server.close());
    const reports: { published: number; serviceName: string; error: string }[][] = [];
    const mesh = new RoutingMesh('127.0.0.1', quiet, (f) => reports.push(f));
    cleanup.push(() => mesh.close());
    const route = { published, serviceName: 'web', backends: [{ host: '127.0.0.1', port: a.port, taskId: 'ta' }] };
    mesh.update([route]);
    const failure = { published, serviceName: 'web', error: `address in use: another process on this node listens on 127.0.0.1:${published}` };
    await until(async () => (reports.length > 0 ? true : undefined));
    expect(reports).toEqual([[failure]]);
    expect(mesh.failures()).toEqual([failure]);
    // A new table with the port still held reports nothing new.
    mesh.update([route]);
    await until(async () => (mesh.failures().length === 1 && reports.length === 1 ? true : undefined));
    // Freed: the next table opens it, and the failure is withdrawn.
    await new Promise<void>((r) => squatter.close(() => r()));
    squatting = false;
    mesh.update([route]);
    await until(async () => (reports.length === 2 ? true : undefined));
    expect(reports[1]).toEqual([]);
    expect(await until(() => get(published))).toBe('a');
  });

  it('withdraws the failure of a port that leaves the table', async () => {
    const published = await freePort();
    const squatter = createTcpServer((s) => s.destroy());
    await new Promise<void>((r) => squatter.listen(published, '127.0.0.1', r));
    cleanup.push(() => squatter.close());
    const reports: unknown[][] = [];
    const mesh = new RoutingMesh('127.0.0.1', quiet, (f) => reports.push(f));
    cleanup.push(() => mesh.close());
    mesh.update([{ published, serviceName: 'web', backends: [] }]);
    await until(async () => (reports.length === 1 ? true : undefined));
    mesh.update([]);
    expect(reports).toHaveLength(2);
    expect(reports[1]).toEqual([]);
    expect(mesh.failures()).toEqual([]);
  });

  it('skips a backend that refuses connections, and follows table updates', async () => {
    const a = await backend('a');
    cleanup.push(() => a.server.close());
    const dead = await freePort(); // nothing listens there
    const published = await freePort();
    const mesh = new RoutingMesh('127.0.0.1', quiet);
    cleanup.push(() => mesh.close());
    mesh.update([
      {
        published,
        serviceName: 'web',
        backends: [
          { host: '127.0.0.1', port: dead, taskId: 'gone' },
          { host: '127.0.0.1', port: a.port, taskId: 'ta' },
        ],
      },
    ]);
    await until(() => get(published));
    for (let i = 0; i < 4; i++) expect(await get(published)).toBe('a');
    // The port is unpublished: connections are refused.
    mesh.update([]);
    await until(async () =>
      (await get(published).then(
        () => false,
        () => true,
      ))
        ? true
        : undefined,
    );
    expect(mesh.routes()).toEqual([]);
  });

  it('a port already in use on the node is reported, not fatal', async () => {
    const busy = createTcpServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    cleanup.push(() => busy.close());
    const port = (busy.address() as { port: number }).port;
    const warnings: string[] = [];
    const mesh = new RoutingMesh('127.0.0.1', { info() {}, warn: (_f, m) => warnings.push(m) });
    cleanup.push(() => mesh.close());
    mesh.update([{ published: port, serviceName: 'web', backends: [] }]);
    await until(async () => (warnings.length > 0 ? true : undefined));
    expect(warnings[0]).toBe(`cannot publish port ${port} for web: address in use: another process on this node listens on 127.0.0.1:${port}`);
  });
});
