/**
 * The package as a user gets it: `npm pack` (which runs `prepare`, i.e. the build) and
 * `npm install <tarball>` into an empty project, then plain `node` (no tsx, no loader) runs the
 * README's library examples, a worker pool and the installed CLI, and the repository's tsc
 * type-checks a TypeScript consumer against the shipped declarations.
 *
 * Numbers are compared with the same computation done in this process on the TypeScript sources.
 * The build is the same code compiled by tsc instead of tsx's esbuild, so the comparison is exact:
 * any difference means the package does not compute what the sources compute.
 *
 * Needs the npm registry (or a warm npm cache) for the tarball's dependencies; about 10 s with a
 * warm cache, as after the `npm ci` that precedes the tests in CI.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format } from 'node:util';
import { createRequire } from 'node:module';
import { jamVrms } from '../../src/index.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
const require = createRequire(import.meta.url);
const TSC = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');

/**
 * The environment for child npm and node processes: this one without the npm_* variables that
 * `npm test` sets (npm_config_local_prefix and friends would point a child npm at the repository),
 * and with the registry-only install of the optional native packages.
 */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  env.ONNXRUNTIME_NODE_INSTALL = 'skip';
  return env;
}

function run(cmd: string, args: string[], cwd: string): { code: number; out: string; err: string } {
  const r = spawnSync(cmd, args, { cwd, env: childEnv(), encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

function ok(cmd: string, args: string[], cwd: string): string {
  const r = run(cmd, args, cwd);
  assert.equal(r.code, 0, `${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.code}:\n${r.err.slice(-3000)}\n${r.out.slice(-2000)}`);
  return r.out;
}

/** The README's ```ts blocks that import from 'jamfit'. */
function readmeBlocks(): string[] {
  const md = readFileSync(join(ROOT, 'README.md'), 'utf8');
  return [...md.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]).filter((b) => /from 'jamfit'/.test(b));
}

function readmeBlock(containing: RegExp): string {
  const b = readmeBlocks().find((x) => containing.test(x));
  assert.ok(b, `README.md has no \`\`\`ts block importing from 'jamfit' that contains ${containing}`);
  return b;
}

/**
 * What each README example leaves behind, reduced to comparable JSON; appended to the example so
 * that the plain-node run and the in-process run report the same values. The sampler's whole
 * chain is compared through a SHA-256 of its Float64 bytes (bit-identical or not).
 */
const EXAMPLES = {
  jam: {
    block: /jamVrms/,
    tail: `\nexport const digest = { vrms: Array.from(vrms) };\n`,
  },
  sampler: {
    block: /EnsembleSampler/,
    tail: `
import { createHash as __hash } from 'node:crypto';
const __c = sampler.getChainArray();
export const digest = {
  shape: [__c.nsteps, __c.nwalkers, __c.ndim],
  acceptance: sampler.acceptanceFraction,
  chainSha256: __hash('sha256').update(new Uint8Array(__c.data.buffer, __c.data.byteOffset, __c.data.byteLength)).digest('hex'),
};
`,
  },
} as const;

/** A type-only consumer: fails to compile if the declarations are missing, wrong or too wide. */
const CONSUMER_TS = `import { jamVrms, sersicToMge, InputError, version, type JamParams } from 'jamfit';
import { EnsembleSampler, ball, type LogProbFn } from 'jamfit/samplers';
import { checkVrmsData, profiled, type VrmsData } from 'jamfit/likelihoods';

const light = sersicToMge({ n: 2, Re: 5, Ie: 100, qobs: 0.9 });
const p: JamParams = { mgeLum: light, mgePot: light, incDeg: 80, beta: 0, distanceMpc: 10 };
const v: Float64Array = jamVrms(p, [1], [1]);
const lp: LogProbFn = (x) => -(x[0] ** 2);
const s = new EnsembleSampler({ nwalkers: 4, ndim: 1, logProb: lp });
const start: number[][] = ball([0], 1, { nwalkers: 4 });
const d: VrmsData = checkVrmsData(Float64Array.of(1), Float64Array.of(1));
const r: { logL: number } = profiled(d, v);
const e: Error = new InputError('x', 'y');
const ver: string = version;
// @ts-expect-error jamVrms returns a Float64Array: an error here proves the declarations are read (not any)
const wrong: string = jamVrms(p, [1], [1]);
// @ts-expect-error internals (the FFT) are not part of the public entry
import { fft } from 'jamfit';
export { s, start, r, e, ver, wrong, fft };
`;

/** A worker-pool run from the installed package: plain .js module, then a .ts module without tsx. */
const POOL_MJS = `import { EnsembleSampler, ball, workerPoolEvaluator } from 'jamfit';
const logProb = (x) => -0.5 * (x[0] ** 2 + (x[1] / 2) ** 2);
async function chain(evaluator) {
  const s = new EnsembleSampler({ nwalkers: 8, ndim: 2, seed: 7, ...(evaluator ? { evaluator } : { logProb }) });
  await s.run(ball([0, 0], 0.5, { nwalkers: 8, seed: 3 }), 40);
  await s.close?.();
  return Array.from(s.getChainArray().data);
}
const pooled = await chain(workerPoolEvaluator({ module: new URL('./logp.mjs', import.meta.url), workers: 2 }));
const serial = await chain(null);
let tsError = null;
try {
  workerPoolEvaluator({ module: new URL('./logp.ts', import.meta.url) });
} catch (e) {
  tsError = e.name + ': ' + e.message;
}
console.log(JSON.stringify({ n: pooled.length, same: pooled.length > 0 && pooled.every((v, i) => Object.is(v, serial[i])), tsError }));
`;

const SMALL_CASE = {
  mge_lum: { surf: [800, 200], sigma: [1.5, 6], qobs: [0.8, 0.7] },
  mge_pot: { surf: [4000, 1000], sigma: [1.5, 6], qobs: [0.8, 0.7] },
  inc_deg: 75,
  beta_z: [0.2, 0],
  distance_mpc: 16,
  mbh: 2e8,
  x: [0.5, 2, -3, 6],
  y: [0, 1, 2.5, -4],
};

let work = '';
let project = '';
let packed: { filename: string; size: number; entryCount: number; files: { path: string }[] };

before(() => {
  work = mkdtempSync(join(tmpdir(), 'jamfit-pack-'));
  // `npm pack` runs `prepare` (npm run build) first, so the tarball holds a build of these sources.
  const json = ok('npm', ['pack', '--json', '--pack-destination', work], ROOT);
  packed = JSON.parse(json.slice(json.indexOf('[')))[0];
  project = join(work, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }, null, 2));
  ok('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(work, packed.filename)], project);
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

test('the tarball ships the build, the bin and the runtime files, and no sources or tests', () => {
  const paths = packed.files.map((f) => f.path);
  for (const p of paths) assert.match(p, /^(dist\/|bin\/jamfit\.js$|package\.json$|README\.md$|LICENSE$)/, `unexpected file in the tarball: ${p}`);
  for (const p of paths.filter((x) => x.endsWith('.ts'))) assert.match(p, /\.d\.ts$/, `TypeScript source in the tarball: ${p}`);
  for (const need of [
    'dist/src/index.js',
    'dist/src/index.d.ts',
    'dist/samplers/index.js',
    'dist/likelihoods/index.js',
    'dist/src/cli/main.js',
    'dist/samplers/evaluate/worker.mjs',
    'dist/samplers/evaluate/channel.mjs',
    'dist/fixtures/examples/demo-galaxy.json',
  ]) assert.ok(paths.includes(need), `${need} missing from the tarball`);
  // The consumer has jamfit's run-time dependencies only: tsx is for development.
  assert.ok(existsSync(join(project, 'node_modules', 'jamfit', 'dist', 'src', 'index.js')));
  assert.ok(!existsSync(join(project, 'node_modules', 'tsx')), 'tsx was installed into the consumer: it must stay a devDependency');
});

test("plain node runs the README's examples from the installed package, type-checked, with the numbers of the sources", async () => {
  // The examples are TypeScript: the repository's tsc type-checks them (and a consumer module)
  // against the installed declarations and emits the JavaScript that plain node then runs.
  const names = Object.keys(EXAMPLES) as (keyof typeof EXAMPLES)[];
  for (const n of names) writeFileSync(join(project, `readme-${n}.ts`), readmeBlock(EXAMPLES[n].block) + EXAMPLES[n].tail);
  writeFileSync(join(project, 'consumer.ts'), CONSUMER_TS);
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        target: 'ES2022',
        strict: true,
        skipLibCheck: false,
        outDir: 'out',
        types: ['node'],
        typeRoots: [join(ROOT, 'node_modules', '@types')],
      },
      files: [...names.map((n) => `readme-${n}.ts`), 'consumer.ts'],
    }),
  );
  ok(process.execPath, [TSC, '-p', '.'], project);
  // Each example prints its own lines (console.log) and, last, its digest.
  writeFileSync(join(project, 'out', 'print.mjs'), `const m = await import(process.argv[2]);\nconsole.log(JSON.stringify(m.digest));\n`);

  const digests: Record<string, any> = {};
  for (const n of names) {
    const lines = ok(process.execPath, [join('out', 'print.mjs'), `./readme-${n}.js`], project).trimEnd().split('\n');
    // The same example, in this process, on the sources.
    const src = join(work, `readme-${n}-src.mts`);
    writeFileSync(src, (readmeBlock(EXAMPLES[n].block) + EXAMPLES[n].tail).replaceAll("from 'jamfit'", `from '${pathToFileURL(join(ROOT, 'src', 'index.ts')).href}'`));
    const logged: string[] = [];
    const log = console.log;
    console.log = (...a: unknown[]) => void logged.push(format(...a)); // what console.log prints
    try {
      digests[n] = (await import(pathToFileURL(src).href)).digest;
    } finally {
      console.log = log;
    }
    const expected = [...logged.join('\n').split('\n'), JSON.stringify(digests[n])].filter((l) => l !== '');
    assert.deepEqual(lines.filter((l) => l !== ''), expected, `README ${n} example: plain node on the package differs from the sources`);
  }
  // Not vacuous: the JAM example gives finite V_rms of a galaxy; the sampler example a chain.
  assert.ok(digests.jam.vrms.length > 0);
  for (const v of digests.jam.vrms) assert.ok(Number.isFinite(v) && v > 50 && v < 1000, `V_rms ${v} km/s`);
  assert.ok(digests.sampler.shape[0] * digests.sampler.shape[1] * digests.sampler.shape[2] > 0);
  for (const a of digests.sampler.acceptance) assert.ok(a > 0 && a < 1, `acceptance ${a}`);
});

test('a worker pool loads a .js module from the installed package (chain identical to serial) and refuses .ts without tsx', () => {
  writeFileSync(join(project, 'logp.mjs'), 'export default (x) => -0.5 * (x[0] ** 2 + (x[1] / 2) ** 2);\n');
  writeFileSync(join(project, 'logp.ts'), 'export default (x: Float64Array): number => -0.5 * x[0] ** 2;\n');
  writeFileSync(join(project, 'pool.mjs'), POOL_MJS);
  const r = JSON.parse(ok(process.execPath, ['pool.mjs'], project).trimEnd().split('\n').at(-1)!);
  assert.equal(r.n, 40 * 8 * 2);
  assert.equal(r.same, true, 'worker-pool chain differs from the serial chain with the same seed');
  if ((process.features as { typescript?: unknown }).typescript) {
    assert.equal(r.tsError, null, 'this Node strips types: a .ts module needs no tsx');
  } else {
    assert.match(r.tsError ?? '', /^InputError: module: file:.*logp\.ts is TypeScript and tsx is not installed: run `npm install tsx`, or pass a compiled \.js module$/);
  }
});

test('the installed bin starts without tsx: info, and jam on a small case matches a direct library call', () => {
  const bin = join(project, 'node_modules', '.bin', 'jamfit');
  const info = ok(bin, ['info'], project);
  assert.equal(info.split('\n')[0].split(' on ')[0], `jamfit ${PKG.version}`);
  writeFileSync(join(project, 'case.json'), JSON.stringify(SMALL_CASE));
  ok(bin, ['jam', '--input', 'case.json', '--output', 'out.json'], project);
  const got = JSON.parse(readFileSync(join(project, 'out.json'), 'utf8')).vrms as number[];
  const c = SMALL_CASE;
  const want = jamVrms(
    { mgeLum: c.mge_lum, mgePot: c.mge_pot, incDeg: c.inc_deg, beta: c.beta_z, distanceMpc: c.distance_mpc, mbh: c.mbh },
    c.x,
    c.y,
  );
  assert.equal(got.length, c.x.length);
  // Same code on the same numbers (JSON round-trips doubles exactly); 1e-12 leaves room only for
  // a re-association of floating-point operations, far below any physical effect (mbh alone
  // changes these V_rms by > 1%).
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] / want[i] - 1) < 1e-12, `point ${i}: CLI ${got[i]}, library ${want[i]}`);
  // Bad input through the installed bin: one line, exit 2, no output file.
  writeFileSync(join(project, 'bad.json'), JSON.stringify({ ...SMALL_CASE, inc_deg: 'x' }));
  const bad = run(bin, ['jam', '--input', 'bad.json', '--output', 'bad-out.json'], project);
  assert.equal(bad.code, 2);
  assert.equal(bad.err.trimEnd().split('\n').length, 1, bad.err);
  assert.ok(!existsSync(join(project, 'bad-out.json')));
});

test('the installed bin prints the version of package.json', () => {
  const out = ok(join(project, 'node_modules', '.bin', 'jamfit'), ['--version'], project);
  assert.match(out, new RegExp(`^(jamfit )?${PKG.version.replaceAll('.', '\\.')}\\n$`));
});
