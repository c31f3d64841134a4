// The CLI's error: a code (the manager's, e.g. NOT_FOUND, or USAGE for a bad command line) and
// a message that says what to do. Its own module so that parsing the command line needs
// nothing of the gRPC client.

export class CliError extends Error {
  constructor(
    message: string,
    readonly code = 'ERROR',
  ) {
    super(message);
    this.name = 'CliError';
  }
}
