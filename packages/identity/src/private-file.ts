// Writing a node's own files (its config, TLS files, a task's launch record, a credential):
// readable by the owner only, and whole or not at all. The content goes to a temporary file
// that is renamed over the old one, so a crash or a full disk leaves the old file or the new
// one, never half of either.

import { chmodSync, closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { PRIVATE_FILE_MODE } from './data-dir-modes.js';

export interface PrivateFileOptions {
  /** Default 0600. The mode is set again after writing: open() applies it only on creation. */
  readonly mode?: number;
  /** fsync before the rename, for files whose loss after a power cut would lock someone out. */
  readonly durable?: boolean;
}

export function writePrivateFile(file: string, content: string, o: PrivateFileOptions = {}): void {
  const mode = o.mode ?? PRIVATE_FILE_MODE;
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    const fd = openSync(tmp, 'w', mode);
    try {
      writeSync(fd, content);
      if (o.durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    chmodSync(tmp, mode);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** `value` as indented JSON with a final newline, written as writePrivateFile does. */
export function writePrivateJson(file: string, value: unknown, o: PrivateFileOptions = {}): void {
  writePrivateFile(file, `${JSON.stringify(value, null, 2)}\n`, o);
}
