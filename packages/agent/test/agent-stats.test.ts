// DATA/agent-stats.json: what a benchmark reads to see how responsive an agent stayed.

import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentStatsWriter, agentStatsPath, readAgentStats } from '../src/agent-stats.js';
import { eventually } from './runtime-fixtures.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'shoal-agent-stats-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('agent stats', () => {
  it('writes the event-loop delay and RSS to a private file, and sees a blocked loop', async () => {
    const writer = new AgentStatsWriter(dir, 50).start();
    await eventually('a first file', () => readAgentStats(dir));
    // Block the loop for a while: the next figures must show it.
    const until = Date.now() + 150;
    while (Date.now() < until) {
      /* busy */
    }
    const stats = await eventually('a file that saw the block', () => {
      const s = readAgentStats(dir);
      return s !== undefined && s.eventLoopDelayMaxMs >= 100 && s;
    });
    await writer.stop();
    expect(stats.eventLoopDelayP99Ms).toBeLessThanOrEqual(stats.eventLoopDelayMaxMs);
    expect(stats.rssBytes).toBeGreaterThan(0);
    expect(Date.parse(stats.at)).toBeGreaterThanOrEqual(Date.parse(stats.startedAt));
    expect(statSync(agentStatsPath(dir)).mode & 0o777).toBe(0o600);
  });

  it('reads nothing from a missing or foreign file', () => {
    expect(readAgentStats(dir)).toBeUndefined();
    writeFileSync(agentStatsPath(dir), '{"eventLoopDelayMaxMs": "a lot"}');
    expect(readAgentStats(dir)).toBeUndefined();
    writeFileSync(agentStatsPath(dir), 'not json');
    expect(readAgentStats(dir)).toBeUndefined();
  });
});
