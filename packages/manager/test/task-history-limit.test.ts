// `manager init --task-history-limit`: Manager.init stores the limit in the cluster settings
// (the reaper reads it there, see leader-reaper.test.ts), and refuses a bad one before
// anything is written.

import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClusterStore } from '@shoal/store';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Manager } from '../src/manager.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'shoal-history-limit-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

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

describe('Manager.init with a task history limit', () => {
  it('refuses a limit outside 0..100 with a clear message, leaving the directory as it was', async () => {
    const data = join(dir, 'm1');
    for (const [limit, got] of [
      [101, '101'],
      [-1, '-1'],
      [1.5, '1.5'],
    ] as const) {
      await expect(Manager.init({ data, listen: '127.0.0.1:1', metrics: '', taskHistoryLimit: limit, logger: pino({ enabled: false }) })).rejects.toThrow(
        new RegExp(`cluster\\.settings\\.taskHistoryLimit must be (between 0 and 100|an integer) \\(got ${got.replace('.', '\\.')}\\)`),
      );
    }
    expect(existsSync(data) ? readdirSync(data) : []).toEqual([]);
  });

  it('stores the limit in the cluster settings', async () => {
    const listen = `127.0.0.1:${await freePort()}`;
    const { manager } = await Manager.init({ data: join(dir, 'm1'), listen, metrics: '', taskHistoryLimit: 12, logger: pino({ enabled: false }) });
    try {
      // The store is the manager's own; reading it here is the least roundabout way to see the setting.
      const store = (manager as unknown as { store: ClusterStore }).store;
      expect(store.cluster().settings.taskHistoryLimit).toBe(12);
    } finally {
      await manager.stop();
    }
  });
});
