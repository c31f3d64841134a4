// Where `worker join` / `manager join` read the join token: --token, --token - (stdin),
// --token-file. The cross-process side (a real join, /proc/PID/cmdline) is
// test/join-token-input.test.ts.

import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliError } from '../src/errors.js';
import { readJoinToken, withStdinTokenValue } from '../src/token-input.js';

const TOKEN = 'SWMTKN-1-f642ab82ffa32442cc785ee0f3d3e4dd2b739c586966314fd4031c7fc2418e43-bxn1i3e9re517ynnaepo3xxs5';
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'shoal-token-input-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function usageError(f: () => unknown): CliError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CliError);
    expect((e as CliError).code).toBe('USAGE');
    return e as CliError;
  }
  throw new Error('expected a usage error');
}

const noStdin = (): string => {
  throw new Error('stdin must not be read');
};

describe('readJoinToken', () => {
  it('takes --token as given, trimmed', () => {
    expect(readJoinToken({ token: ` ${TOKEN} ` }, 'worker', noStdin)).toBe(TOKEN);
  });

  it('reads --token-file (a trailing newline is fine)', () => {
    const file = join(dir, 'token');
    writeFileSync(file, `${TOKEN}\n`, { mode: 0o600 });
    expect(readJoinToken({ tokenFile: file }, 'worker', noStdin)).toBe(TOKEN);
  });

  it('reads stdin for --token -', () => {
    expect(readJoinToken({ token: '-' }, 'manager', () => `${TOKEN}\n`)).toBe(TOKEN);
  });

  it('says what is wrong with a token file', () => {
    expect(usageError(() => readJoinToken({ tokenFile: join(dir, 'nope') }, 'worker', noStdin)).message).toBe(
      `cannot read the join token from --token-file ${join(dir, 'nope')}: no such file`,
    );
    expect(usageError(() => readJoinToken({ tokenFile: dir }, 'worker', noStdin)).message).toContain('it is a directory, not a file');
    const empty = join(dir, 'empty');
    writeFileSync(empty, '\n');
    expect(usageError(() => readJoinToken({ tokenFile: empty }, 'worker', noStdin)).message).toBe(
      `no join token in --token-file ${empty}: it must hold the worker token printed by \`shoal join-token worker\``,
    );
    const two = join(dir, 'two');
    writeFileSync(two, `${TOKEN}\n${TOKEN}\n`);
    expect(usageError(() => readJoinToken({ tokenFile: two }, 'worker', noStdin)).message).toMatch(/holds more than one word/);
    expect(usageError(() => readJoinToken({ tokenFile: '' }, 'worker', noStdin)).message).toBe('--token-file needs a file name');
  });

  it.skipIf(process.getuid?.() === 0)('says when the token file is not readable (root reads anything)', () => {
    const file = join(dir, 'locked');
    writeFileSync(file, TOKEN);
    chmodSync(file, 0o000);
    expect(usageError(() => readJoinToken({ tokenFile: file }, 'worker', noStdin)).message).toContain('permission denied');
  });

  it('wants the token exactly one way', () => {
    expect(usageError(() => readJoinToken({}, 'worker', noStdin)).message).toMatch(
      /a worker join token is needed: --token-file FILE, --token - .*shoal join-token worker/,
    );
    expect(usageError(() => readJoinToken({ token: '' }, 'manager', noStdin)).message).toMatch(/a manager join token is needed/);
    expect(usageError(() => readJoinToken({ token: TOKEN, tokenFile: join(dir, 'x') }, 'worker', noStdin)).message).toMatch(/not both/);
    expect(usageError(() => readJoinToken({ token: '-' }, 'worker', () => '  \n')).message).toBe(
      'no join token in stdin (--token -): pipe in the worker token printed by `shoal join-token worker`',
    );
  });
});

describe('withStdinTokenValue', () => {
  it('keeps "--token -" together, and leaves what follows "--" alone', () => {
    expect(withStdinTokenValue(['worker', 'join', 'h:1', '--token', '-', '--data', 'd'])).toEqual(['worker', 'join', 'h:1', '--token=-', '--data', 'd']);
    expect(withStdinTokenValue(['service', 'create', 'img', '--', 'app', '--token', '-'])).toEqual(['service', 'create', 'img', '--', 'app', '--token', '-']);
    expect(withStdinTokenValue(['worker', 'join', '--token', TOKEN])).toEqual(['worker', 'join', '--token', TOKEN]);
  });
});
