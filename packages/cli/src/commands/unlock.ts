// Autolock from the command line, like `docker swarm unlock` and `docker swarm unlock-key`:
//   `shoal manager unlock --data DIR`  hands the key to a locked manager on this host
//                                      (DIR/unlock.sock), from a hidden prompt, stdin or --key-file;
//                                      never from argv, where `ps` would show it.
//   `shoal manager unlock-key [--rotate]`  prints (or replaces) the cluster's unlock key.

import { readFileSync } from 'node:fs';
import type { ControlConnection } from '../client.js';
import { CliError } from '../errors.js';
import { printJson } from '../output.js';

/** Reads a line from the terminal without echoing it. */
async function promptHidden(question: string): Promise<string> {
  const { createInterface } = await import('node:readline');
  const { Writable } = await import('node:stream');
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  process.stderr.write(question);
  muted = true;
  return new Promise((resolve, reject) => {
    rl.once('close', () => reject(new CliError('no unlock key was entered (input closed)', 'USAGE')));
    rl.question('', (answer) => {
      rl.removeAllListeners('close');
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}

export async function managerUnlock(o: { data: string; keyFile?: string | undefined }): Promise<void> {
  const { parseUnlockKey, readUnlockKeyFile, sendUnlockKey } = await import('@shoal/identity/unlock');
  let key: string;
  if (o.keyFile !== undefined) {
    key = readUnlockKeyFile(o.keyFile);
  } else if (process.stdin.isTTY) {
    key = parseUnlockKey(await promptHidden('Unlock key: '), 'the key entered');
  } else {
    let text: string;
    try {
      text = readFileSync(0, 'utf8');
    } catch (e) {
      throw new CliError(`cannot read the unlock key from stdin: ${(e as Error).message}; or give --key-file FILE`, 'USAGE');
    }
    key = parseUnlockKey(text, 'stdin');
  }
  await sendUnlockKey(o.data, key);
  process.stdout.write(`The manager on ${o.data} is unlocked and starts serving.\n`);
}

export async function unlockKey(conn: ControlConnection, o: { rotate: boolean; quiet: boolean; json: boolean }): Promise<void> {
  const r = await conn.call('UnlockKey', { rotate: o.rotate }, { write: o.rotate });
  if (o.json) return printJson({ unlockKey: r.unlockKey });
  if (o.quiet) return void process.stdout.write(`${r.unlockKey}\n`);
  if (o.rotate) {
    process.stdout.write(
      'Rotated the unlock key: each manager re-seals its data under the new key as it applies the change.\n' +
        'Keep the previous key for a while too: a manager that was down during the rotation still unlocks with it (once\n' +
        'running again it switches to the new key).\n\n',
    );
  }
  process.stdout.write(
    `To unlock a restarted manager, run \`shoal manager unlock --data DIR\` on its host and enter:\n\n    ${r.unlockKey}\n\n` +
      'Keep it safe: without it a stopped manager cannot be restarted.\n',
  );
}
