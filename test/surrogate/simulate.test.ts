/**
 * `jamfit simulate` (src/surrogate/simulate): the scale-free target, agreement with a direct JAM
 * call, bit-for-bit determinism across worker counts, kill-and-resume, the reader's validation,
 * and bad input. Runs use a small grid (8 x 4) and 16-pixel images to stay fast.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { G_KMS2_PC_MSUN, pcPerArcsec } from '../../src/jam/constants.ts';
import { jamVrms2 } from '../../src/jam/jam.ts';
import { canonicalImage } from '../../src/photometry/canonical-image.ts';
import { mgeHalfLight } from '../../src/photometry/half-light.ts';
import { sersicToMge } from '../../src/photometry/sersic-mge.ts';
import { drawDomain, TRAINING_DOMAIN_V1 } from '../../src/surrogate/domain.ts';
import { thetaLogRGrid } from '../../src/surrogate/grid.ts';
import { PARAM_COLUMNS } from '../../src/surrogate/simulate/chunk-format.ts';
import { defaultConfig } from '../../src/surrogate/simulate/config.ts';
import { readTrainingSet } from '../../src/surrogate/simulate/reader.ts';
import { simulate } from '../../src/surrogate/simulate/run.ts';
import { trainingModel, trainingV } from '../../src/surrogate/simulate/training-model.ts';
import { runBin, runCli } from '../cli/run-cli.ts';

const TMP = mkdtempSync(join(tmpdir(), 'jamfit-sim-'));
after(() => rmSync(TMP, { recursive: true, force: true }));
const SMALL = ['--grid', '8,4,0.02,4', '--image', '16'];
const small = (n: number, chunk: number, seed = 3) =>
  defaultConfig({ n, chunk, seed, grid: { nRad: 8, nTheta: 4, rMin: 0.02, rMax: 4 }, image: { size: 16, fov: 3, oversample: 4 } });
const chunkFiles = (dir: string) => readdirSync(dir).filter((f) => f.startsWith('chunk-')).sort();

test('scale freedom: v is the same for two physical (R_e, I_e, M/L, distance) to 1e-10', () => {
  const p = drawDomain(TRAINING_DOMAIN_V1, 11, 0);
  const g = thetaLogRGrid({ nRad: 12, nTheta: 6, rMin: 0.02, rMax: 4 });
  const a = trainingV(p, g.x, g.y, 48).v;
  // The same shape at R_e = 7.3 arcsec, I_e = 250 Lsun/pc^2, M/L = 3.2, 23 Mpc, by a direct
  // jamVrms2 call and the definition v = V_rms / sqrt(G M/L I_e R_e[pc]).
  const m = trainingModel(p);
  const Re = 7.3;
  const Ie = 250;
  const ml = 3.2;
  const D = 23;
  const scale = (surf: ArrayLike<number>) => Float64Array.from(surf, (s) => s * Ie);
  const light = { surf: scale(m.light.surf), sigma: Float64Array.from(m.light.sigma, (s) => s * Re), qobs: m.light.qobs };
  const mass = { surf: scale(m.mass.surf), sigma: light.sigma, qobs: m.mass.qobs };
  const reArcsec = Re * m.re;
  const v2 = jamVrms2({ mgeLum: light, mgePot: mass, incDeg: p[4], beta: p[3], distanceMpc: D, ml }, Array.from(g.x, (t) => t * reArcsec), Array.from(g.y, (t) => t * reArcsec));
  for (let i = 0; i < a.length; i++) {
    const b = Math.sqrt(v2[i] / (G_KMS2_PC_MSUN * ml * Ie * m.ie * reArcsec * pcPerArcsec(D)));
    assert.ok(Math.abs(b / a[i] - 1) < 1e-10, `point ${i}: ${b} vs ${a[i]}`);
  }
});

test('a stored dataset equals independent sersicToMge + jamVrms2 calls, draws and images included', async () => {
  const dir = join(TMP, 'check');
  const c = small(6, 4);
  await simulate(c, dir);
  const ds = readTrainingSet(dir);
  const g = thetaLogRGrid(c.grid);
  const nG = g.x.length;
  assert.equal(ds.n, 6);
  for (const k of [0, 3, 5]) {
    const p = Array.from(ds.params.subarray(k * PARAM_COLUMNS.length, (k + 1) * PARAM_COLUMNS.length));
    assert.deepEqual(p.slice(0, 5), Array.from(drawDomain(c.domain, c.seed, k)));
    const [n, qL, qM, beta, inc] = p;
    const light = sersicToMge({ n, Re: 1, Ie: 1, qobs: qL });
    const hl = mgeHalfLight(light);
    assert.equal(p[5], hl.aMajor);
    assert.equal(p[6], hl.level);
    const mass = { surf: light.surf, sigma: light.sigma, qobs: light.qobs.map(() => qM) };
    const v2 = jamVrms2({ mgeLum: light, mgePot: mass, incDeg: inc, beta, distanceMpc: 10 }, Array.from(g.x, (t) => t * hl.aMajor), Array.from(g.y, (t) => t * hl.aMajor));
    for (let i = 0; i < nG; i++) {
      const v = Math.sqrt(v2[i] / (G_KMS2_PC_MSUN * hl.level * hl.aMajor * pcPerArcsec(10)));
      // float32 storage: relative rounding <= 2^-24 = 6e-8.
      assert.ok(Math.abs(ds.v[k * nG + i] / v - 1) < 1.2e-7, `draw ${k} point ${i}: ${ds.v[k * nG + i]} vs ${v}`);
    }
    const img = canonicalImage({ kind: 'mge', mge: light }, c.image).pixels;
    assert.deepEqual(Array.from(ds.images!.subarray(k * 256, (k + 1) * 256)), Array.from(img));
  }
});

test('2 workers give the same files as a serial run, bit for bit', async () => {
  const c = small(40, 10);
  const serial = join(TMP, 'serial');
  const par = join(TMP, 'parallel');
  const r1 = await simulate(c, serial, { workers: 1 });
  const r2 = await simulate(c, par, { workers: 2 });
  assert.equal(r1.computed, 4);
  assert.equal(r2.computed, 4);
  assert.deepEqual(chunkFiles(serial), ['chunk-000000.bin', 'chunk-000001.bin', 'chunk-000002.bin', 'chunk-000003.bin']);
  for (const f of chunkFiles(serial)) assert.ok(readFileSync(join(serial, f)).equals(readFileSync(join(par, f))), f);
  const m1 = JSON.parse(readFileSync(join(serial, 'manifest.json'), 'utf8'));
  const m2 = JSON.parse(readFileSync(join(par, 'manifest.json'), 'utf8'));
  assert.deepEqual({ ...m1, command: '' }, { ...m2, command: '' });
  assert.equal(m1.complete, true);
  // Rerunning a complete set computes nothing.
  const r3 = await simulate(c, serial, { workers: 2 });
  assert.equal(r3.computed, 0);
  assert.equal(r3.skipped, 4);
});

test('kill -9 mid-run, rerun: identical to an uninterrupted run, no complete chunk recomputed', async () => {
  const dir = join(TMP, 'killed');
  const args = ['simulate', '--n', '60', '--chunk', '5', '--seed', '3', '--workers', '1', '--out', dir, ...SMALL];
  const child = spawn(process.execPath, [fileURLToPath(new URL('../../bin/jamfit.js', import.meta.url)), ...args], { stdio: 'ignore' });
  await new Promise<void>((resolve, reject) => {
    const poll = setInterval(() => {
      if (existsSync(join(dir, 'chunk-000000.bin'))) {
        clearInterval(poll);
        child.kill('SIGKILL');
        resolve();
      }
    }, 5);
    child.on('exit', () => {
      clearInterval(poll);
      reject(new Error('the child finished before it could be killed'));
    });
  });
  await new Promise((r) => child.once('exit', r));
  const survivors = chunkFiles(dir);
  assert.ok(survivors.length >= 1 && survivors.length < 12, `${survivors.length} chunks survived the kill`);
  const before = new Map(survivors.map((f) => [f, statSync(join(dir, f))]));
  const r = runBin(args);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, new RegExp(`computed ${12 - survivors.length}, skipped ${survivors.length} complete chunks`));
  for (const [f, st] of before) {
    const now = statSync(join(dir, f));
    assert.equal(now.mtimeMs, st.mtimeMs, `${f} rewritten`);
    assert.equal(now.ino, st.ino, `${f} replaced`);
  }
  assert.ok(readdirSync(dir).every((f) => !f.includes('.tmp-')), 'temporary files cleaned up');
  const ref = join(TMP, 'uninterrupted');
  await simulate(small(60, 5), ref);
  assert.deepEqual(chunkFiles(dir), chunkFiles(ref));
  for (const f of chunkFiles(ref)) assert.ok(readFileSync(join(dir, f)).equals(readFileSync(join(ref, f))), f);

  // A truncated and a corrupted chunk are recomputed (and only they).
  truncateSync(join(dir, 'chunk-000004.bin'), 100);
  const buf = readFileSync(join(dir, 'chunk-000007.bin'));
  buf[buf.length - 3] ^= 0xff;
  writeFileSync(join(dir, 'chunk-000007.bin'), buf);
  const again = await simulate(small(60, 5), dir);
  assert.equal(again.computed, 2);
  for (const f of chunkFiles(ref)) assert.ok(readFileSync(join(dir, f)).equals(readFileSync(join(ref, f))), f);
});

test('the reader refuses a truncated or missing chunk, an incomplete run and an edited manifest', async () => {
  const dir = join(TMP, 'reader');
  await simulate(small(12, 5), dir);
  assert.equal(readTrainingSet(dir).n, 12);
  const f = join(dir, 'chunk-000001.bin');
  const good = readFileSync(f);
  truncateSync(f, good.length - 4);
  assert.throws(() => readTrainingSet(dir), (e: Error) => e.message.includes('chunk-000001.bin') && /truncated/.test(e.message) && /rerun `jamfit simulate --n 12 --seed 3/.test(e.message) && !e.message.includes('\n'));
  rmSync(f);
  assert.throws(() => readTrainingSet(dir), /chunk-000001\.bin: is missing; rerun `jamfit simulate/);
  writeFileSync(f, good);
  assert.equal(readTrainingSet(dir, { images: false }).images, null);
  const mpath = join(dir, 'manifest.json');
  const m = JSON.parse(readFileSync(mpath, 'utf8'));
  writeFileSync(mpath, JSON.stringify({ ...m, seed: 4 }));
  assert.throws(() => readTrainingSet(dir), /fingerprint does not match/);
  writeFileSync(mpath, JSON.stringify({ ...m, complete: false }));
  assert.throws(() => readTrainingSet(dir), /incomplete/);
  assert.throws(() => readTrainingSet(join(TMP, 'nothing-here')), /manifest\.json: not found/);
});

test('bad input: one-line errors, exit code 2, nothing written', async () => {
  const out = join(TMP, 'bad');
  const cases: [string[], RegExp][] = [
    [['--n', '0'], /--n: is 0; give the number of maps/],
    [['--n', '2.5'], /--n: is 2.5/],
    [['--grid', '8,4,0.05,4'], /--grid rMin: is 0.05; the innermost radius must lie in \(0, 0.02\]/],
    [['--grid', '8,4,0.02,2'], /--grid rMax: is 2/],
    [['--grid', '8,4'], /--grid: is '8,4'; give four numbers/],
    [['--chunk', '0'], /--chunk/],
    [['--workers', '0'], /--workers/],
  ];
  for (const [extra, re] of cases) {
    const r = await runCli(['simulate', '--n', '10', '--out', out, ...SMALL, ...extra]);
    assert.equal(r.code, 2, extra.join(' '));
    assert.match(r.err, re);
    assert.equal(r.err.split('\n').length, 1);
    assert.equal(existsSync(out), false, `${extra.join(' ')} wrote ${out}`);
  }
  // --out under a regular file cannot be created.
  const file = join(TMP, 'a-file');
  writeFileSync(file, 'x');
  const r1 = await runCli(['simulate', '--n', '4', '--out', join(file, 'sub'), ...SMALL]);
  assert.equal(r1.code, 2);
  assert.match(r1.err, /--out: .* cannot be created/);
  // An existing dataset of another configuration is refused and left as it was.
  const dir = join(TMP, 'existing');
  await simulate(small(4, 2), dir);
  const before = readFileSync(join(dir, 'manifest.json'), 'utf8');
  const r2 = await runCli(['simulate', '--n', '4', '--chunk', '2', '--seed', '9', '--out', dir, ...SMALL]);
  assert.equal(r2.code, 2);
  assert.match(r2.err, /holds a dataset made with a different seed .*; rerun with those arguments to complete it, or give a new --out/);
  const r3 = await runCli(['simulate', '--n', '4', '--chunk', '2', '--seed', '3', '--out', dir, '--grid', '9,4,0.02,4', '--image', '16']);
  assert.match(r3.err, /different grid/);
  assert.equal(readFileSync(join(dir, 'manifest.json'), 'utf8'), before);
  // A non-empty directory that is not a dataset.
  const r4 = await runCli(['simulate', '--n', '4', '--out', TMP, ...SMALL]);
  assert.equal(r4.code, 2);
  assert.match(r4.err, /is not empty and holds no manifest\.json/);
});
