import { HostSimulation } from './simulation.js';
const seed = Number(process.argv[2] ?? 1);
const sim = new HostSimulation({ seed, plantedBug: 'read-before-apply' });
const r = await sim.run();
const reads = sim.history.ops.filter((o) => o.kind === 'read');
const ok = reads.filter((o) => o.outcome === 'ok') as any[];
console.log(seed, 'reads', reads.length, 'ok', ok.length, 'lag>0', ok.filter((o) => o.appliedAt < o.readIndex).length, 'viol', r.violations.length);
const fails: Record<string, number> = {};
console.log(JSON.stringify(sim.history.counts()));
for (const o of ok.slice(0, 400)) process.stdout.write(`${o.node}:${o.readIndex}/${o.appliedAt}/${o.committedBefore} `);
console.log();
const errs: Record<string, number> = {};
for (const o of sim.history.ops as any[])
  if (o.error) {
    const k = o.kind + ': ' + o.error.slice(0, 70);
    errs[k] = (errs[k] ?? 0) + 1;
  }
console.log(errs);
process.exit(0);
