// Reads a history written by HistoryWriter, checking every line's shape, so that a truncated or
// hand-edited file fails with the line that is wrong rather than a confusing checker answer.

import { readFileSync } from 'node:fs';
import type { HistoryEvent } from './event.js';

const TYPES = new Set(['invoke', 'ok', 'fail', 'info']);
const FUNCTIONS = new Set(['read', 'write', 'cas']);

function isRegisterValue(v: unknown): boolean {
  return v === null || typeof v === 'string';
}

/** Why a parsed line is not a HistoryEvent, or undefined when it is one. */
function shapeError(e: Record<string, unknown>): string | undefined {
  if (typeof e.process !== 'number' || !Number.isInteger(e.process)) return '"process" must be an integer';
  if (typeof e.type !== 'string' || !TYPES.has(e.type)) return '"type" must be one of invoke, ok, fail, info';
  if (typeof e.f !== 'string' || !FUNCTIONS.has(e.f)) return '"f" must be one of read, write, cas';
  if (typeof e.key !== 'string') return '"key" must be a string';
  if (typeof e.time !== 'number' || !Number.isFinite(e.time)) return '"time" must be a number (ns since the run started)';
  if (e.f === 'cas') {
    const pairOk = Array.isArray(e.value) && e.value.length === 2 && e.value.every(isRegisterValue);
    if (!pairOk && !(e.type !== 'invoke' && isRegisterValue(e.value))) return 'a cas "value" must be [expected, new] (strings or null)';
  } else if (!isRegisterValue(e.value)) return '"value" must be a string or null';
  if (e.stale !== undefined && typeof e.stale !== 'boolean') return '"stale" must be a boolean';
  if (e.note !== undefined && typeof e.note !== 'string') return '"note" must be a string';
  return undefined;
}

/** Parses JSON-lines text; `source` names the file in errors. Blank lines are skipped. */
export function parseHistory(text: string, source = 'history'): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (err) {
      throw new Error(`${source}:${i + 1}: not valid JSON (${(err as Error).message}): ${line.slice(0, 200)}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new Error(`${source}:${i + 1}: expected one JSON object per line, got: ${line.slice(0, 200)}`);
    }
    const why = shapeError(parsed as Record<string, unknown>);
    if (why) throw new Error(`${source}:${i + 1}: not a history event: ${why}: ${line.slice(0, 200)}`);
    events.push(parsed as HistoryEvent);
  }
  return events;
}

/** Reads a history.jsonl file. */
export function readHistory(path: string): HistoryEvent[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read history ${path}: ${(err as Error).message}`);
  }
  return parseHistory(text, path);
}
