// One kind of object: a map by id plus the unique-name index. Names are unique per kind and
// compared case-insensitively (as SwarmKit's memdb does), so "Web" and "web" cannot both exist.
// The table holds frozen objects and hands them out as they are: callers cannot mutate the
// store, and reads need no copying. It only stores; deciding whether a change is allowed is
// the command's job, using the check* helpers here.

import { StoreError } from './errors.js';
import type { StoredObject } from './objects.js';

export class Table<T extends StoredObject> {
  private readonly byId = new Map<string, T>();
  private readonly idByName = new Map<string, string>();
  private sorted: readonly T[] | undefined; // cache for all(); dropped on every write

  /** `kind` names the objects in messages: "node", later "service", "task". */
  constructor(readonly kind: string) {}

  get size(): number {
    return this.byId.size;
  }

  get(id: string): T | undefined {
    return this.byId.get(id);
  }

  getByName(name: string): T | undefined {
    const id = this.idByName.get(nameKey(name));
    return id === undefined ? undefined : this.byId.get(id);
  }

  /** Every object, sorted by name. */
  all(): readonly T[] {
    this.sorted ??= Object.freeze([...this.byId.values()].sort(byName));
    return this.sorted;
  }

  /** Exact id, else exact name, else a unique id prefix. */
  find(ref: string): T {
    if (ref === '') throw new StoreError('INVALID_ARGUMENT', `${this.kind} reference is empty; give an id, a name or an id prefix`);
    const exact = this.byId.get(ref) ?? this.getByName(ref);
    if (exact) return exact;
    const matches = [...this.byId.values()].filter((o) => o.id.startsWith(ref)).sort(byName);
    const [only] = matches;
    if (matches.length === 1 && only) return only;
    if (matches.length === 0) {
      throw new StoreError('NOT_FOUND', `no ${this.kind} matches "${ref}"; see \`shoal ${this.kind} ls\``);
    }
    const shown = matches.slice(0, 5).map((o) => `${o.id} (${o.name})`);
    if (matches.length > shown.length) shown.push(`and ${matches.length - shown.length} more`);
    throw new StoreError(
      'INVALID_ARGUMENT',
      `${this.kind} prefix "${ref}" matches ${matches.length} ${this.kind}s: ${shown.join(', ')}; use more characters`,
    );
  }

  // ---- checks a command makes before it changes anything --------------------------------

  /** The object to update or remove, or NOT_FOUND. */
  existing(id: string): T | StoreError {
    return (
      this.byId.get(id) ??
      new StoreError('NOT_FOUND', `no ${this.kind} has id "${id}"; it may have been removed — see \`shoal ${this.kind} ls\``)
    );
  }

  /** Why `obj` cannot be inserted, if it cannot. */
  insertProblem(obj: T): StoreError | undefined {
    if (this.byId.has(obj.id)) {
      return new StoreError('ALREADY_EXISTS', `a ${this.kind} with id "${obj.id}" already exists; generate a new id`);
    }
    return this.nameProblem(obj.name, obj.id);
  }

  /** Why the object `id` cannot be called `name`, if it cannot. */
  nameProblem(name: string, id: string): StoreError | undefined {
    const owner = this.getByName(name);
    if (owner && owner.id !== id) {
      return new StoreError(
        'NAME_TAKEN',
        `${this.kind} name "${name}" is already used by ${this.kind} ${owner.id} ("${owner.name}"); choose another name or remove that ${this.kind} first`,
      );
    }
    return undefined;
  }

  // ---- writes: the caller has checked; objects must already be frozen -------------------

  put(obj: T): void {
    const previous = this.byId.get(obj.id);
    if (previous) this.idByName.delete(nameKey(previous.name));
    this.byId.set(obj.id, obj);
    this.idByName.set(nameKey(obj.name), obj.id);
    this.sorted = undefined;
  }

  delete(id: string): void {
    const previous = this.byId.get(id);
    if (!previous) return;
    this.byId.delete(id);
    this.idByName.delete(nameKey(previous.name));
    this.sorted = undefined;
  }

  /** An independent table holding the same (immutable) objects. */
  clone(): Table<T> {
    const copy = new Table<T>(this.kind);
    for (const obj of this.byId.values()) copy.put(obj);
    return copy;
  }
}

// Names are ASCII (NAME_RULE), so this lowercases identically on every manager.
export function nameKey(name: string): string {
  return name.toLowerCase();
}

// Plain code-unit comparison, not localeCompare: order must not depend on the host's locale.
function byName(a: StoredObject, b: StoredObject): number {
  const ka = nameKey(a.name);
  const kb = nameKey(b.name);
  if (ka !== kb) return ka < kb ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
