import { describe, expect, it } from 'vitest';
import { MessageType, Role, type Message, type PlantedBugs } from '@shoal/raft';
import { Harness } from './harness.js';

const isApp = (m: Message): boolean => m.type === MessageType.App;

/**
 * Figure 8 of the Raft paper, five nodes, forced step by step. Returns the harness so the test
 * can look at logs and at what the simulator's checker found.
 */
function figure8(bugs?: PlantedBugs): Harness {
  const h = new Harness(['s1', 's2', 's3', 's4', 's5'], { maxMsgBytes: 1, ...(bugs ? { bugs } : {}) });

  // (a) s1 leads term 2; its entry at index 2 reaches only s2.
  h.raw('s1').campaign();
  h.deliverAll((m) => !isApp(m) || m.to === 's2');
  h.drop(() => true);
  expect(h.raft('s1').role).toBe(Role.Leader);
  h.crash('s1');

  // (b) s5 wins term 3 with s3 and s4, appends its own entry at index 2, and dies before sending it.
  h.raw('s5').campaign();
  h.deliverAll((m) => !isApp(m));
  expect(h.raft('s5').role).toBe(Role.Leader);
  h.drop(() => true);
  h.crash('s5');

  // (c) s1 returns and wins term 4; it brings s3 up to date with its term-2 entry only.
  h.start('s1');
  h.raw('s1').campaign(); // term 3: refused (s3 and s4 voted for s5)
  h.deliverAll((m) => !isApp(m));
  h.raw('s1').campaign(); // term 4
  h.deliverAll((m) => !isApp(m));
  expect(h.raft('s1').role).toBe(Role.Leader);
  expect(h.raft('s1').term).toBe(4);
  // s2 already has index 2 and takes s1's term-4 entry. The probe to s3 is rejected, then s1
  // sends index 2 alone (one entry per message) and s3 acks it: index 2 is now on s1, s2 and s3.
  h.drop((m) => m.to === 's4' || m.to === 's5');
  h.deliverRound((m) => m.to === 's2');
  h.deliverRound((m) => m.from === 's2');
  h.deliverRound((m) => m.to === 's3'); // probe (prev=2) → reject
  h.deliverRound((m) => m.from === 's3'); // the rejection → s1 sends entry 2 alone
  h.deliverRound((m) => m.to === 's3'); // s3 stores entry 2 and acks
  h.deliverRound((m) => m.from === 's3'); // s1 counts the ack
  // s1 dies before its own term-4 entry reaches anyone.
  h.drop(() => true);
  h.crash('s1');

  // (d) s5 returns and is elected by s3 and s4 (its last term 3 beats their term-2 entry).
  h.start('s5');
  h.raw('s5').campaign();
  h.deliverAll((m) => !isApp(m));
  h.raw('s5').campaign();
  h.deliverAll();
  return h;
}

describe("§5.4.2 Figure 8: a leader never commits an earlier term's entry by counting replicas", () => {
  it('the correct core keeps index 2 uncommitted, so s5 may overwrite it safely', () => {
    const h = figure8();
    expect(h.checker.violations).toEqual([]);
    expect(h.raft('s5').role).toBe(Role.Leader);
    expect(h.logOf('s3').find((e) => e.index === 2)?.term).toBe(3);
  });

  it('with the planted bug, the simulator checker reports the lost committed entry', () => {
    const h = figure8({ commitOldTermByCounting: true });
    expect(h.checker.violations.map((v) => v.invariant)).toContain('leader completeness');
  });
});
