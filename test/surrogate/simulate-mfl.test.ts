/**
 * The multi-component training set (issue 19): the photometric family
 * (src/photometry/galaxy-family.ts) and `jamfit simulate --family mge` rows
 * (src/surrogate/simulate/mfl-model.ts), checked against an independent JAM path (the direct
 * kernel of src/jam/los-moment.ts through jamVrms2) and the family's own definitions.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { G_KMS2_PC_MSUN, pcPerArcsec } from '../../src/jam/constants.ts';
import { deprojectionLimitDeg, minQobs } from '../../src/jam/deproject.ts';
import { jamVrms2 } from '../../src/jam/jam.ts';
import { drawFamilyGalaxy, FAMILY_PARAM_NAMES, GALAXY_FAMILY_V1, type GalaxyFamily } from '../../src/photometry/galaxy-family.ts';
import { mgeHalfLight } from '../../src/photometry/half-light.ts';
import { sersicToMge } from '../../src/photometry/sersic-mge.ts';
import { thetaLogRGrid } from '../../src/surrogate/grid.ts';
import { readTrainingSet } from '../../src/surrogate/simulate/reader.ts';
import { MFL_COLUMNS, MFL_MAX_GAUSSIANS, mflMaps, mflRow } from '../../src/surrogate/simulate/mfl-model.ts';
import { runCli } from '../cli/run-cli.ts';

const TMP = mkdtempSync(join(tmpdir(), 'jamfit-sim-mfl-'));
after(() => rmSync(TMP, { recursive: true, force: true }));
const F = GALAXY_FAMILY_V1;
const lum = (m: { surf: ArrayLike<number>; sigma: ArrayLike<number>; qobs: ArrayLike<number> }, k: number) => 2 * Math.PI * m.surf[k] * m.sigma[k] ** 2 * m.qobs[k];

test('family draws: deterministic, inside their ranges, both branches in proportion', () => {
  const a = drawFamilyGalaxy(7, 3);
  const b = drawFamilyGalaxy(7, 3);
  assert.deepEqual(a, b);
  assert.notDeepEqual(drawFamilyGalaxy(7, 4).mge, a.mge);
  let composite = 0, nucleus = 0;
  const N = 300;
  for (let k = 0; k < N; k++) {
    const g = drawFamilyGalaxy(1, k);
    const p = g.params;
    composite += p.composite;
    if (p.nucleusFraction > 0) nucleus++;
    assert.ok(g.mge.surf.length <= MFL_MAX_GAUSSIANS, `draw ${k}: ${g.mge.surf.length} Gaussians`);
    for (let j = 0; j < g.mge.surf.length; j++) {
      assert.ok(g.mge.surf[j] > 0 && g.mge.sigma[j] > 0, `draw ${k} Gaussian ${j}`);
      assert.ok(g.mge.qobs[j] >= F.qMin && g.mge.qobs[j] <= 1, `draw ${k} q' ${g.mge.qobs[j]}`);
      if (j > 0) assert.ok(g.mge.sigma[j] >= g.mge.sigma[j - 1], 'sorted by sigma');
    }
    if (p.composite) {
      assert.ok(p.nBulge >= F.bulge.n[0] && p.nBulge <= F.bulge.n[1]);
      assert.ok(p.qDisc >= F.disc.q[0] && p.qDisc <= F.disc.q[1]);
      assert.ok(p.bulgeToTotal >= 0 && p.bulgeToTotal <= 1);
      assert.ok(Math.log10(p.sizeRatio) >= F.log10SizeRatio[0] - 1e-12 && Math.log10(p.sizeRatio) <= F.log10SizeRatio[1] + 1e-12);
    }
  }
  // Binomial: composite fraction 0.8 (sd 0.023 at N = 300), nucleus 0.5 of those (sd ~0.032).
  assert.ok(Math.abs(composite / N - 0.8) < 4 * Math.sqrt(0.16 / N), `composite ${composite}`);
  assert.ok(Math.abs(nucleus / composite - 0.5) < 4 * Math.sqrt(0.25 / composite), `nucleus ${nucleus}`);
});

test('the Sérsic branch is the v1 Sérsic MGE exactly; without jitter a composite has the drawn B/T and nucleus share', () => {
  const sersicOnly: GalaxyFamily = { ...F, sersicFraction: 1 };
  const g = drawFamilyGalaxy(2, 0, sersicOnly);
  const m = sersicToMge({ n: g.params.nBulge, Re: 1, Ie: 1, qobs: g.params.qBulge }, { ngauss: F.gaussians.sersic });
  assert.deepEqual(Array.from(g.mge.surf), Array.from(m.surf));
  assert.deepEqual(Array.from(g.mge.qobs), Array.from(m.qobs));
  const clean: GalaxyFamily = { ...F, sersicFraction: 0, nucleusProbability: 1, jitter: { log10Surf: 0, log10Sigma: 0, q: 0 } };
  let checked = 0;
  for (let k = 0; k < 20; k++) {
    const c = drawFamilyGalaxy(3, k, clean);
    const p = c.params;
    if (p.bulgeToTotal <= 0 || p.bulgeToTotal >= 1) continue;
    let tot = 0, bulge = 0, nuc = 0;
    for (let j = 0; j < c.mge.surf.length; j++) {
      const L = lum(c.mge, j);
      tot += L;
      if (c.mge.sigma[j] === p.nucleusSigma) nuc += L;
      else if (c.mge.qobs[j] === p.qBulge) bulge += L;
    }
    assert.ok(Math.abs(nuc / tot - p.nucleusFraction) < 1e-12, `draw ${k}: nucleus ${nuc / tot} vs ${p.nucleusFraction}`);
    assert.ok(Math.abs(bulge / (tot - nuc) - p.bulgeToTotal) < 1e-12, `draw ${k}: B/T ${bulge / (tot - nuc)} vs ${p.bulgeToTotal}`);
    checked++;
  }
  assert.ok(checked >= 15);
});

test('inclination limit: the flattest Gaussian deprojects there with intrinsic q = 0.05', () => {
  for (const q of [0.12, 0.3, 0.6, 0.95]) assert.ok(Math.abs(minQobs(deprojectionLimitDeg(q)) - q) < 1e-12, `q' ${q}`);
  assert.equal(deprojectionLimitDeg(1), 0);
});

test('P + b Q equals the direct JAM (jamVrms2, mass = light) at two beta_z, scale-free', () => {
  const g = thetaLogRGrid({ nRad: 10, nTheta: 5, rMin: 0.02, rMax: 4 });
  for (const k of [0, 1, 4]) {
    const row = mflRow(5, k, F, g.x, g.y, 24);
    const inc = row.params[0];
    assert.ok(inc >= row.params[1] && inc <= 90);
    const np = g.x.length;
    // Physical: R_e 6.5 arcsec, I_e 300 Lsun/pc^2, 17 Mpc, M/L 2.
    const Re = 6.5, Ie = 300, D = 17, ml = 2;
    const light = { surf: Float64Array.from(row.mge.surf, (s) => s * Ie), sigma: Float64Array.from(row.mge.sigma, (s) => s * Re), qobs: row.mge.qobs };
    for (const beta of [-0.3, 0.25]) {
      const v2 = jamVrms2({ mgeLum: light, mgePot: light, incDeg: inc, beta, distanceMpc: D, ml }, Array.from(g.x, (t) => t * Re), Array.from(g.y, (t) => t * Re));
      const b = 1 / (1 - beta);
      for (let i = 0; i < np; i++) {
        const want = v2[i] / (G_KMS2_PC_MSUN * ml * Ie * Re * pcPerArcsec(D));
        const got = row.pq[i] + b * row.pq[np + i];
        assert.ok(Math.abs(got / want - 1) < 2e-6, `row ${k} beta ${beta} point ${i}: ${got} vs ${want}`);
      }
    }
  }
});

test('jamfit simulate --family mge: rows as mflRow, MGE in half-light units, resumable; --image refused', async () => {
  const dir = join(TMP, 'mge');
  const argv = ['simulate', '--family', 'mge', '--n', '5', '--chunk', '2', '--seed', '9', '--grid', '6,3,0.02,4', '--nodes', '24', '--workers', '1', '--out', dir];
  const r = await runCli(argv);
  assert.equal(r.code, 0, r.err);
  const ds = readTrainingSet(dir);
  assert.deepEqual(ds.columns, MFL_COLUMNS);
  assert.equal(ds.n, 5);
  const g = thetaLogRGrid({ nRad: 6, nTheta: 3, rMin: 0.02, rMax: 4 });
  const np = g.x.length;
  const nc = MFL_COLUMNS.length;
  for (const k of [0, 4]) {
    const row = mflRow(9, k, F, g.x, g.y, 24);
    assert.deepEqual(Array.from(ds.params.subarray(k * nc, (k + 1) * nc)), Array.from(row.params));
    for (let i = 0; i < 2 * np; i++) assert.equal(ds.v[k * 2 * np + i], Math.fround(row.pq[i]));
    // The stored MGE has its half-light isophote at (1, 0) with level 1.
    const hl = mgeHalfLight(row.mge);
    assert.ok(Math.abs(hl.aMajor - 1) < 1e-9 && Math.abs(hl.level - 1) < 1e-9);
    const fam = FAMILY_PARAM_NAMES.map((_, j) => ds.params[k * nc + 5 + j]);
    assert.deepEqual(fam.map(String), FAMILY_PARAM_NAMES.map((n) => String(drawFamilyGalaxy(9, k).params[n])));
  }
  // Map P, Q are the independent mflMaps of the stored MGE at the stored inclination.
  const m0 = mflMaps(mflRow(9, 0, F, g.x, g.y, 24).mge, ds.params[0], g.x, g.y, 24);
  assert.equal(ds.v[0], Math.fround(m0[0]));
  const again = await runCli(argv);
  assert.equal(again.code, 0);
  assert.match(again.out, /computed 0, skipped 3/);
  const bad = await runCli([...argv.slice(0, -2), '--image', '16', '--out', join(TMP, 'mge-img')]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.err, /image.*--image 0/);
});
