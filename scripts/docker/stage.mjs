// Runs inside the image build (scripts/docker/Dockerfile, first stage): assembles what the
// image ships under OUT from the build context copied into the working directory:
//
//   OUT/package.json, package-lock.json
//   OUT/packages/<name>/{package.json, dist/}     the built workspace (no sources, no tests)
//   OUT/proto/                                    the wire contracts, loaded at run time
//   OUT/node_modules/                             without what package-lock.json marks dev-only
//
// No registry is needed: the dependencies are the ones `npm ci` installed in the checkout,
// pruned here the way `npm prune --omit=dev` would (a lockfile entry with "dev": true is only
// reachable from devDependencies). Workspace links (node_modules/@shoal/* → packages/*) stay
// links.
//
//   node stage.mjs OUT

import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const out = process.argv[2];
if (!out) {
  console.error('usage: node stage.mjs OUT');
  process.exit(2);
}
const src = process.cwd();

function fail(message) {
  console.error(`stage: ${message}`);
  process.exit(1);
}

const lock = JSON.parse(readFileSync(join(src, 'package-lock.json'), 'utf8'));
const devOnly = new Set(
  Object.entries(lock.packages ?? {})
    .filter(([path, meta]) => path !== '' && meta.dev === true)
    .map(([path]) => path),
);

mkdirSync(join(out, 'packages'), { recursive: true });
for (const file of ['package.json', 'package-lock.json']) cpSync(join(src, file), join(out, file));
cpSync(join(src, 'proto'), join(out, 'proto'), { recursive: true });

let packages = 0;
for (const name of readdirSync(join(src, 'packages')).sort()) {
  const dir = join(src, 'packages', name);
  if (!existsSync(join(dir, 'package.json'))) continue;
  if (!existsSync(join(dir, 'dist', 'index.js'))) {
    fail(`packages/${name}/dist/index.js is missing: build the workspace first (npm ci && npm run build), then build the image`);
  }
  cpSync(join(dir, 'package.json'), join(out, 'packages', name, 'package.json'));
  cpSync(join(dir, 'dist'), join(out, 'packages', name, 'dist'), {
    recursive: true,
    filter: (p) => !p.endsWith('.tsbuildinfo'),
  });
  packages++;
}
if (!existsSync(join(out, 'packages', 'cli', 'dist', 'main.js'))) fail('packages/cli/dist/main.js is missing: build the workspace first (npm run build)');

let dropped = 0;
cpSync(join(src, 'node_modules'), join(out, 'node_modules'), {
  recursive: true,
  verbatimSymlinks: true,
  filter: (p) => {
    const rel = relative(src, p).split(sep).join('/');
    // Tool caches and the links to dev tools' binaries are not part of a production install.
    if (/^node_modules\/(\.bin|\.cache|\.vite|\.vitest)(\/|$)/.test(rel)) return false;
    if (devOnly.has(rel)) {
      dropped++;
      return false;
    }
    return true;
  },
});
// Scope folders (@vitest, ...) whose packages were all dev-only are left empty: drop them.
for (const scope of readdirSync(join(out, 'node_modules'))) {
  const dir = join(out, 'node_modules', scope);
  if (scope.startsWith('@') && readdirSync(dir).length === 0) rmdirSync(dir);
}
console.log(`stage: ${packages} packages, proto/, node_modules without ${dropped} dev-only packages → ${out}`);
