import { connect, createServer as createTcpServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { backend, freePort, get, quiet, until } from './backends.js';
import { RoutingMesh, type Route } from '@shoal/ingress';

describe('routing mesh balancing and counters', () => {
  const cleanup: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanup.splice(0)) c();
  });

  async function meshOver(names: string[], extra: Route['backends'] = []): Promise<{ mesh: RoutingMesh; published: number; route: Route }> {
    const backends = [];
    for (const name of names) {
      const b = await backend(name);
      cleanup.push(() => b.server.close());
      backends.push({ host: '127.0.0.1', port: b.port, taskId: `t-${name}` });
    }
    const published = await freePort();
    const mesh = new RoutingMesh('127.0.0.1', quiet);
    cleanup.push(() => mesh.close());
    const route = { published, serviceName: 'web', backends: [...extra, ...backends] };
    mesh.update([route]);
    await until(() => get(published));
    await idle(mesh);
    return { mesh, published, route };
  }

  /** Waits until the mesh holds no connection (the last request's upstream closed). */
  function idle(mesh: RoutingMesh, except = new Set<string>()): Promise<true> {
    return until(() => ([...mesh.taskCounters()].every(([id, c]) => except.has(id) || c.open === 0) ? true : undefined));
  }

  function hold(published: number): Socket {
    const s = connect({ host: '127.0.0.1', port: published }, () => s.write('GET /hold HTTP/1.1\r\nhost: x\r\n\r\n'));
    s.on('error', () => {});
    cleanup.push(() => s.destroy());
    return s;
  }

  it('sends new connections to the idle backend while another holds a long connection', async () => {
    const { mesh, published } = await meshOver(['a', 'b']);
    hold(published);
    const busy = await until(() => [...mesh.taskCounters()].find(([, c]) => c.open === 1)?.[0]);
    const idleName = busy === 't-a' ? 'b' : 'a';
    for (let i = 0; i < 5; i++) {
      expect(await get(published)).toBe(idleName);
      await idle(mesh, new Set([busy]));
    }
    expect(mesh.taskCounters().get(busy)).toMatchObject({ open: 1 });
  });

  it('takes equally loaded backends in turn', async () => {
    const { mesh, published } = await meshOver(['a', 'b', 'c']);
    const seen = [];
    for (let i = 0; i < 9; i++) {
      seen.push(await get(published));
      await idle(mesh);
    }
    // Whatever the first, the order then repeats over all three.
    expect(new Set(seen.slice(0, 3))).toEqual(new Set(['a', 'b', 'c']));
    expect(seen.slice(3, 6)).toEqual(seen.slice(0, 3));
    expect(seen.slice(6, 9)).toEqual(seen.slice(0, 3));
  });

  it('skips a backend that refuses the connection and counts the connect error', async () => {
    const dead = await freePort(); // nothing listens there
    const { mesh, published } = await meshOver(['a'], [{ host: '127.0.0.1', port: dead, taskId: 't-dead' }]);
    const before = mesh.taskCounters().get('t-a')!.total;
    for (let i = 0; i < 4; i++) {
      expect(await get(published)).toBe('a');
      await idle(mesh);
    }
    const counters = mesh.taskCounters();
    expect(counters.get('t-a')).toMatchObject({ open: 0, total: before + 4, connectErrors: 0 });
    expect(counters.get('t-dead')).toMatchObject({ open: 0, total: 0, bytesIn: 0, bytesOut: 0 });
    expect(counters.get('t-dead')!.connectErrors).toBeGreaterThanOrEqual(1);
  });

  it('counts connections and bytes in both directions per task', async () => {
    // Raw TCP backends: read 1000 bytes, answer 3000, close.
    const backends = [];
    for (const name of ['a', 'b']) {
      const server = createTcpServer((s) => {
        let got = 0;
        s.on('data', (d) => {
          got += d.length;
          if (got >= 1000) s.end(Buffer.alloc(3000, name));
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      cleanup.push(() => server.close());
      backends.push({ host: '127.0.0.1', port: (server.address() as { port: number }).port, taskId: `t-${name}` });
    }
    const published = await freePort();
    const mesh = new RoutingMesh('127.0.0.1', quiet);
    cleanup.push(() => mesh.close());
    mesh.update([{ published, serviceName: 'raw', backends }]);
    const exchange = (): Promise<number> =>
      new Promise((resolve, reject) => {
        let got = 0;
        const s = connect({ host: '127.0.0.1', port: published }, () => s.write(Buffer.alloc(1000, 'x')));
        s.on('data', (d) => (got += d.length));
        s.on('end', () => resolve(got));
        s.on('error', reject);
      });
    await until(() => exchange());
    for (let i = 0; i < 5; i++) expect(await exchange()).toBe(3000);
    await idle(mesh);
    const counters = [...mesh.taskCounters().values()];
    const sum = (k: 'open' | 'total' | 'bytesIn' | 'bytesOut' | 'connectErrors'): number => counters.reduce((n, c) => n + c[k], 0);
    expect(sum('total')).toBe(6);
    expect(sum('open')).toBe(0);
    expect(sum('bytesIn')).toBe(6 * 1000);
    expect(sum('bytesOut')).toBe(6 * 3000);
    expect(sum('connectErrors')).toBe(0);
    for (const c of counters) expect(c.bytesOut).toBe(c.total * 3000);
  });

  it('applies patches, and forgets a task some time after it left every route', async () => {
    let now = 0;
    const mesh = new RoutingMesh('127.0.0.1', quiet, () => {}, { forgetCountersAfterMs: 1000, now: () => now });
    cleanup.push(() => mesh.close());
    const a = await backend('a');
    const b = await backend('b');
    cleanup.push(
      () => a.server.close(),
      () => b.server.close(),
    );
    const [p1, p2] = [await freePort(), await freePort()];
    mesh.update([
      { published: p1, serviceName: 'one', backends: [{ host: '127.0.0.1', port: a.port, taskId: 't-a' }] },
      { published: p2, serviceName: 'two', backends: [{ host: '127.0.0.1', port: b.port, taskId: 't-b' }] },
    ]);
    expect(await until(() => get(p1))).toBe('a');
    // Task a moves from port 1 to port 2 (one patch); port 1 goes.
    mesh.patch([{ published: p2, serviceName: 'two', backends: [{ host: '127.0.0.1', port: a.port, taskId: 't-a' }] }], [p1]);
    expect(mesh.routes().map((r) => r.published)).toEqual([p2]);
    expect(await until(() => get(p2))).toBe('a');
    await idle(mesh);
    mesh.patch([], [p2]);
    expect(mesh.routes()).toEqual([]);
    now += 999;
    expect([...mesh.taskCounters().keys()].sort()).toEqual(['t-a', 't-b']);
    now += 1;
    expect([...mesh.taskCounters().keys()]).toEqual([]);
  });
});
