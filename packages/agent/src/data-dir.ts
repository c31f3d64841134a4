// A worker's data directory:
//
//   DIR/worker.json   who this node is (id, cluster, name, runtime, managers to dial)
//   DIR/tls/          ca.pem, node.pem, node-key.pem (0600): the worker's identity
//   DIR/tasks/        what the process runtime keeps per task (pid, output)
//
// All of it is the node user's only: directories 0700, files 0600 (@shoal/identity's
// data-dir-modes.ts). A lock file keeps a second agent off the same directory.

import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, secureDataDir, writePrivateJson, type ModeRepair } from '@shoal/identity';
import type { RuntimeName } from './runtime/runtime.js';

export interface WorkerConfig {
  readonly format: 1;
  readonly nodeId: string;
  readonly clusterId: string;
  readonly name: string;
  readonly runtime: RuntimeName;
  /** Where this node's tasks can be reached (its host part is used for task endpoints). */
  readonly addr: string;
  /** Managers to dial; refreshed from the leader on every session. */
  readonly managers: readonly string[];
  readonly createdAt: string;
  /** Where /metrics is served (HOST:PORT); absent or "" = not served. */
  readonly metrics?: string;
}

export class WorkerDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerDataError';
  }
}

export function workerPaths(dir: string) {
  return { config: join(dir, 'worker.json'), tls: join(dir, 'tls'), tasks: join(dir, 'tasks'), lock: join(dir, 'agent.lock') };
}

export function readWorkerConfig(dir: string): WorkerConfig {
  const file = workerPaths(dir).config;
  if (!existsSync(file)) {
    throw new WorkerDataError(`${dir} holds no shoal worker (no worker.json): join one with \`shoal worker join\``);
  }
  let cfg: Partial<WorkerConfig>;
  try {
    cfg = JSON.parse(readFileSync(file, 'utf8')) as Partial<WorkerConfig>;
  } catch (e) {
    throw new WorkerDataError(`${file} is not valid JSON (${(e as Error).message}); restore it or re-join the worker`);
  }
  if (cfg.format !== 1 || !cfg.nodeId || !cfg.clusterId || !Array.isArray(cfg.managers) || !cfg.runtime) {
    throw new WorkerDataError(`${file} is not a shoal worker's configuration; restore it or re-join the worker`);
  }
  return cfg as WorkerConfig;
}

export function writeWorkerConfig(dir: string, cfg: WorkerConfig): void {
  writePrivateJson(workerPaths(dir).config, cfg);
}

export function ensureFreshWorkerDir(dir: string): void {
  if (existsSync(workerPaths(dir).config)) {
    throw new WorkerDataError(`${dir} already holds a shoal worker: start it with \`shoal worker start --data ${dir}\`, or choose an empty directory`);
  }
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/**
 * Checks the modes and owner of the worker's identity (secureDataDir): refuses another user's
 * files, makes group/world-accessible ones private and returns those for the log. tasks/ is the
 * runtime's: it creates each task's directory 0700 itself.
 */
export function secureWorkerDataDir(dir: string): ModeRepair[] {
  return secureDataDir(dir, ['worker.json', 'tls', 'agent.lock']);
}

/**
 * Takes the directory's lock (O_EXCL on a pid file, stale locks of dead processes are taken
 * over). Returns a release function.
 */
export function lockWorkerDir(dir: string): () => void {
  const file = workerPaths(dir).lock;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', PRIVATE_FILE_MODE);
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(file, 'utf8'));
      if (pid > 0 && isAlive(pid)) {
        throw new WorkerDataError(`the worker data directory ${dir} is in use by another agent (pid ${pid}); stop it or use another --data directory`);
      }
      rmSync(file, { force: true }); // left by an agent that died
    }
  }
  throw new WorkerDataError(`could not lock ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
