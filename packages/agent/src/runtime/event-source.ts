// What every runtime shares for reporting: progress goes out as 'event's until close(), and a
// closed runtime reports nothing more, because it has handed its tasks to the next agent.

import { EventEmitter } from 'node:events';
import type { RuntimeEvent, RuntimeState } from './runtime.js';

export abstract class RuntimeEventSource extends EventEmitter {
  /** Set by close(): from then on the runtime is silent. */
  protected closed = false;

  protected emitState(
    taskId: string,
    state: RuntimeState,
    message: string,
    extra: { error?: string; exitCode?: number | null; runtimeId?: string } = {},
  ): void {
    this.emitEvent({ kind: 'state', taskId, state, message, ...extra });
  }

  protected emitEvent(e: RuntimeEvent): void {
    if (!this.closed) this.emit('event', e);
  }
}
