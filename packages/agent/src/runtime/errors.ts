// Errors are values with a code the agent can branch on and a message that says what to do.

export type RuntimeErrorCode =
  | 'ENGINE_UNREACHABLE' // the Docker engine does not answer
  | 'ENGINE_ERROR' // the Docker engine answered with an error
  | 'NO_SUCH_TASK' // the runtime knows nothing of that task id
  | 'UNKNOWN_RUNTIME' // createRuntime got a name it does not know
  | 'INVALID_TASK_USER' // --task-user names no user, or one this agent cannot switch to
  | 'INVALID_TASKS_ROOT' // --tasks-root cannot hold tasks' working directories safely
  | 'INVALID_OPTION'; // an option given to a runtime it does not apply to

export class RuntimeError extends Error {
  readonly code: RuntimeErrorCode;

  constructor(code: RuntimeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RuntimeError';
    this.code = code;
  }
}

export function isRuntimeError(e: unknown, code?: RuntimeErrorCode): e is RuntimeError {
  return e instanceof RuntimeError && (code === undefined || e.code === code);
}
