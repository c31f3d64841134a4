// A tasks.apply too large for one Raft entry, split into several that fit. Its items apply one
// by one anyway (each checks its own expected version and is skipped alone when it fails), so
// consecutive entries holding the items in their original order apply them as one entry would,
// except that another change may land between two parts — which every item already allows for.

import { MAX_TASK_BATCH, type TasksApplyCommand } from '@shoal/store';

/** Room left in each part for the command's own fields and the JSON around the lists. */
const ENVELOPE_BYTES = 1024;

/**
 * Parts of `cmd` whose encoding stays within `maxBytes` (and MAX_TASK_BATCH items per list),
 * in order: creates, then updates, then removes, as the store applies them. An item larger than
 * a part may be is left alone in a part of its own (the Raft host then refuses that part).
 */
export function splitTaskBatch(cmd: TasksApplyCommand, maxBytes: number): TasksApplyCommand[] {
  const budget = maxBytes - ENVELOPE_BYTES;
  const parts: TasksApplyCommand[] = [];
  let part = { creates: [] as TasksApplyCommand['creates'][number][], updates: [] as TasksApplyCommand['updates'][number][], removes: [] as string[] };
  let bytes = 0;
  const flush = (): void => {
    if (part.creates.length + part.updates.length + part.removes.length === 0) return;
    parts.push({ type: 'tasks.apply', at: cmd.at, ...part });
    part = { creates: [], updates: [], removes: [] };
    bytes = 0;
  };
  const add = <K extends keyof typeof part>(list: K, item: (typeof part)[K][number]): void => {
    const size = Buffer.byteLength(JSON.stringify(item)) + 1; // + the comma
    if (bytes + size > budget || part[list].length >= MAX_TASK_BATCH) flush();
    (part[list] as unknown[]).push(item);
    bytes += size;
  };
  for (const c of cmd.creates) add('creates', c);
  for (const u of cmd.updates) add('updates', u);
  for (const r of cmd.removes) add('removes', r);
  flush();
  return parts;
}
