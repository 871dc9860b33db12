/**
 * `jamfit mock --align sph` (src/run/mock.ts): the noise-free V_rms is the library's spherically
 * aligned model (Cappellari 2020) through the same PSF/pixel path, hand-built with jamVrms and as
 * `jamfit fit --align sph`'s likelihood model sees it at the truth; it differs from the
 * cylindrically aligned mock at beta_z != 0 and agrees with it at beta_z = 0 (an isotropic
 * ellipsoid has no orientation); a seed gives the same bins, errors' definition and noise draws
 * for either alignment; truth.json and its command record the alignment.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { buildFitProblem } from '../../src/fit/fit-problem.ts';
import { prepareFit } from '../../src/fit/fit.ts';
import { jamVrms } from '../../src/jam/jam.ts';
import { sersicToMge } from '../../src/photometry/sersic-mge.ts';
import { computeMock, runMock, type MockOptions } from '../../src/run/mock.ts';
import { runCli } from '../cli/run-cli.ts';

const root = mkdtempSync(join(tmpdir(), 'jamfit-mock-align-'));
after(() => rmSync(root, { recursive: true, force: true }));
const sersicFile = join(root, 'sersic.json');
const SERSIC = { n: 4, re_arcsec: 10, q: 0.8, ie_lsun_pc2: 500 };
writeFileSync(sersicFile, JSON.stringify({ sersic: SERSIC }));
const light = sersicToMge({ n: SERSIC.n, Re: SERSIC.re_arcsec, Ie: SERSIC.ie_lsun_pc2, qobs: SERSIC.q });
const mgePot = { surf: light.surf, sigma: light.sigma, qobs: Array.from(light.qobs, () => 0.75) };
// ~50 bins of 3" within 13": a few tenths of a second per mock.
const base: MockOptions = { photometry: sersicFile, betaZ: 0.15, qM: 0.75, incDeg: 65, ml: 4, distance: 20, pixel: 3, maxRadius: 13, seed: 9, out: join(root, 'unused') };
const PSF = { psfSigma: '1', pixsize: 3 } as const;

function maxRel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] / b[i] - 1));
  return m;
}

test('--align sph: V_rms = the hand-built spherically aligned jamVrms (direct and PSF + pixel); not the cylindrical one at beta_z = 0.15', () => {
  for (const extra of [{}, PSF] as MockOptions[]) {
    const s = computeMock({ ...base, ...extra, align: 'sph' });
    const c = computeMock({ ...base, ...extra, align: 'cyl' });
    const { x, y, vrms_true } = s.truth.bins;
    const opts = extra.psfSigma ? { psf: { sigma: [1], weight: [1] }, pixsize: 3 } : {};
    const ref = jamVrms({ mgeLum: light, mgePot, incDeg: 65, beta: 0.15, distanceMpc: 20, ml: 4 }, x, y, { ...opts, align: 'sph' });
    // The same function on the same inputs: only round-off could differ.
    assert.ok(maxRel(vrms_true, ref) < 1e-12, `max rel ${maxRel(vrms_true, ref)} (${JSON.stringify(extra)})`);
    // The two alignments differ by ~7% here (measured); 1% leaves room and still catches an ignored --align.
    assert.ok(maxRel(vrms_true, c.truth.bins.vrms_true) > 0.01, `sph vs cyl ${maxRel(vrms_true, c.truth.bins.vrms_true)}`);
    assert.deepEqual([s.truth.align, c.truth.align], ['sph', 'cyl']);
    // One seed, one set of bins and draws: z_i = (vrms - vrms_true) / vrms_err is the same sequence.
    assert.deepEqual([s.truth.bins.x, s.truth.bins.y], [c.truth.bins.x, c.truth.bins.y]);
    const z = (t: typeof s.truth) => t.bins.vrms.map((v, i) => (v - t.bins.vrms_true[i]) / t.bins.vrms_err[i]);
    const zs = z(s.truth);
    const zc = z(c.truth);
    for (let i = 0; i < zs.length; i++) assert.ok(Math.abs(zs[i] - zc[i]) < 1e-9, `bin ${i}: ${zs[i]} vs ${zc[i]}`);
  }
});

test('--align sph: the truth is what jamfit fit --align sph models at the truth; the cylindrical fit model is not', () => {
  const dir = join(root, 'fit-model');
  const m = runMock({ ...base, ...PSF, align: 'sph', out: dir });
  const truth = { betaZ: 0.15, qM: 0.75, incDeg: 65, ml: 4 };
  const model = (align: string) => {
    const p = prepareFit({ kinematics: join(dir, 'kinematics.csv'), photometry: join(dir, 'photometry.json'), distance: 20, psfSigma: '1', pixsize: 3, exact: true, align, out: join(root, 'never-written') });
    const problem = buildFitProblem(p.spec);
    assert.equal(problem.used.length, m.nbins);
    return problem.like.modelVrms(truth);
  };
  // The fit's grid model evaluates the same polar grid and operator as jamVrms's PSF path
  // (0 difference measured), so 1e-9 is round-off headroom.
  const sph = model('sph');
  assert.ok(maxRel(sph, m.truth.bins.vrms_true) < 1e-9, `sph fit model vs mock ${maxRel(sph, m.truth.bins.vrms_true)}`);
  const cyl = model('cyl');
  assert.ok(maxRel(cyl, m.truth.bins.vrms_true) > 0.01, `cyl fit model vs sph mock ${maxRel(cyl, m.truth.bins.vrms_true)}`);
});

// At beta_z = 0 both models are the isotropic one: they differ only by the sph quadrature's
// ~1e-5 relative accuracy (src/jam/sph-los.ts defaults; 1.6e-6 measured here).
test('beta_z = 0: the sph and cyl mocks agree to 1e-5 (noise-free and observed V_rms)', () => {
  for (const extra of [{}, PSF] as MockOptions[]) {
    const s = computeMock({ ...base, ...extra, betaZ: 0, align: 'sph' });
    const c = computeMock({ ...base, ...extra, betaZ: 0, align: 'cyl' });
    assert.ok(maxRel(s.truth.bins.vrms_true, c.truth.bins.vrms_true) < 1e-5, `${maxRel(s.truth.bins.vrms_true, c.truth.bins.vrms_true)}`);
    assert.ok(maxRel(s.truth.bins.vrms, c.truth.bins.vrms) < 1e-5);
  }
});

test('jamfit mock --align sph: truth.json records the alignment and its command repeats it; cyl is the default', async () => {
  const args = ['mock', '--photometry', sersicFile, '--beta-z', '0.15', '--q-m', '0.75', '--inc-deg', '65', '--ml', '4', '--distance', '20', '--pixel', '4', '--seed', '2'];
  const sph = join(root, 'cli-sph');
  const r = await runCli([...args, '--align', 'sph', '--out', sph]);
  assert.equal(r.code, 0, r.err);
  const ts = JSON.parse(readFileSync(join(sph, 'truth.json'), 'utf8'));
  assert.equal(ts.align, 'sph');
  assert.match(ts.command, / --align sph --noise-frac 0\.05 --seed 2 /);
  const cyl = join(root, 'cli-cyl');
  assert.equal((await runCli([...args, '--out', cyl])).code, 0);
  const tc = JSON.parse(readFileSync(join(cyl, 'truth.json'), 'utf8'));
  assert.equal(tc.align, 'cyl');
  assert.doesNotMatch(tc.command, /--align/);
  assert.ok(maxRel(ts.bins.vrms_true, tc.bins.vrms_true) > 0.01);
  // The recorded command makes the same files.
  const again = join(root, 'cli-again');
  const argv = ts.command.split(' ').slice(1).map((a: string) => (a === sph ? again : a));
  assert.equal((await runCli(argv)).code, 0);
  assert.equal(readFileSync(join(again, 'kinematics.csv'), 'utf8'), readFileSync(join(sph, 'kinematics.csv'), 'utf8'));
});
