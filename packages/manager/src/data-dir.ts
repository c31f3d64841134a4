// A manager's data directory:
//
//   DIR/node.json      who this node is (id, cluster, name, addresses)
//   DIR/raft/          the LevelDB Raft database (it holds the CA key and the join-token secrets)
//   DIR/tls/           ca.pem, node.pem, node-key.pem: this node's identity
//   DIR/admin/         ca.pem, cert.pem, key.pem: CLI credentials, written by `init`
//
// All of it is the node user's only: directories 0700, files 0600 (data-dir-modes.ts in
// @shoal/identity, which also reads and writes tls/ and admin/: tls-files.ts).
// The Raft database's LevelDB lock keeps a second process off the same directory.

import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_DIR_MODE, secureDataDir, writePrivateJson, type ModeRepair } from '@shoal/identity';

export interface NodeConfig {
  readonly format: 1;
  readonly nodeId: string;
  readonly clusterId: string;
  readonly name: string;
  readonly role: 'manager';
  /** Address the manager serves gRPC on (Raft, control, join). */
  readonly listen: string;
  /** Address /metrics is served on, or "" for none. */
  readonly metrics: string;
  readonly createdAt: string;
}

export function dataPaths(dir: string) {
  return {
    config: join(dir, 'node.json'),
    raft: join(dir, 'raft'),
    tls: join(dir, 'tls'),
    admin: join(dir, 'admin'),
  };
}

export class DataDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataDirError';
  }
}

export function readNodeConfig(dir: string): NodeConfig {
  const file = dataPaths(dir).config;
  if (!existsSync(file)) {
    throw new DataDirError(`${dir} holds no shoal node (no node.json): create one with \`shoal manager init\` or \`shoal manager join\``);
  }
  let cfg: Partial<NodeConfig>;
  try {
    cfg = JSON.parse(readFileSync(file, 'utf8')) as Partial<NodeConfig>;
  } catch (e) {
    throw new DataDirError(`${file} is not valid JSON (${(e as Error).message}); restore it from a backup`);
  }
  if (cfg.format !== 1 || !cfg.nodeId || !cfg.clusterId || !cfg.listen || cfg.role !== 'manager') {
    throw new DataDirError(`${file} is not a shoal manager's node.json (format ${String(cfg.format)}); restore it from a backup`);
  }
  return cfg as NodeConfig;
}

/** Refuses a directory that already holds a node, so `init`/`join` never clobber one. */
export function ensureFreshDataDir(dir: string): void {
  const file = dataPaths(dir).config;
  if (existsSync(file)) {
    let who = '';
    try {
      const cfg = JSON.parse(readFileSync(file, 'utf8')) as Partial<NodeConfig>;
      who = ` (node ${cfg.name ?? '?'} ${cfg.nodeId ?? '?'} of cluster ${cfg.clusterId ?? '?'})`;
    } catch {
      /* described generically */
    }
    throw new DataDirError(`${dir} already holds a shoal node${who}: start it with \`shoal manager start --data ${dir}\`, or choose an empty directory`);
  }
  if (existsSync(dataPaths(dir).raft)) {
    throw new DataDirError(`${dir}/raft already exists without a node.json; choose an empty directory`);
  }
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/**
 * Checks the modes and owner of what the manager keeps (secureDataDir): refuses another user's
 * files, makes group/world-accessible ones private and returns those for the log.
 */
export function secureManagerDataDir(dir: string): ModeRepair[] {
  return secureDataDir(dir, ['node.json', 'raft', 'tls', 'admin']);
}

export function writeNodeConfig(dir: string, cfg: NodeConfig): void {
  writePrivateJson(dataPaths(dir).config, cfg);
}

/** The names of the CLI's credential files in DIR/admin (writeTlsFiles()' `names`). */
export const ADMIN_FILES = { ca: 'ca.pem', cert: 'cert.pem', key: 'key.pem' };
