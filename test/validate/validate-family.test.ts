/**
 * `jamfit validate --photometry family` (src/validate/draw.ts): mocks whose light is a galaxy of
 * the multi-component surrogate's training family (mass follows light).
 *  - the draws: pure in (seed, k); the light is drawFamilyGalaxy(seed, k) at R_e = 10" and
 *    I_e = 500 Lsun/pc^2; every truth lies inside the fit prior of that whole MGE (its own
 *    inclination and anisotropy limits); Sérsic draws are unchanged by the option; qm is refused;
 *  - end to end (1 mock, tabulated engine, 8 x 30 steps): the fit reads exactly the drawn
 *    Gaussians (photometry.csv in full precision), the records and report name the family
 *    parameters, validate.json records the photometry and a resume with Sérsic mocks is refused;
 *  - with --engine surrogate the multi-component surrogate (shipped model) fits a family mock:
 *    its inclination table and its self-check against the exact JAM are in the summary.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { InputError } from '../../core/errors.ts';
import { EXACT_LIMITS, fitPrior } from '../../likelihoods/fit-prior.ts';
import { readPhotometry } from '../../src/data/photometry.ts';
import { drawFamilyGalaxy } from '../../src/photometry/galaxy-family.ts';
import { mgeHalfLight } from '../../src/photometry/half-light.ts';
import { drawMock, familyLight, priorSd } from '../../src/validate/draw.ts';
import { runCli } from '../cli/run-cli.ts';

const root = mkdtempSync(join(tmpdir(), 'jamfit-validate-family-'));
after(() => rmSync(root, { recursive: true, force: true }));
const json = (p: string) => JSON.parse(readFileSync(p, 'utf8'));
// Seed 1: its galaxy 0 is a bulge + disc (B/T 0.35, flattest q' 0.19, 18 Gaussians).
const SEED = 1;

test('family draws: pure, the family galaxy at R_e 10" and I_e 500, truths inside the prior of the whole MGE', () => {
  assert.deepEqual(drawMock(SEED, 3, 'light', 'family'), drawMock(SEED, 3, 'light', 'family'));
  assert.deepEqual(drawMock(SEED, 3, 'light'), drawMock(SEED, 3, 'light', 'sersic'));
  assert.throws(() => drawMock(SEED, 3, 'qm', 'family'), (e: unknown) => e instanceof InputError && e.where === 'photometry');
  let composite = 0;
  for (let k = 0; k < 40; k++) {
    const d = drawMock(SEED, k, 'light', 'family');
    assert.deepEqual(d.family, drawFamilyGalaxy(SEED, k).params);
    const m = d.mge!;
    const hl = mgeHalfLight({ surf: Float64Array.from(m.surf), sigma: Float64Array.from(m.sigma), qobs: Float64Array.from(m.qobs) });
    assert.ok(Math.abs(hl.aMajor / 10 - 1) < 1e-9 && Math.abs(hl.level / 500 - 1) < 1e-9, `mock ${k}: R_e ${hl.aMajor}, I_e ${hl.level}`);
    const prior = fitPrior({ massModel: 'light', mlMode: 'sample', light: m, limits: EXACT_LIMITS });
    assert.ok(prior.logPrior(d.truth) > -Infinity, `mock ${k}: ${d.truth}`);
    assert.deepEqual([Array.from(prior.lo), Array.from(prior.hi)], [d.lo, d.hi]);
    if (d.family!.composite) composite++;
  }
  assert.ok(composite > 20, `${composite} of 40 composite`); // 80% expected
  // The prior sd over family galaxies: M/L stays log-uniform on [-1, 1].
  const sd = priorSd(300, 'light', 'family');
  assert.ok(Math.abs(sd[2] / (2 / Math.sqrt(12)) - 1) < 4 / Math.sqrt(600), `sd ${sd}`);
  assert.deepEqual(familyLight(SEED, 0), { mge: drawMock(SEED, 0, 'light', 'family').mge, family: drawMock(SEED, 0, 'light', 'family').family });
});

test('validate --photometry family end to end: the fits read the drawn Gaussians; records and report name the family', async () => {
  const dir = join(root, 'v');
  const args = ['validate', '--n', '1', '--mass-model', 'light', '--photometry', 'family', '--engine', 'tabulated', '--walkers', '8', '--steps', '30', '--draws', '9', '--seed', String(SEED), '--out', dir];
  const r = await runCli(args);
  assert.equal(r.code, 0, r.err);
  assert.equal(json(join(dir, 'validate.json')).photometry, 'family');
  const rep = json(join(dir, 'report.json'));
  for (let k = 0; k < 1; k++) {
    const d = drawMock(SEED, k, 'light', 'family');
    const ph = readPhotometry(join(dir, `mocks/${k}/mock/photometry.csv`));
    if (ph.kind !== 'mge') throw new Error('an MGE');
    assert.deepEqual([Array.from(ph.mge.surf), Array.from(ph.mge.sigma), Array.from(ph.mge.qobs)], [d.mge!.surf, d.mge!.sigma, d.mge!.qobs]);
    assert.deepEqual(json(join(dir, `mocks/${k}/mock/truth.json`)).light_mge.surf, d.mge!.surf);
    assert.equal(d.family!.composite, 1);
    const family = JSON.parse(JSON.stringify(d.family)); // NaN (none) is null in JSON
    assert.deepEqual(json(join(dir, `mocks/${k}/calibration.json`)).family, family);
    assert.deepEqual(rep.mocks[k].family, family);
  }
  const sersic = await runCli(args.map((v) => (v === 'family' ? 'sersic' : v)));
  assert.equal(sersic.code, 2);
  assert.match(sersic.err, /photometry was "family", now "sersic"/);
});

test('validate --photometry family --engine surrogate: the multi-component surrogate fits a family mock, its self-check recorded', async () => {
  const dir = join(root, 's');
  const r = await runCli(['validate', '--n', '1', '--mass-model', 'light', '--photometry', 'family', '--engine', 'surrogate', '--walkers', '8', '--steps', '60', '--draws', '9', '--seed', String(SEED), '--out', dir]);
  assert.equal(r.code, 0, r.err);
  const cfg = json(join(dir, 'mocks/0/fit/config.json'));
  assert.deepEqual([cfg.engine, cfg.mass_model], ['surrogate', 'light']);
  const s = json(join(dir, 'mocks/0/fit/summary.json'));
  // The network's inclination table and the self-check against the direct exact JAM.
  assert.ok(s.table.nodes >= 7 && s.table.max_error <= s.table.tolerance, JSON.stringify(s.table));
  assert.equal(s.self_check.engine, 'surrogate');
  assert.ok(s.self_check.ess_fraction > 0 && s.self_check.ess_fraction <= 1);
  assert.equal(json(join(dir, 'mocks/0/calibration.json')).engine, 'surrogate');
});
