// The package is split by dependency: what each entry point loads, followed through its
// relative imports, decides what a consumer of that entry has to install.

import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PKG = fileURLToPath(new URL('..', import.meta.url));
const SRC = resolve(PKG, 'src');
const manifest = JSON.parse(readFileSync(resolve(PKG, 'package.json'), 'utf8')) as {
  exports: Record<string, { source: string }>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
};

// `import type` / `export type` are erased from the output; every other import or re-export loads its module.
const IMPORT = /^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s*)?['"]([^'"]+)['"]/gm;

/** The source files an entry loads (relative to src/) and the bare specifiers they import. */
function graph(entry: string): { files: string[]; bare: string[] } {
  const seen = new Set<string>();
  const bare = new Set<string>();
  const todo = [resolve(PKG, entry)];
  for (let file = todo.pop(); file !== undefined; file = todo.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      if (spec!.startsWith('.')) todo.push(resolve(dirname(file), spec!.replace(/\.js$/, '.ts')));
      else bare.add(spec!);
    }
  }
  return { files: [...seen].map((f) => relative(SRC, f)).sort(), bare: [...bare].sort() };
}

/** The npm package a bare specifier belongs to ('yargs/helpers' → 'yargs'); undefined for Node built-ins. */
function packageOf(spec: string): string | undefined {
  if (spec.startsWith('node:')) return undefined;
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const entry = (name: string): string => manifest.exports[name]!.source;

describe('entry points', () => {
  it('@shoal/raft (the core and MemoryStorage) imports nothing but its own modules', () => {
    const { files, bare } = graph(entry('.'));
    expect(bare).toEqual([]);
    expect(files).toContain('storage.ts');
    expect(files).toContain('snapshot-chunks.ts');
    expect(files.filter((f) => f.startsWith('level') || f.startsWith('sim/'))).toEqual([]);
  });

  it('@shoal/raft/level is the only entry that needs `level`', () => {
    expect(graph(entry('./level')).bare).toEqual(['level', 'node:fs', 'node:zlib']);
    expect(graph(entry('./sim')).bare.map(packageOf).filter(Boolean)).toEqual([]);
  });

  it("runtime dependencies are exactly what the entries import; the simulator CLI's are dev dependencies", () => {
    const runtime = new Set(
      Object.keys(manifest.exports).flatMap((name) =>
        graph(entry(name))
          .bare.map(packageOf)
          .filter((p) => p !== undefined),
      ),
    );
    expect(Object.keys(manifest.dependencies ?? {}).sort()).toEqual([...runtime].sort());

    const cli = graph('src/sim/cli.ts')
      .bare.map(packageOf)
      .filter((p) => p !== undefined);
    expect(cli).toContain('yargs');
    for (const p of cli) if (!runtime.has(p)) expect(Object.keys(manifest.devDependencies ?? {})).toContain(p);
  });
});
