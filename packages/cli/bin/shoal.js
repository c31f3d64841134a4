#!/usr/bin/env node
// The `shoal` command as npm links it (node_modules/.bin/shoal, so `npx shoal` works). It lives
// outside dist/ because npm links a bin at install time, before anything is built; it runs the
// built CLI, or says how to build it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/main.js', import.meta.url);
if (!existsSync(fileURLToPath(built))) {
  process.stderr.write('error: the shoal CLI is not built yet: run `npm run build` (or `npm start`) in the repository first\n');
  process.exit(1);
}
const { main } = await import(built.href);
process.exitCode = await main();
