// Reading a process task's output back from its two log files (stdout.log, stderr.log).
//
// The task writes those files itself (they are its stdout and stderr), so its output survives
// the agent and nothing tags the lines with times: the two streams cannot be interleaved
// exactly. `tail` therefore counts per stream, and lines come stdout first, then stderr; a
// follower reads what each file gained since the last look, every `pollMs`.

import { open, type FileHandle } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { LineSplitter } from './lines.js';
import type { LogLine } from './runtime.js';

const CHUNK = 64 * 1024;

export interface LogFilesOptions {
  readonly taskId: string;
  readonly stdout: string;
  readonly stderr: string;
  readonly follow: boolean;
  readonly tail?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  /** A follower stops once this says the task ended (after reading what it wrote last). */
  readonly isRunning: () => boolean;
  readonly pollMs?: number;
}

type Stream = LogLine['stream'];

/** One log file, read from an offset forward. */
class LogFile {
  offset = 0;
  private readonly splitter = new LineSplitter();

  constructor(
    readonly stream: Stream,
    private readonly path: string,
  ) {}

  /** Lines appended since the last call (the first call starts `tail` lines from the end). */
  async read(tail: number | undefined, first: boolean): Promise<string[]> {
    const fh = await openIfExists(this.path);
    if (fh === undefined) return [];
    try {
      const { size } = await fh.stat();
      if (size < this.offset) this.offset = 0; // the file was truncated: start over
      if (first && tail !== undefined) this.offset = await tailStart(fh, size, tail);
      const lines: string[] = [];
      const buf = Buffer.alloc(CHUNK);
      while (this.offset < size) {
        const { bytesRead } = await fh.read(buf, 0, Math.min(CHUNK, size - this.offset), this.offset);
        if (bytesRead === 0) break;
        this.offset += bytesRead;
        lines.push(...this.splitter.push(buf.subarray(0, bytesRead)));
      }
      return lines;
    } finally {
      await fh.close();
    }
  }

  /** A last line without '\n', once no more output will come. */
  flush(): string[] {
    return this.splitter.end();
  }
}

async function openIfExists(path: string): Promise<FileHandle | undefined> {
  try {
    return await open(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Where the last `n` lines of the file begin, reading backwards from its end. */
async function tailStart(fh: FileHandle, size: number, n: number): Promise<number> {
  if (n <= 0) return size;
  const buf = Buffer.alloc(CHUNK);
  let newlines = 0;
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - CHUNK);
    const { bytesRead } = await fh.read(buf, 0, end - start, start);
    for (let i = bytesRead - 1; i >= 0; i--) {
      const at = start + i;
      // The '\n' that ends the file closes the last line; it does not start one.
      if (buf[i] === 0x0a && at !== size - 1 && ++newlines === n) return at + 1;
    }
    end = start;
  }
  return 0;
}

export async function* readLogFiles(o: LogFilesOptions): AsyncGenerator<LogLine> {
  const files = [new LogFile('stdout', o.stdout), new LogFile('stderr', o.stderr)];
  const pollMs = o.pollMs ?? 200;
  let first = true;
  for (;;) {
    // Ask before reading: whatever the task wrote before it ended is then in this last read.
    const last = !(o.follow && o.isRunning()) || o.signal?.aborted === true;
    for (const file of files) {
      const lines = await file.read(o.tail, first);
      // A last line without '\n' is complete only once no more output can come.
      if (last) lines.push(...file.flush());
      for (const line of lines) yield { taskId: o.taskId, stream: file.stream, line };
    }
    first = false;
    if (last) return;
    try {
      await sleep(pollMs, undefined, { signal: o.signal });
    } catch {
      // Aborted: what is held back stays unsaid, the reader has gone.
      return;
    }
  }
}
