// The watch stream: what changed, emitted synchronously right after each successful apply.
// Controllers rebuild from a read view and then follow these events (see viewAndWatch), so an
// event carries the whole new object and, for updates, the previous one to diff against.

import type { ClusterObject, NodeObject } from './objects.js';
import type { ServiceObject } from './services.js';
import type { TaskObject } from './tasks.js';

export type ChangeEvent<K extends string, T> =
  | { readonly kind: K; readonly action: 'create'; readonly object: T; readonly previous?: undefined; readonly index: number }
  | { readonly kind: K; readonly action: 'update'; readonly object: T; readonly previous: T; readonly index: number }
  /** `object` is the object as it was when removed. */
  | { readonly kind: K; readonly action: 'remove'; readonly object: T; readonly previous?: undefined; readonly index: number };

export type NodeEvent = ChangeEvent<'node', NodeObject>;
export type ClusterEvent = ChangeEvent<'cluster', ClusterObject>;
export type ServiceEvent = ChangeEvent<'service', ServiceObject>;
/** A tasks.apply emits one per task it changed, in the order the items applied. */
export type TaskEvent = ChangeEvent<'task', TaskObject>;

/**
 * The whole state was replaced (a Raft snapshot was installed): drop what you derived and
 * re-read everything. `index` is the new applied index.
 */
export interface RestoreEvent {
  readonly kind: 'restore';
  readonly index: number;
}

export type StoreEvent = NodeEvent | ClusterEvent | ServiceEvent | TaskEvent | RestoreEvent;
export type StoreListener = (event: StoreEvent) => void;

export class Watchers {
  private listeners: readonly StoreListener[] = [];
  private emitting = false;

  get busy(): boolean {
    return this.emitting;
  }

  add(listener: StoreListener): () => void {
    // A fresh wrapper per subscription, so subscribing the same function twice gives two
    // independent subscriptions and each unsubscribe removes exactly its own.
    const entry: StoreListener = (e) => listener(e);
    this.listeners = [...this.listeners, entry];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== entry);
    };
  }

  /**
   * Delivers events in order to the listeners subscribed when emit began. A listener that
   * throws must not stop the others or undo an apply that already happened, nor go unnoticed:
   * its error is rethrown asynchronously, where the process's uncaught-error handling sees it.
   */
  emit(events: readonly StoreEvent[]): void {
    if (events.length === 0 || this.listeners.length === 0) return;
    const listeners = this.listeners;
    this.emitting = true;
    try {
      for (const event of events) {
        for (const listener of listeners) {
          if (!this.listeners.includes(listener)) continue; // unsubscribed during this emit
          try {
            listener(event);
          } catch (e) {
            queueMicrotask(() => {
              throw e;
            });
          }
        }
      }
    } finally {
      this.emitting = false;
    }
  }
}
