// Runs one of this package's CLIs (the workload, the convergence check) inside a lab namespace
// and collects its last JSON line.

import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { nodeModuleArgs } from '../lab/node-command.js';

export interface NamespaceRun {
  readonly code: number | null;
  /** The last line of stdout parsed as JSON (the CLIs print one summary line last). */
  readonly summary: Record<string, unknown> | undefined;
  readonly stderr: string;
}

/** `ip netns exec <ns> node <module> args...`, stdout+stderr also appended to `logFile`; SIGKILLed after `timeoutMs`. */
export function runInNamespace(ns: string, module: URL, args: readonly string[], logFile: string, timeoutMs: number): Promise<NamespaceRun> {
  const child = spawn('ip', ['netns', 'exec', ns, ...nodeModuleArgs(module), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SHOAL_HOST: '', SHOAL_CERTS: '' },
  });
  const log = createWriteStream(logFile, { flags: 'a' });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    log.write(d);
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-8000);
    log.write(d);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => {
    child.once('close', (code) => {
      clearTimeout(timer);
      log.end();
      const last = stdout.trimEnd().split('\n').pop() ?? '';
      let summary: Record<string, unknown> | undefined;
      try {
        summary = JSON.parse(last) as Record<string, unknown>;
      } catch {
        summary = undefined;
      }
      resolve({ code, summary, stderr });
    });
  });
}
