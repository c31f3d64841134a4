// The context a manager attaches to a Raft membership change (ConfChange.context, JSON): when
// it was made, a joining manager's address, and whether the node leaves the Raft group because
// it is demoted. Every manager applies the same entry the same way (storeStateMachine in
// manager.ts), so decoding never throws: a malformed context reads as the defaults.

export interface ConfChangeContext {
  /** When the change was proposed (the node update's timestamp). */
  readonly at: string;
  /** A joining manager's address. */
  readonly addr?: string;
  /**
   * A RemoveNode that demotes the manager: leaving the Raft group and becoming a worker are
   * one entry, so a leader failing in between cannot leave a manager outside Raft.
   */
  readonly demote?: boolean;
}

const EPOCH = '1970-01-01T00:00:00.000Z';

export function encodeConfChangeContext(c: ConfChangeContext): string {
  return JSON.stringify(c);
}

export function decodeConfChangeContext(raw: string | undefined): Required<Pick<ConfChangeContext, 'at' | 'demote'>> {
  let v: unknown;
  try {
    v = JSON.parse(raw || '{}');
  } catch {
    v = {};
  }
  const o = typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  return { at: typeof o.at === 'string' ? o.at : EPOCH, demote: o.demote === true };
}
