// `npm start` (until the manager processes land): a 3-node Raft group on LevelDB in this
// process. It commits writes, kills the leader, and shows how long the group takes to elect a
// new one and commit again. Ctrl-C stops it.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Role } from '@shoal/raft';
import { startGroup, type GroupNode } from './lib/in-process-group.js';

const dir = mkdtempSync(join(tmpdir(), 'shoal-demo-'));
const nodes = await startGroup(dir);
const live = new Set(nodes);
const leader = (): GroupNode | undefined => [...live].find((n) => n.raw.status().role === Role.Leader);
const encoder = new TextEncoder();

async function writeThroughLeader(text: string, deadlineMs = 5000): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const l = leader();
    if (l) {
      try {
        await l.propose(encoder.encode(text));
        return;
      } catch {
        // lost in a leader change: retry on the next leader
      }
    }
    if (Date.now() > until) throw new Error(`no write committed within ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const n of nodes) await n.stop();
  for (const n of nodes) await n.storage.close();
  rmSync(dir, { recursive: true, force: true });
}
process.on('SIGINT', () => void shutdown().then(() => process.exit(0)));

console.log(`3-node Raft group on LevelDB under ${dir}`);
for (let round = 1; round <= 3 && !stopping; round++) {
  const l = leader()!;
  for (let i = 0; i < 100; i++) await writeThroughLeader(`round ${round} write ${i}`);
  const s = l.raw.status();
  console.log(`round ${round}: leader ${l.id} (term ${s.term}) committed up to index ${s.commit}; killing it`);
  const killedAt = performance.now();
  await l.stop();
  live.delete(l);
  await writeThroughLeader(`after killing ${l.id}`);
  const next = leader()!;
  console.log(`  new leader ${next.id} (term ${next.raw.status().term}) committed a write ${(performance.now() - killedAt).toFixed(0)} ms after the kill`);
  // Bring the old leader back: it catches up from the new one.
  const revived = nodes.find((n) => n.id === l.id)!;
  revived.restart();
  live.add(revived);
}
console.log('\nThe manager cluster (real processes over gRPC) replaces this demo in the next milestone.');
await shutdown();
