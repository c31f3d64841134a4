// Flag parsing the CLI does before anything reaches a manager: whole numbers (yargs would read
// "abc" as NaN, sent as null, which the leader replaced with the default) and published ports.

import { describe, expect, it } from 'vitest';
import { CliError } from '../src/errors.js';
import { parsePort, wholeNumber } from '../src/flag-values.js';

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof CliError) return e.message;
    throw e;
  }
  throw new Error('expected a CliError');
}

describe('wholeNumber', () => {
  const replicas = wholeNumber('--replicas');
  it('takes whole numbers (a sign too: the leader checks the range and names the field)', () => {
    expect(replicas('3')).toBe(3);
    expect(replicas(' 0 ')).toBe(0);
    expect(replicas('-1')).toBe(-1);
    expect(replicas(undefined)).toBeUndefined();
    expect(replicas(['1', '5'])).toBe(5);
  });
  it('refuses anything else, saying which flag', () => {
    expect(message(() => replicas('abc'))).toBe('--replicas wants a whole number like 3 (got "abc")');
    for (const bad of ['1.5', '', '3x', '0x10', '1e3', 'NaN']) expect(message(() => replicas(bad))).toContain('--replicas wants a whole number');
  });
});

describe('parsePort', () => {
  it('reads PUBLISHED[:TARGET]', () => {
    expect(parsePort('8080:80')).toEqual({ published: 8080, target: 80, protocol: 'tcp' });
    expect(parsePort('8080')).toEqual({ published: 8080, target: 8080, protocol: 'tcp' });
  });
  it('refuses ports outside 1..65535 on either side', () => {
    expect(message(() => parsePort('18090:0'))).toBe('-p/--publish 18090:0: the target port 0 is not a port (1..65535)');
    expect(message(() => parsePort('0:80'))).toBe('-p/--publish 0:80: the published port 0 is not a port (1..65535)');
    expect(message(() => parsePort('70000:80'))).toBe('-p/--publish 70000:80: the published port 70000 is not a port (1..65535)');
  });
});
