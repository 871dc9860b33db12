/**
 * The training-side pieces of the multi-component surrogate: the polar image
 * (src/photometry/polar-image.ts) against the MGE's surface density, the principal-component
 * basis (src/surrogate/mfl/pca.ts) on images of known rank, and the rows of a simulated set
 * (src/surrogate/mfl/rows.ts): MGE read-back, per-epoch beta_z draws inside the training range,
 * ln v from P and Q.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { intrinsicQ } from '../../src/jam/deproject.ts';
import { GALAXY_FAMILY_V1 } from '../../src/photometry/galaxy-family.ts';
import { mgeSurfaceDensity } from '../../src/photometry/mge.ts';
import { polarImage, type PolarImageSpec } from '../../src/photometry/polar-image.ts';
import { fitPca, project, residualRms } from '../../src/surrogate/mfl/pca.ts';
import { betaMax, collapseBetaMax, drawBetas, lnV, MFL_BETA_RANGE, MFL_PARAM_INPUTS_V1, mflRows, paramInputs, rowMge } from '../../src/surrogate/mfl/rows.ts';
import { defaultConfig } from '../../src/surrogate/simulate/config.ts';
import { mflRow } from '../../src/surrogate/simulate/mfl-model.ts';
import { readTrainingSet } from '../../src/surrogate/simulate/reader.ts';
import { simulate } from '../../src/surrogate/simulate/run.ts';
import { Rng } from '../../samplers/rng.ts';

const TMP = mkdtempSync(join(tmpdir(), 'jamfit-mfl-rows-'));
after(() => rmSync(TMP, { recursive: true, force: true }));

test('polar image = log10 of the MGE surface density at (r_i, theta_j)', () => {
  const mge = { surf: [3, 1, 0.05], sigma: [0.01, 0.7, 3], qobs: [0.9, 0.4, 0.7] };
  const spec: PolarImageSpec = { nRad: 9, nTheta: 4, rMin: 0.005, rMax: 8 };
  const img = polarImage(mge, spec);
  for (const [i, j] of [[0, 0], [4, 1], [8, 3], [6, 2]]) {
    const r = 0.005 * (8 / 0.005) ** (i / 8);
    const th = (Math.PI / 2) * (j / 3);
    const s = mgeSurfaceDensity(mge, [r * Math.cos(th)], [r * Math.sin(th)])[0];
    assert.ok(Math.abs(img[i * 4 + j] - Math.log10(s)) < 1e-6, `(${i}, ${j})`);
  }
});

test('PCA: images of rank 3 are reconstructed exactly by 3 components, another image is not', () => {
  const pixels = 30, n = 200;
  const rng = new Rng(3);
  const basis = Array.from({ length: 3 }, () => Float64Array.from({ length: pixels }, () => rng.normal()));
  const images = new Float64Array(n * pixels);
  for (let i = 0; i < n; i++) {
    const c = [rng.normal(), rng.normal() * 0.5, rng.normal() * 0.1];
    for (let p = 0; p < pixels; p++) images[i * pixels + p] = 2 + c[0] * basis[0][p] + c[1] * basis[1][p] + c[2] * basis[2][p];
  }
  const b = fitPca(images, n, pixels, 3);
  assert.ok(b.variance[0] >= b.variance[1] && b.variance[1] >= b.variance[2] && b.variance[2] > 0);
  for (const i of [0, 57, 199]) assert.ok(residualRms(b, images.subarray(i * pixels, (i + 1) * pixels)) < 1e-10);
  const outside = Float64Array.from({ length: pixels }, () => 2 + rng.normal());
  assert.ok(residualRms(b, outside) > 0.3);
  // Coefficient variances are the eigenvalues.
  const c = new Float64Array(3);
  let s0 = 0;
  for (let i = 0; i < n; i++) s0 += project(b, images.subarray(i * pixels, (i + 1) * pixels), c)[0] ** 2;
  assert.ok(Math.abs(s0 / (n - 1) / b.variance[0] - 1) < 1e-9);
});

test('rows of a simulated set: MGE, P and Q read back; beta_z draws in range and repeatable; ln v = ln sqrt(P + b Q)', async () => {
  const dir = join(TMP, 'set');
  const grid = { nRad: 5, nTheta: 3, rMin: 0.02, rMax: 4 };
  await simulate(defaultConfig({ n: 6, chunk: 3, seed: 4, grid, nodes: 16, image: { size: 0, fov: 3, oversample: 4 }, galaxies: GALAXY_FAMILY_V1 }), dir);
  const ts = readTrainingSet(dir);
  const spec: PolarImageSpec = { nRad: 6, nTheta: 3, rMin: 0.01, rMax: 5 };
  const rows = mflRows(ts, spec);
  assert.equal(rows.n, 6);
  const k = 4;
  const want = mflRow(4, k, GALAXY_FAMILY_V1, ts.grid.x, ts.grid.y, 16);
  assert.deepEqual(Array.from(rowMge(ts, k).sigma), Array.from(want.mge.sigma));
  assert.deepEqual(Array.from(rows.images.subarray(k * 18, (k + 1) * 18)), Array.from(polarImage(want.mge, spec)));
  assert.equal(rows.incDeg[k], want.params[0]);
  const b1 = drawBetas(rows, MFL_BETA_RANGE, 1, 3);
  assert.deepEqual(b1, drawBetas(rows, MFL_BETA_RANGE, 1, 3));
  assert.notDeepEqual(b1, drawBetas(rows, MFL_BETA_RANGE, 1, 4));
  for (let i = 0; i < rows.n; i++) {
    assert.ok(b1[i] >= MFL_BETA_RANGE.lo && b1[i] < betaMax(MFL_BETA_RANGE, rows.qLw[i], rows.incDeg[i]));
    assert.ok(betaMax(MFL_BETA_RANGE, rows.qLw[i], rows.incDeg[i]) <= 0.7 * (1 - intrinsicQ(rows.qLw[i], rows.incDeg[i])) + 1e-15);
  }
  const nG = rows.nG;
  // The collapse limit: at it, the smallest v^2(beta) / v^2(lo) over the grid is the fraction.
  const synthetic = { nG: 3, P: Float32Array.from([1, 1, 2]), Q: Float32Array.from([0.5, -0.4, -0.5]) };
  for (const frac of [0.1, 0.5]) {
    const bz = collapseBetaMax(synthetic, 0, -0.45, frac);
    const b = 1 / (1 - bz), bLo = 1 / 1.45;
    const ratios = [0, 1, 2].map((j) => (synthetic.P[j] + b * synthetic.Q[j]) / (synthetic.P[j] + bLo * synthetic.Q[j]));
    assert.ok(Math.abs(Math.min(...ratios) - frac) < 1e-6, `frac ${frac}: ${ratios}`);
  }
  assert.equal(collapseBetaMax({ nG: 1, P: Float32Array.from([1]), Q: Float32Array.from([0.3]) }, 0, -0.45), 1);
  const out = new Float64Array(nG);
  lnV(rows, k, 0.2, out);
  for (let j = 0; j < nG; j++) assert.ok(Math.abs(out[j] - Math.log(Math.sqrt(Math.fround(want.pq[j]) + 1.25 * Math.fround(want.pq[nG + j])))) < 1e-12);
  const p = new Float64Array(4);
  paramInputs(0.1, 60, 0.6, 0.8, p);
  assert.deepEqual(Array.from(p.slice(0, 2)), [0.1, Math.cos(Math.PI / 3) ** 2]);
  const v1 = new Float64Array(4);
  paramInputs(0.1, 60, 0.6, 0.8, v1, 0, MFL_PARAM_INPUTS_V1);
  assert.deepEqual(Array.from(v1), [0.1, Math.cos(Math.PI / 3), p[2], p[3]]);
  assert.ok(Math.abs(p[2] - Math.log(intrinsicQ(0.6, 60))) < 1e-15 && Math.abs(p[3] - Math.log(intrinsicQ(0.8, 60))) < 1e-15);
});
