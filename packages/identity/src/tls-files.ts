// A node's TLS identity on disk: ca.pem, node.pem and node-key.pem in DIR/tls of a manager or a
// worker (the CLI's admin/ uses other names). Owner-only, as all key material (data-dir-modes.ts),
// and each file written atomically, so a crash mid-renewal leaves the old file or the new one.

import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './data-dir-modes.js';

export interface TlsFiles {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

/** A node's TLS files are missing: its data directory is incomplete. */
export class TlsFilesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TlsFilesError';
  }
}

function writeAtomic(file: string, content: string, mode: number): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, content, { mode });
  chmodSync(tmp, mode);
  renameSync(tmp, file);
}

/** Writes a CA certificate, certificate and key, readable by the owner only (as the directory). */
export function writeTlsFiles(dir: string, tls: TlsFiles, names = { ca: 'ca.pem', cert: 'node.pem', key: 'node-key.pem' }): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodSync(dir, PRIVATE_DIR_MODE);
  writeAtomic(join(dir, names.ca), tls.caPem, PRIVATE_FILE_MODE);
  writeAtomic(join(dir, names.cert), tls.certPem, PRIVATE_FILE_MODE);
  writeAtomic(join(dir, names.key), tls.keyPem, PRIVATE_FILE_MODE);
}

export function readTlsFiles(dir: string, names = { ca: 'ca.pem', cert: 'node.pem', key: 'node-key.pem' }): TlsFiles {
  const read = (name: string): string => {
    const file = join(dir, name);
    if (!existsSync(file)) throw new TlsFilesError(`missing ${file}: the node's TLS identity is incomplete; restore the data directory from a backup`);
    return readFileSync(file, 'utf8');
  };
  return { caPem: read(names.ca), certPem: read(names.cert), keyPem: read(names.key) };
}
