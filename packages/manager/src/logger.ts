// Structured logs (pino): JSON lines on stdout, or on a file when --log-file is given.

import { pino, type Logger } from 'pino';

export function createLogger(options: { nodeId?: string; level?: string; file?: string } = {}): Logger {
  const level = options.level ?? process.env.SHOAL_LOG_LEVEL ?? 'info';
  // stderr, so stdout stays for what the CLI prints for people and scripts.
  const destination = options.file ? pino.destination({ dest: options.file, mkdir: true, sync: false }) : pino.destination(2);
  return pino({ level, base: options.nodeId ? { node: options.nodeId } : {} }, destination);
}

export type { Logger };
