// The deterministic simulator: public surface for tests and the `npm run sim` command.
export { Simulation, runSeed, describeMessage, drawProfile, TICK_MS, type SimOptions, type SimResult, type SimStats, type FaultProfile } from './simulation.js';
export { InvariantChecker, majoritiesCanBeDisjoint, type Violation } from './invariants.js';
export { Prng } from './prng.js';
export { runSeeds, sizeForSeed, type BatchSummary } from './batch.js';
