// Where `shoal worker join` / `shoal manager join` take the join token from, and how the
// process stops showing it.
//
// A token on the command line (--token TOKEN) is in the process's argv, which every local user
// reads in `ps` or /proc/PID/cmdline. Safer: --token-file FILE, or --token - to read it from
// stdin. Whichever way it came, the joining process then overwrites its argv with a title
// (process.title: on Linux Node writes it over the argv area), so the token shows in `ps` only
// while the process starts, not for the node's whole life.

import { readFileSync } from 'node:fs';
import { CliError } from './errors.js';

export interface TokenSource {
  /** --token: the token, or "-" for stdin. */
  readonly token?: string | undefined;
  /** --token-file */
  readonly tokenFile?: string | undefined;
}

/**
 * yargs reads a lone "-" as a positional word, not as an option's value: `--token -` becomes
 * `--token=-` before parsing. Words after "--" (a container's command line) are left alone.
 */
export function withStdinTokenValue(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      out.push(...args.slice(i));
      break;
    }
    if (a === '--token' && args[i + 1] === '-') {
      out.push('--token=-');
      i++;
    } else {
      out.push(a);
    }
  }
  return out;
}

/**
 * The join token from --token, --token - (stdin) or --token-file: trimmed, one word, or a
 * CliError saying what was wrong. `readStdin` is how stdin is read (tests give their own).
 */
export function readJoinToken(src: TokenSource, role: 'worker' | 'manager', readStdin: () => string = () => readFileSync(0, 'utf8')): string {
  const get = `\`shoal join-token ${role}\``;
  if (src.token !== undefined && src.tokenFile !== undefined) {
    throw new CliError('give the join token one way: --token or --token-file, not both', 'USAGE');
  }
  if (src.tokenFile !== undefined) {
    const file = src.tokenFile;
    if (file === '') throw new CliError('--token-file needs a file name', 'USAGE');
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new CliError(`cannot read the join token from --token-file ${file}: ${fileProblem(e)}`, 'USAGE');
    }
    return oneToken(text, `--token-file ${file}`, `it must hold the ${role} token printed by ${get}`);
  }
  if (src.token === '-') {
    if (process.stdin.isTTY) process.stderr.write(`paste the ${role} join token, then press Enter and Ctrl-D:\n`);
    let text: string;
    try {
      text = readStdin();
    } catch (e) {
      throw new CliError(`cannot read the join token from stdin (--token -): ${(e as Error).message}`, 'USAGE');
    }
    return oneToken(text, 'stdin (--token -)', `pipe in the ${role} token printed by ${get}`);
  }
  if (src.token === undefined || src.token.trim() === '') {
    throw new CliError(
      `a ${role} join token is needed: --token-file FILE, --token - to read it from stdin, or --token TOKEN (briefly visible in ps); get it with ${get}`,
      'USAGE',
    );
  }
  return oneToken(src.token, '--token', `give the ${role} token printed by ${get}`);
}

function oneToken(text: string, where: string, advice: string): string {
  const token = text.trim();
  if (token === '') throw new CliError(`no join token in ${where}: ${advice}`, 'USAGE');
  if (/\s/.test(token)) throw new CliError(`${where} holds more than one word: ${advice}, and nothing else`, 'USAGE');
  return token;
}

function fileProblem(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied (the file must be readable by the user running shoal)';
  if (code === 'EISDIR') return 'it is a directory, not a file';
  return (e as Error).message;
}

/**
 * Overwrites what `ps` shows for this process (/proc/PID/cmdline) — the command line, with any
 * token given as --token — with `title`. Linux only shows as much of it as the original
 * command line was long.
 */
export function hideCommandLine(title: string): void {
  process.title = title;
}
