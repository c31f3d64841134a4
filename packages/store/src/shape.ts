// Strict shape checking for data that crosses a trust boundary: decoded Raft entries, snapshot
// bytes, the arguments of ClusterStore.initial. Each check returns a fresh value built from
// the input, so the store never keeps a reference a caller could still mutate, and rejects
// unknown fields, so nothing unvalidated can slip into replicated state.
//
// A Checker knows which error code to raise and what it is checking ("node.add command",
// "store snapshot"), so one set of object rules serves every boundary with a fitting message.

import { StoreError, type StoreErrorCode } from './errors.js';

export class Checker {
  constructor(
    private readonly code: StoreErrorCode,
    private readonly context: string,
    private readonly advice = '',
  ) {}

  /** A checker for the same boundary, describing a narrower thing (e.g. the command type). */
  about(context: string): Checker {
    return new Checker(this.code, context, this.advice);
  }

  fail(path: string, problem: string): never {
    const where = path ? `${path} ` : '';
    throw new StoreError(this.code, `${this.context}: ${where}${problem}${this.advice}`);
  }

  /**
   * A plain JSON object with exactly the allowed fields. `required` fields must be present
   * (undefined counts as absent), `optional` ones may be; anything else is refused.
   */
  object(value: unknown, path: string, required: readonly string[], optional: readonly string[] = []): Record<string, unknown> {
    const record = this.plain(value, path, 'an object');
    const allowed = new Set([...required, ...optional]);
    for (const key of Object.keys(record)) {
      if (!allowed.has(key) && record[key] !== undefined) {
        const list = [...allowed].join(', ');
        this.fail(join(path, key), `is not a known field${list ? ` (allowed: ${list})` : ' (this object takes no fields)'}`);
      }
    }
    for (const key of required) {
      if (record[key] === undefined) this.fail(join(path, key), 'is required');
    }
    return record;
  }

  private plain(value: unknown, path: string, what: string): Record<string, unknown> {
    const proto: unknown = value !== null && typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
    if (proto !== Object.prototype && proto !== null) this.fail(path, `must be ${what} (got ${describe(value)})`);
    return value as Record<string, unknown>;
  }

  string(value: unknown, path: string, rule: StringRule = {}): string {
    if (typeof value !== 'string') this.fail(path, `must be a string (got ${describe(value)})`);
    const { min = 0, max = 4096 } = rule;
    if (value.length < min) this.fail(path, min === 1 ? 'must not be empty' : `must be at least ${min} characters`);
    if (value.length > max) this.fail(path, `must be at most ${max} characters (got ${value.length})`);
    if (rule.pattern && !rule.pattern.test(value)) this.fail(path, `${rule.patternHint ?? `must match ${rule.pattern}`} (got ${quote(value)})`);
    return value;
  }

  integer(value: unknown, path: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      this.fail(path, `must be an integer (got ${describe(value)})`);
    }
    if (value < min || value > max) {
      this.fail(path, max === Number.MAX_SAFE_INTEGER ? `must be at least ${min} (got ${value})` : `must be between ${min} and ${max} (got ${value})`);
    }
    return value === 0 ? 0 : value; // no -0 in replicated state
  }

  /** A finite number (fractions allowed), e.g. a ratio. */
  number(value: unknown, path: string, min: number, max: number): number {
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(path, `must be a number (got ${describe(value)})`);
    if (value < min || value > max) this.fail(path, `must be between ${min} and ${max} (got ${value})`);
    return value === 0 ? 0 : value;
  }

  boolean(value: unknown, path: string): boolean {
    if (typeof value !== 'boolean') this.fail(path, `must be true or false (got ${describe(value)})`);
    return value;
  }

  oneOf<const T extends string>(value: unknown, path: string, choices: readonly T[]): T {
    if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
      this.fail(path, `must be one of ${choices.map((c) => `"${c}"`).join(', ')} (got ${describe(value)})`);
    }
    return value as T;
  }

  array<T>(value: unknown, path: string, item: (v: unknown, path: string) => T, max = 1024): T[] {
    if (!Array.isArray(value)) this.fail(path, `must be an array (got ${describe(value)})`);
    if (value.length > max) this.fail(path, `must have at most ${max} items (got ${value.length})`);
    return value.map((v, i) => item(v, `${path}[${i}]`));
  }

  /** A string-to-string map, e.g. labels. */
  stringMap(value: unknown, path: string, key: StringRule, val: StringRule, maxEntries = 256): Record<string, string> {
    const record = this.plain(value, path, 'an object of strings');
    const entries = Object.entries(record).filter(([, v]) => v !== undefined);
    if (entries.length > maxEntries) this.fail(path, `must have at most ${maxEntries} entries (got ${entries.length})`);
    // fromEntries defines own properties, so a "__proto__" key stays data, not a prototype.
    return Object.fromEntries(
      entries.map(([k, v]) => {
        this.string(k, `${path} key ${quote(k)}`, key);
        return [k, this.string(v, `${path}.${k}`, val)];
      }),
    );
  }
}

export interface StringRule {
  min?: number;
  max?: number;
  pattern?: RegExp;
  /** What the pattern means, for the error message: "must be letters, digits, ...". */
  patternHint?: string;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function quote(s: string): string {
  return JSON.stringify(s.length > 64 ? `${s.slice(0, 61)}...` : s);
}

/** A short description of what was received, for "must be X (got Y)" messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
    case 'boolean':
      return String(value);
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}
