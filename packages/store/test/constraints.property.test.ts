// The constraint language under random input: printing a parsed constraint and parsing it again
// gives it back; parsing and matching agree with a small reference written here from the
// documented grammar; anything else is refused with a StoreError that quotes the expression
// and says what a constraint looks like.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { StoreError, formatConstraint, matchesConstraints, parseConstraint, type Constraint, type NodeObject } from '@shoal/store';
import { T0, idOf, newNode } from './fixtures.js';

const LOOKS = 'a constraint looks like node.labels.KEY==VALUE';
const LABEL_KEYS = ['zone', 'disk', 'rack.row', 'Zone'];
const VALUES = ['a', 'B', 'b', 'ssd', 'x=y', 'manager', 'Worker', 'box-7'];

// ---- the reference: the grammar and the matching rules, written independently ----------

/** `key op value`, blanks around each part ignored; undefined when not a constraint. */
function referenceParse(expr: string): Constraint | undefined {
  const m = /^\s*(node\.(?:id|hostname|role|labels\.[^\s=!]+))\s*(==|!=)\s*([^=!\s][\s\S]*?)\s*$/.exec(expr);
  if (!m) return undefined;
  const [, key, op, value] = m as unknown as [string, string, '==' | '!=', string];
  // The operator is the first == or != in the text: nothing before it may contain one.
  if (/==|!=/.test(expr.slice(0, expr.indexOf(op, expr.indexOf(key) + key.length)))) return undefined;
  if (key === 'node.role' && !['manager', 'worker'].includes(value.toLowerCase())) return undefined;
  return { key, op, value };
}

function referenceMatches(node: NodeObject, c: Constraint): boolean {
  const attrs: Record<string, string> = { 'node.id': node.id, 'node.hostname': node.hostname, 'node.role': node.role };
  for (const [k, v] of Object.entries(node.labels)) attrs[`node.labels.${k}`] = v;
  const actual = Object.hasOwn(attrs, c.key) ? attrs[c.key] : undefined;
  const equal = actual !== undefined && actual.toLowerCase() === c.value.toLowerCase();
  return c.op === '==' ? equal : !equal;
}

// ---- generators ----------------------------------------------------------------------

const blank = fc.constantFrom('', ' ', '  ', '\t');
const keyArb = fc.oneof(
  fc.constantFrom('node.id', 'node.hostname', 'node.role'),
  fc.constantFrom(...LABEL_KEYS).map((k) => `node.labels.${k}`),
);
const valueArb = fc.oneof(
  fc.constantFrom(...VALUES, idOf('w1'), 'h1'),
  fc.string({ minLength: 1, maxLength: 8 }).filter((v) => v.trim() === v && v !== '' && !/^[=!]/.test(v)),
);
const constraintArb: fc.Arbitrary<Constraint> = fc
  .record({ key: keyArb, op: fc.constantFrom('==' as const, '!=' as const), value: valueArb })
  .filter((c) => c.key !== 'node.role' || ['manager', 'worker'].includes(c.value.toLowerCase()));

/** Valid constraints written loosely (blanks around the parts), as users type them. */
const writtenArb = fc.tuple(blank, constraintArb, blank, blank, blank).map(([a, c, b, d, e]) => `${a}${c.key}${b}${c.op}${d}${c.value}${e}`);

/** Mostly near-misses of the grammar, and some arbitrary text. */
const anyTextArb = fc.oneof(
  writtenArb,
  fc
    .array(fc.constantFrom('node', '.', 'labels', 'role', 'id', 'hostname', 'zone', '=', '==', '!=', '!', '===', ' ', 'a', 'manager', 'engine'), {
      maxLength: 8,
    })
    .map((parts) => parts.join('')),
  fc.string({ maxLength: 24 }),
  fc.string({ maxLength: 24, unit: 'grapheme' }),
);

const nodeArb: fc.Arbitrary<NodeObject> = fc
  .record({
    name: fc.constantFrom('w1', 'w2'),
    hostname: fc.constantFrom('h1', 'box-7', 'H1'),
    role: fc.constantFrom('manager' as const, 'worker' as const),
    labels: fc.dictionary(fc.constantFrom(...LABEL_KEYS, 'toString'), fc.constantFrom(...VALUES), { maxKeys: 3 }),
  })
  .map(({ name, ...rest }) => ({ ...newNode(name, rest), version: 1, createdAt: T0, updatedAt: T0 }));

// ---- properties ------------------------------------------------------------------------

describe('property: the constraint language', () => {
  it('parse ∘ format is the identity on constraints; format ∘ parse is a normal form', () => {
    fc.assert(
      fc.property(constraintArb, (c) => {
        expect(parseConstraint(formatConstraint(c))).toEqual(c);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(writtenArb, (expr) => {
        const c = parseConstraint(expr);
        expect(parseConstraint(formatConstraint(c))).toEqual(c);
        expect(formatConstraint(parseConstraint(formatConstraint(c)))).toBe(formatConstraint(c));
      }),
      { numRuns: 500 },
    );
  });

  it('accepts exactly what the reference grammar accepts, and parses it the same way', () => {
    fc.assert(
      fc.property(anyTextArb, (expr) => {
        const expected = referenceParse(expr);
        let got: Constraint | StoreError;
        try {
          got = parseConstraint(expr);
        } catch (e) {
          got = e as StoreError;
        }
        if (expected) expect(got).toEqual(expected);
        else expect(got, `accepted ${JSON.stringify(expr)}`).toBeInstanceOf(StoreError);
      }),
      { numRuns: 2000 },
    );
  });

  it('a malformed constraint is a StoreError INVALID_ARGUMENT quoting it and showing the form; nothing else is ever thrown', () => {
    fc.assert(
      fc.property(anyTextArb, (expr) => {
        try {
          parseConstraint(expr);
        } catch (e) {
          expect(e).toBeInstanceOf(StoreError);
          expect((e as StoreError).code).toBe('INVALID_ARGUMENT');
          expect((e as StoreError).message).toContain(`constraint ${JSON.stringify(expr)} `);
          expect((e as StoreError).message).toContain(LOOKS);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('matching agrees with the reference: all must hold, the first failing one is named', () => {
    fc.assert(
      fc.property(nodeArb, fc.array(fc.oneof(writtenArb, anyTextArb), { maxLength: 4 }), (node, exprs) => {
        let expected: { ok: boolean; failed?: string } = { ok: true };
        for (const expr of exprs) {
          const c = referenceParse(expr);
          if (!c || !referenceMatches(node, c)) {
            expected = { ok: false, failed: expr };
            break;
          }
        }
        expect(matchesConstraints(node, exprs)).toEqual(expected);
      }),
      { numRuns: 1000 },
    );
  });

  it('the generators reach both outcomes (guards the properties above)', () => {
    let matched = 0;
    let refused = 0;
    fc.assert(
      fc.property(nodeArb, writtenArb, anyTextArb, (node, expr, any) => {
        if (matchesConstraints(node, [expr]).ok) matched++;
        if (!referenceParse(any)) refused++;
      }),
      { numRuns: 300, seed: 12 },
    );
    expect(matched).toBeGreaterThan(30);
    expect(refused).toBeGreaterThan(30);
  });
});
