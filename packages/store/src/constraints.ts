// Placement constraints, as Swarm writes them: `node.labels.zone==b`, `node.role!=manager`.
// The store checks that a service's constraints parse (so a typo is refused when the service is
// created, not discovered when nothing schedules); the scheduler matches them against nodes.
// Values compare case-insensitively, as in SwarmKit's constraint package; a `!=` on a label the
// node does not have matches (the node has no such value).

import { StoreError } from './errors.js';
import { NODE_ROLES, type NodeObject } from './objects.js';

export const CONSTRAINT_OPERATORS = ['==', '!='] as const;
export type ConstraintOperator = (typeof CONSTRAINT_OPERATORS)[number];

/** `key` is `node.id`, `node.hostname`, `node.role` or `node.labels.<label key>`. */
export interface Constraint {
  readonly key: string;
  readonly op: ConstraintOperator;
  readonly value: string;
}

const LOOKS_LIKE = 'a constraint looks like node.labels.KEY==VALUE, node.role!=manager, node.hostname==HOST or node.id==ID (operator == or !=)';

const KEY_PATTERN = /^node\.(id|hostname|role|labels\.[^\s=!]+)$/;

/** Whether `key` names a node attribute a constraint or a spread preference can use. */
export function isPlacementKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}

/** Parses one constraint; throws StoreError INVALID_ARGUMENT saying what a constraint looks like. */
export function parseConstraint(expr: string): Constraint {
  const fail = (why: string): never => {
    throw new StoreError('INVALID_ARGUMENT', `constraint ${JSON.stringify(expr)} ${why}; ${LOOKS_LIKE}`);
  };
  const at = expr.search(/==|!=/);
  if (at < 0) return fail('has no operator');
  const key = expr.slice(0, at).trim();
  const op = expr.slice(at, at + 2) as ConstraintOperator;
  const value = expr.slice(at + 2).trim();
  if (key === '') return fail('has nothing before the operator');
  if (!isPlacementKey(key)) return fail(`does not constrain a known attribute (got "${key}")`);
  if (value === '') return fail('has no value after the operator');
  if (/^[=!]/.test(value)) return fail(`has a malformed operator (got "${expr.slice(at, at + 3)}")`);
  if (key === 'node.role' && !(NODE_ROLES as readonly string[]).includes(value.toLowerCase())) {
    return fail(`compares node.role with "${value}", but a role is "manager" or "worker"`);
  }
  return { key, op, value };
}

/** The constraint as written: `parseConstraint(formatConstraint(c))` gives `c` back. */
export function formatConstraint(c: Constraint): string {
  return `${c.key}${c.op}${c.value}`;
}

// The scheduler matches the same few constraint strings against every node; parse each once.
const parsed = new Map<string, Constraint>();
const PARSED_CACHE_LIMIT = 4096;

function cachedParse(expr: string): Constraint {
  let c = parsed.get(expr);
  if (c === undefined) {
    c = parseConstraint(expr);
    if (parsed.size >= PARSED_CACHE_LIMIT) parsed.clear();
    parsed.set(expr, c);
  }
  return c;
}

/** Whether `node` satisfies one parsed constraint. */
export function matchesConstraint(node: NodeObject, c: Constraint): boolean {
  const actual = attribute(node, c.key);
  const equal = actual !== undefined && actual.toLowerCase() === c.value.toLowerCase();
  return c.op === '==' ? equal : !equal;
}

/**
 * Whether `node` satisfies every constraint; `failed` is the first one it does not (as written),
 * for "no suitable node" messages. A constraint that does not parse counts as failed.
 */
export function matchesConstraints(node: NodeObject, constraints: readonly string[]): { ok: boolean; failed?: string } {
  for (const expr of constraints) {
    let c: Constraint;
    try {
      c = cachedParse(expr);
    } catch {
      return { ok: false, failed: expr };
    }
    if (!matchesConstraint(node, c)) return { ok: false, failed: expr };
  }
  return { ok: true };
}

function attribute(node: NodeObject, key: string): string | undefined {
  switch (key) {
    case 'node.id':
      return node.id;
    case 'node.hostname':
      return node.hostname;
    case 'node.role':
      return node.role;
    default: {
      const label = key.slice('node.labels.'.length);
      return Object.hasOwn(node.labels, label) ? node.labels[label] : undefined;
    }
  }
}
