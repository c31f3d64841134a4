// How to start one of this package's entry points as its own process: the same way this
// process runs (node with tsx's loader from the sources, or plain node from dist/).

import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `node [loader flags] <module>` for the sibling module `base` (a URL without extension). */
export function nodeModuleArgs(base: URL): string[] {
  const ext = extname(fileURLToPath(import.meta.url)); // .ts under tsx, .js from dist
  return [process.execPath, ...process.execArgv.filter((a) => !a.startsWith('--inspect')), `${fileURLToPath(base)}${ext}`];
}
