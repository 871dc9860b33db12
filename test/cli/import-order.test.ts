/**
 * Every CLI command module loads when it is the FIRST module a fresh node process imports, from
 * the sources (through tsx) and from the tsc build (plain node ESM). A run-time import cycle
 * (cmd-*.ts importing defineCommand from commands.ts, which imports every cmd-*.ts) makes that
 * fail with "Cannot access '<binding>' before initialization": whichever module is imported first
 * is evaluated last, after the modules that use its exports. main.ts hides such a cycle because it
 * enters through commands.ts; a library user, a worker or a test importing one command does not.
 *
 * The build goes to a scratch folder under .tmp/ (tsc -p tsconfig.build.json with its own outDir,
 * plus the hand-written .mjs modules that scripts/build.mjs copies), not to dist/, which
 * `npm run build` empties first and other tests and processes may be reading.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ROOT } from './run-cli.ts';

const CLI = join(ROOT, 'src', 'cli');
const MODULES = readdirSync(CLI).filter((f) => /^cmd-.*\.ts$/.test(f)).sort();

/** Imports `url` first in a fresh node process (with `nodeArgs`); resolves to its exit and stderr. */
function importFirst(url: string, nodeArgs: string[]): Promise<{ code: number | null; err: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...nodeArgs, '--input-type=module', '-e', `await import(${JSON.stringify(url)});`], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, err }));
  });
}

/** Runs `jobs` at most `width` at a time (the machine may have two cores). */
async function limited<T>(jobs: (() => Promise<T>)[], width = 4): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, jobs.length) }, async () => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await jobs[i]();
    }
  }));
  return out;
}

async function assertEachLoadsFirst(urlOf: (m: string) => string, nodeArgs: string[]): Promise<void> {
  const results = await limited(MODULES.map((m) => () => importFirst(urlOf(m), nodeArgs)));
  const failed = MODULES.flatMap((m, i) => (results[i].code === 0 ? [] : [`${m} (exit ${results[i].code}): ${results[i].err.split('\n').find((l) => /Error/.test(l)) ?? results[i].err.slice(-400)}`]));
  assert.deepEqual(failed, [], `command modules that fail when imported first:\n${failed.join('\n')}`);
}

test('the CLI has command modules to check', () => {
  assert.ok(MODULES.length >= 10, `found ${MODULES.join(', ')}`);
  assert.ok(MODULES.includes('cmd-fit.ts'));
});

test('each src/cli/cmd-*.ts loads when imported first (tsx)', async () => {
  await assertEachLoadsFirst((m) => pathToFileURL(join(CLI, m)).href, ['--import', 'tsx']);
});

let build = '';
before(() => {
  const scratch = join(ROOT, '.tmp');
  mkdirSync(scratch, { recursive: true });
  // Inside the repository so that the build resolves the repository's node_modules.
  build = mkdtempSync(join(scratch, 'import-order-'));
  const require = createRequire(import.meta.url);
  const tsc = join(dirname(require.resolve('typescript/package.json')), require('typescript/package.json').bin.tsc);
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', build, '--declaration', 'false'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, `tsc -p tsconfig.build.json failed:\n${r.stdout}${r.stderr}`);
  // The hand-written modules tsc does not emit (scripts/build.mjs copies them the same way).
  const handWritten = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? handWritten(join(dir, e.name)) : e.name.endsWith('.mjs') ? [join(dir, e.name)] : []));
  for (const d of ['core', 'src', 'samplers', 'likelihoods']) for (const f of handWritten(join(ROOT, d))) cpSync(f, join(build, relative(ROOT, f)));
});
after(() => {
  if (build) rmSync(build, { recursive: true, force: true });
});

test('each cmd-*.js of the tsc build loads when imported first (plain node)', async () => {
  await assertEachLoadsFirst((m) => pathToFileURL(join(build, 'src', 'cli', m.replace(/\.ts$/, '.js'))).href, []);
});
