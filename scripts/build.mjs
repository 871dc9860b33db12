#!/usr/bin/env node
// `npm run build` (also run by `prepare`, so `npm ci`, `npm pack` and installs from git build it):
// type-checked JavaScript and declarations in dist/ from tsconfig.build.json, then the runtime
// files tsc does not emit, copied to the same relative paths (dist/ mirrors the repository, so
// `new URL('./worker.mjs', import.meta.url)` and `../../fixtures/...` resolve in the build as in
// the sources). dist/ is emptied first: a module deleted from the sources must not linger there.
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Read at run time by relative URL and not produced by tsc: every hand-written .mjs module (and
 * its .d.mts) in the source folders, found by walking them so a new worker file cannot be
 * forgotten, and the data folders below.
 */
const SOURCE_DIRS = ['core', 'src', 'samplers', 'likelihoods'];
const DATA = ['fixtures/examples', 'fixtures/surrogate'];
function handWritten(dir) {
  return readdirSync(new URL(`../${dir}`, import.meta.url), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? handWritten(`${dir}/${e.name}`) : /\.(mjs|d\.mts)$/.test(e.name) ? [`${dir}/${e.name}`] : [],
  );
}
const ASSETS = [...SOURCE_DIRS.filter((d) => existsSync(new URL(`../${d}`, import.meta.url))).flatMap(handWritten), ...DATA];

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = new URL('../dist/', import.meta.url);
rmSync(dist, { recursive: true, force: true });
// typescript's package exports do not include its bin; find it through package.json's "bin".
const require = createRequire(import.meta.url);
const tsc = join(dirname(require.resolve('typescript/package.json')), require('typescript/package.json').bin.tsc);
const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) {
  console.error(`build: tsc -p tsconfig.build.json failed (exit ${r.status ?? r.signal})`);
  process.exit(1);
}
for (const a of ASSETS) cpSync(new URL(`../${a}`, import.meta.url), new URL(a, dist), { recursive: true });
