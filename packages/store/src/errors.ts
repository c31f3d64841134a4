// Errors are values with a code a caller can branch on and a message that says what to do.
// A refused command becomes an ApplyResult carrying { code, message }; reads and snapshot
// restore throw a StoreError.

export type StoreErrorCode =
  | 'NOT_FOUND' // no object with that id / reference
  | 'ALREADY_EXISTS' // an object with that id exists
  | 'NAME_TAKEN' // another object of the same kind has that name
  | 'UPDATE_OUT_OF_SEQUENCE' // expectedVersion is not the object's current version, or a task report older than what is stored
  | 'PORT_IN_USE' // a published port another service publishes, or a node port another task holds
  | 'INVALID_COMMAND' // the command is malformed (shape, types, unknown fields)
  | 'INVALID_ARGUMENT' // well-formed, but the values make no sense for the current state
  | 'CORRUPT_SNAPSHOT'; // snapshot bytes failed validation

export class StoreError extends Error {
  readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string) {
    super(message);
    this.name = 'StoreError';
    this.code = code;
  }

  /** The plain form carried by a refused ApplyResult (it must be serializable and comparable). */
  toJSON(): { code: StoreErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

export function isStoreError(e: unknown, code?: StoreErrorCode): e is StoreError {
  return e instanceof StoreError && (code === undefined || e.code === code);
}

export function outOfSequenceError(what: string, expected: number, current: number): StoreError {
  return new StoreError(
    'UPDATE_OUT_OF_SEQUENCE',
    `update out of sequence: re-read and retry (${what} is at version ${current}, the update expected version ${expected})`,
  );
}
