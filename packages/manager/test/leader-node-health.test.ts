// Node health from heartbeats: who is marked down, who is ready again, and the grace period
// that keeps a control-plane failover from rescheduling healthy work.

import type { NodeUpdateCommand } from '@shoal/store';
import { describe, expect, it } from 'vitest';
import { formatDuration } from '../src/leader/format-duration.js';
import { acceptsNewWork, downStatus, flapBackoffMs, planNodeHealth, readyStatus, type HeartbeatFacts } from '../src/leader/node-health/node-health-plan.js';
import { T0, TestCluster } from './test-cluster.js';

const HB = 500;

function setup(): TestCluster {
  const c = new TestCluster();
  c.addNode('w1');
  c.addNode('w2');
  return c;
}

function facts(c: TestCluster, o: Partial<HeartbeatFacts> & { seen?: Record<string, number>; up?: string[] }): HeartbeatFacts {
  return {
    lastSeen: o.lastSeen ?? new Map(Object.entries(o.seen ?? {}).map(([n, at]) => [c.node(n).id, at])),
    connected: o.connected ?? new Set((o.up ?? []).map((n) => c.node(n).id)),
    ...(o.openedAt ? { openedAt: o.openedAt } : {}),
    nowMs: o.nowMs ?? c.now,
    heartbeatMs: o.heartbeatMs ?? HB,
    leaderSinceMs: o.leaderSinceMs ?? T0 - 60_000,
  };
}

const statuses = (cmds: NodeUpdateCommand[]): Record<string, unknown> => Object.fromEntries(cmds.map((c) => [c.id, c.patch.status]));

describe('planNodeHealth', () => {
  it('a connected node silent for 3 periods is down, with a message saying how long', () => {
    const c = setup();
    c.advance(1_600);
    const plan = planNodeHealth(c.store, facts(c, { seen: { w1: T0, w2: T0 + 1_500 }, up: ['w1', 'w2'] }));
    expect(plan.down).toEqual([c.node('w1').id]);
    expect(statuses(plan.commands)).toEqual({ [c.node('w1').id]: { state: 'down', message: 'no heartbeat for 1.6 s (heartbeat every 500 ms)', downAt: c.at } });
    expect(plan.commands[0]?.expectedVersion).toBe(c.node('w1').version);
  });

  it('not yet 3 periods: nobody is down, and nextCheckMs is when the first would be', () => {
    const c = setup();
    c.advance(1_400);
    const plan = planNodeHealth(c.store, facts(c, { seen: { w1: T0, w2: T0 + 1_000 }, up: ['w1', 'w2'] }));
    expect(plan.commands).toEqual([]);
    expect(plan.nextCheckMs).toBe(T0 + 1_500);
  });

  it('a disconnected node is down after 2 silent periods', () => {
    const c = setup();
    c.advance(1_100);
    const plan = planNodeHealth(c.store, facts(c, { seen: { w1: T0, w2: T0 + 1_000 }, up: ['w2'] }));
    expect(plan.down).toEqual([c.node('w1').id]);
    expect(plan.commands[0]?.patch.status?.message).toBe('disconnected; no heartbeat for 1.1 s (heartbeat every 500 ms)');
  });

  it('a node whose agent said goodbye (a planned restart) may stay away until the time it asked for', () => {
    const c = setup();
    c.advance(5_000);
    const returningBy = new Map([[c.node('w1').id, T0 + 15_000]]);
    const away = planNodeHealth(c.store, { ...facts(c, { seen: { w1: T0, w2: c.now }, up: ['w2'] }), returningBy });
    expect(away.commands).toEqual([]);
    c.advance(9_999);
    expect(planNodeHealth(c.store, { ...facts(c, { seen: { w1: T0, w2: c.now }, up: ['w2'] }), returningBy }).commands).toEqual([]);
    // Not back in time: down, saying so.
    c.advance(2);
    const late = planNodeHealth(c.store, { ...facts(c, { seen: { w1: T0, w2: c.now }, up: ['w2'] }), returningBy });
    expect(late.down).toEqual([c.node('w1').id]);
    expect(late.commands[0]?.patch.status?.message).toBe('its agent stopped to restart and did not come back within 15.0 s');
    // The promise covers a closed session only: connected but silent is the usual rule.
    c.advance(-10_001);
    const silent = planNodeHealth(c.store, { ...facts(c, { seen: { w1: T0, w2: c.now }, up: ['w1', 'w2'] }), returningBy });
    expect(silent.down).toEqual([c.node('w1').id]);
  });

  it('nobody is marked down within max(3 periods, 2 s) of the election', () => {
    const c = setup();
    const elected = c.now;
    c.advance(1_900);
    // Never heard from since the election (the previous leader held the sessions).
    expect(planNodeHealth(c.store, facts(c, { leaderSinceMs: elected })).commands).toEqual([]);
    expect(planNodeHealth(c.store, facts(c, { leaderSinceMs: elected })).nextCheckMs).toBe(elected + 2_000);
    c.advance(100);
    const plan = planNodeHealth(c.store, facts(c, { leaderSinceMs: elected }));
    expect(plan.down.sort()).toEqual([c.node('w1').id, c.node('w2').id].sort());
    expect(plan.commands[0]?.patch.status?.message).toMatch(/^disconnected; no heartbeat since this manager became leader 2\.0 s ago/);
    // With slow heartbeats the grace is 3 periods.
    expect(planNodeHealth(c.store, facts(c, { leaderSinceMs: elected, heartbeatMs: 5_000, nowMs: elected + 14_000 })).commands).toEqual([]);
  });

  it('a down node that is connected and heartbeating again is marked ready', () => {
    const c = setup();
    c.nodeDown('w1');
    c.advance(10_000);
    const plan = planNodeHealth(c.store, facts(c, { seen: { w1: c.now - 100, w2: c.now - 100 }, up: ['w1', 'w2'] }));
    expect(plan.ready).toEqual([c.node('w1').id]);
    expect(statuses(plan.commands)).toEqual({ [c.node('w1').id]: { state: 'ready', message: '' } });
    // Heartbeating but its session is not (yet) connected: not ready.
    expect(planNodeHealth(c.store, facts(c, { seen: { w1: c.now - 100, w2: c.now - 100 }, up: ['w2'] })).ready).toEqual([]);
  });

  it('managers without an agent are left alone (their liveness is Raft reachability); one running an agent is monitored', () => {
    const c = setup();
    c.advance(60_000);
    const plan = planNodeHealth(c.store, facts(c, { seen: { w1: c.now, w2: c.now }, up: ['w1', 'w2'] }));
    expect(plan.commands).toEqual([]);
    c.addNode('m2', { role: 'manager', raftRole: 'voter', runtime: 'process' });
    c.advance(60_000);
    const again = planNodeHealth(c.store, facts(c, { seen: { w1: c.now, w2: c.now }, up: ['w1', 'w2'] }));
    expect(again.down).toEqual([c.node('m2').id]);
  });

  it('a session that just opened gets the same grace as an election: its agent may be catching up', () => {
    const c = setup();
    c.advance(10_000);
    // w1's session opened 1.9 s ago and it has been quiet since (seen 1.9 s ago).
    const openedAt = new Map([[c.node('w1').id, c.now - 1_900]]);
    const quiet = planNodeHealth(c.store, { ...facts(c, { seen: { w1: c.now - 1_900, w2: c.now }, up: ['w1', 'w2'] }), openedAt });
    expect(quiet.commands).toEqual([]);
    expect(quiet.nextCheckMs).toBe(c.now + 100);
    c.advance(100);
    const later = planNodeHealth(c.store, { ...facts(c, { seen: { w1: c.now - 2_000, w2: c.now }, up: ['w1', 'w2'] }), openedAt });
    expect(later.down).toEqual([c.node('w1').id]);
  });

  describe('damping: silence alone never takes a majority of the ready workers down at once', () => {
    function four(): TestCluster {
      const c = setup();
      c.addNode('w3');
      c.addNode('w4');
      c.advance(10_000);
      return c;
    }
    const all = ['w1', 'w2', 'w3', 'w4'];

    it('all four silent with open sessions: the two longest silent go, the others are held', () => {
      const c = four();
      const seen = { w1: c.now - 1_600, w2: c.now - 1_900, w3: c.now - 1_700, w4: c.now - 1_800 };
      const plan = planNodeHealth(c.store, facts(c, { seen, up: all }));
      expect(plan.down.map((id) => c.store.getNode(id)?.name).sort()).toEqual(['w2', 'w4']);
      expect(plan.held.map((id) => c.store.getNode(id)?.name).sort()).toEqual(['w1', 'w3']);
      expect(plan.nextCheckMs).toBe(c.now + HB);
    });

    it('broken sessions are evidence: all four go down', () => {
      const c = four();
      const seen = { w1: c.now - 1_600, w2: c.now - 1_600, w3: c.now - 1_600, w4: c.now - 1_600 };
      const plan = planNodeHealth(c.store, facts(c, { seen, up: [] }));
      expect(plan.down).toHaveLength(4);
      expect(plan.held).toEqual([]);
    });

    it('evidence counts toward the minority: one broken session and three silent open ones take two down', () => {
      const c = four();
      const seen = { w1: c.now - 1_600, w2: c.now - 1_700, w3: c.now - 1_800, w4: c.now - 1_900 };
      const plan = planNodeHealth(c.store, facts(c, { seen, up: ['w2', 'w3', 'w4'] }));
      expect(plan.down.map((id) => c.store.getNode(id)?.name).sort()).toEqual(['w1', 'w4']);
    });

    it('those marked down within the window count too, so the next plan cannot take the rest', () => {
      const c = four();
      c.nodeDown('w1');
      c.nodeDown('w2');
      const seen = { w3: c.now - 1_600, w4: c.now - 1_600 };
      const plan = planNodeHealth(c.store, facts(c, { seen, up: ['w3', 'w4'] }));
      expect(plan.down).toEqual([]);
      expect(plan.held).toHaveLength(2);
    });

    it('a lone worker silent with its session open is held (the server keepalive breaks a dead session, which is evidence)', () => {
      const c = new TestCluster();
      c.addNode('w1');
      c.advance(10_000);
      const held = planNodeHealth(c.store, facts(c, { seen: { w1: c.now - 1_600 }, up: ['w1'] }));
      expect(held.down).toEqual([]);
      const broken = planNodeHealth(c.store, facts(c, { seen: { w1: c.now - 1_600 }, up: [] }));
      expect(broken.down).toEqual([c.node('w1').id]);
    });
  });

  it('a node that goes down twice within 5 min is flapping: back up, it gets no new work for the back-off', () => {
    const c = setup();
    c.advance(10_000);
    const seen = (w1: number): Record<string, number> => ({ w1, w2: c.now });
    // First time down: not flapping, and back at once it takes work.
    const first = planNodeHealth(c.store, facts(c, { seen: seen(c.now - 1_600), up: ['w1', 'w2'] }));
    const firstDown = first.commands[0]!.patch.status!;
    expect(firstDown).toEqual({ state: 'down', message: 'no heartbeat for 1.6 s (heartbeat every 500 ms)', downAt: c.at });
    c.apply(first.commands[0]!);
    c.advance(60_000);
    const back = planNodeHealth(c.store, facts(c, { seen: seen(c.now), up: ['w1', 'w2'] }));
    expect(back.commands[0]!.patch.status).toEqual({ state: 'ready', message: '', downAt: firstDown.downAt });
    c.apply(back.commands[0]!);
    expect(acceptsNewWork(c.node('w1'), c.now)).toBe(true);
    // Down again 3 min later (4 min after the first time): flapping.
    c.advance(3 * 60_000);
    const again = planNodeHealth(c.store, facts(c, { seen: seen(c.now - 1_600), up: ['w1', 'w2'] }));
    expect(again.commands[0]!.patch.status).toMatchObject({ state: 'down', flapping: true, downAt: c.at });
    c.apply(again.commands[0]!);
    c.advance(1_000);
    const flapped = planNodeHealth(c.store, facts(c, { seen: seen(c.now), up: ['w1', 'w2'] }));
    const until = new Date(c.now + flapBackoffMs(HB)).toISOString();
    expect(flapped.commands[0]!.patch.status).toEqual({
      state: 'ready',
      message: 'back after flapping (down twice within 5 min): no new tasks for 10.0 s',
      downAt: new Date(c.now - 1_000).toISOString(),
      noWorkUntil: until,
    });
    c.apply(flapped.commands[0]!);
    expect(acceptsNewWork(c.node('w1'), c.now + 9_999)).toBe(false);
    expect(acceptsNewWork(c.node('w1'), c.now + 10_000)).toBe(true);
    expect(acceptsNewWork(c.node('w2'), c.now)).toBe(true);
    // Down a third time after more than 5 min: not flapping.
    c.advance(6 * 60_000);
    expect(downStatus(c.node('w1'), c.now, 'gone').flapping).toBeUndefined();
    // What an agent said about its time away is kept as the message.
    expect(readyStatus(c.node('w2'), c.now, HB, 'back after 42 s without a session').message).toBe('back after 42 s without a session');
  });

  it('formats durations for people', () => {
    expect([formatDuration(500), formatDuration(1_600), formatDuration(65_000), formatDuration(600_000)]).toEqual(['500 ms', '1.6 s', '65.0 s', '10 min']);
  });
});
