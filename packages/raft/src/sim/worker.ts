// A worker thread of the seed batch: runs the seeds it is sent, one at a time.

import { parentPort, workerData } from 'node:worker_threads';
import { outcomeOf, seedOptions } from './batch.js';
import { runSeed } from './simulation.js';

const options = workerData as Parameters<typeof seedOptions>[1];
parentPort!.on('message', (seed: number) => {
  parentPort!.postMessage(outcomeOf(runSeed(seedOptions(seed, options))));
});
