// A node's TLS identity on disk: ca.pem, node.pem and node-key.pem in DIR/tls of a manager or a
// worker (the CLI's admin/ uses other names). Owner-only, as all key material (data-dir-modes.ts),
// and each file written atomically, so a crash mid-renewal leaves the old file or the new one.

import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_DIR_MODE } from './data-dir-modes.js';
import { writePrivateFile } from './private-file.js';

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

/** Writes a CA certificate, certificate and key, readable by the owner only (as the directory). */
export function writeTlsFiles(dir: string, tls: TlsFiles, names = { ca: 'ca.pem', cert: 'node.pem', key: 'node-key.pem' }): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodSync(dir, PRIVATE_DIR_MODE);
  writePrivateFile(join(dir, names.ca), tls.caPem);
  writePrivateFile(join(dir, names.cert), tls.certPem);
  writePrivateFile(join(dir, names.key), tls.keyPem);
}

export function readTlsFiles(dir: string, names = { ca: 'ca.pem', cert: 'node.pem', key: 'node-key.pem' }): TlsFiles {
  const read = (name: string): string => {
    const file = join(dir, name);
    if (!existsSync(file)) throw new TlsFilesError(`missing ${file}: the node's TLS identity is incomplete; restore the data directory from a backup`);
    return readFileSync(file, 'utf8');
  };
  return { caPem: read(names.ca), certPem: read(names.cert), keyPem: read(names.key) };
}
