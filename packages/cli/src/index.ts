// @shoal/cli: the `shoal` command (main.ts) and the client other tools reuse.
export { CliError, ControlConnection, loadCredentials, parseHosts, type ConnectionOptions, type Credentials } from './client.js';
export { managerStatus, nodeRow } from './commands/node.js';
export { managerCountWarning } from './output.js';
