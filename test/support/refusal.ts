// What the bad-input tests wait for: a control API call that the managers refuse.

import { CliError } from '@shoal/cli';

/** The error a control API call fails with (a CliError carrying the manager's code); throws if it succeeds or fails otherwise. */
export async function refusal(p: Promise<unknown>): Promise<CliError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof CliError)) throw new Error(`expected the call to be refused, got ${e === undefined ? 'success' : String(e)}`);
  return e;
}
