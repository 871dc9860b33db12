/**
 * The grid -> bins operator W: its rows against the image-by-image forward chain
 * (forward-chain.ts; the rows are assembled transposed, footprint by footprint, so an index or
 * transpose slip shows up here), against hand-computed bilinear weights, conservation of a
 * constant map, linearity and batching, against jamVrms2's PSF path, and its report of bins off
 * the grid. Tolerances: W and the forward chain do the same arithmetic in a different order, so
 * they agree to rounding (1e-12 relative is 1e3 times the observed ~1e-15).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import seedrandom from 'seedrandom';
import { jamVrms2 } from '../../src/jam/jam.ts';
import { vrms2Direct } from '../../src/jam/direct.ts';
import { prepareModel } from '../../src/jam/model.ts';
import { applyGridToBins, applyGridToBinsBatch, binsOutsideGrid, buildGridToBins, convolutionRadius } from '../../src/operator/grid-to-bins.ts';
import { makePolarGrid, medianQ } from '../../src/operator/polar-grid.ts';
import { checkPsf } from '../../src/operator/psf.ts';
import { loadReferenceCases } from '../helpers/reference-cases.ts';
import { forwardChain } from './forward-chain.ts';

const grid = makePolarGrid(0.05, 6, 12, 6, 0.7);
const bx = [0, 0.4, -1.1, 2.3, 0.2, -0.7, 3.1];
const by = [0, 0.3, 0.8, -1.2, 1.9, -0.1, 0.4];
const light = { surf: [5000, 800, 60], sigma: [0.08, 0.6, 2.5], qobs: [0.9, 0.75, 0.65] };
const rng = seedrandom('operator');
const g1 = Float64Array.from({ length: grid.x.length }, () => 1e4 * (1 + rng()));
const g2 = Float64Array.from({ length: grid.x.length }, () => 1e4 * rng());

const setups = [
  { name: 'PSF + rotated pixel, light-weighted', psf: { sigma: [0.4, 1.1], weight: [0.6, 0.4] }, pixsize: 0.8, pixang: 35, light, step: 0.1 },
  { name: 'PSF alone, unweighted', psf: { sigma: [0.4], weight: [1] }, pixsize: 0, pixang: 0, light: undefined, step: 0.1 },
  { name: 'pixel alone, rotated, light-weighted', psf: undefined, pixsize: 1.2, pixang: -20, light, step: 0.1 },
  { name: 'aligned pixel (90 deg), light-weighted', psf: { sigma: [0.5], weight: [1] }, pixsize: 1.0, pixang: 90, light, step: 0.125 },
];

for (const s of setups) {
  test(`W . g equals the forward chain, rows are convex, W is linear: ${s.name}`, () => {
    const op = buildGridToBins({ grid, x: bx, y: by, psf: s.psf, pixsize: s.pixsize, pixang: s.pixang, light: s.light, step: s.step });
    assert.ok(op.dense && op.convolution);
    const fw = forwardChain(grid, g1, op.convolution, bx, by, s);
    const w1 = applyGridToBins(op, g1);
    for (let b = 0; b < bx.length; b++) assert.ok(Math.abs(w1[b] / fw[b] - 1) < 1e-12, `bin ${b}: W ${w1[b]} chain ${fw[b]}`);
    // A constant map stays that constant: each row is a convex combination of grid values.
    const ones = applyGridToBins(op, new Float64Array(grid.x.length).fill(1));
    for (let b = 0; b < bx.length; b++) assert.ok(Math.abs(ones[b] - 1) < 1e-13, `row ${b} sums to ${ones[b]}`);
    assert.ok(op.dense.every((v) => v >= 0));
    // Linearity and the batched apply (two models at once).
    const w2 = applyGridToBins(op, g2);
    const mix = applyGridToBins(op, g1.map((v, j) => 2 * v - 3 * g2[j]));
    for (let b = 0; b < bx.length; b++) assert.ok(Math.abs(mix[b] - (2 * w1[b] - 3 * w2[b])) < 1e-9 * Math.abs(w1[b]));
    const batch = applyGridToBinsBatch(op, Float64Array.of(...g1, ...g2), 2);
    for (let b = 0; b < bx.length; b++) {
      assert.equal(batch[b], w1[b]);
      assert.equal(batch[bx.length + b], w2[b]);
    }
  });
}

test('no PSF and no pixel: each row is the 4 bilinear weights, computed by hand', () => {
  // ln r nodes 0, 1, 2, 3; eccentric anomaly nodes 0, 45, 90 deg (q = 1: the polar angle).
  const g = makePolarGrid(1, Math.exp(3), 4, 3, 1);
  const r = Math.exp(1.25); // a quarter of the way from ring 1 to ring 2
  const t = Math.PI / 8; // half way from 0 to 45 deg
  const op = buildGridToBins({ grid: g, x: [r * Math.cos(t), -r * Math.cos(t)], y: [r * Math.sin(t), -r * Math.sin(t)] });
  assert.ok(op.sparse && !op.dense);
  const expect = new Map([[3, 0.375], [4, 0.375], [6, 0.125], [7, 0.125]]); // index iRad * 3 + iAng
  for (const b of [0, 1]) {
    for (let k = 0; k < 4; k++) {
      const idx = op.sparse.index[4 * b + k];
      assert.ok(Math.abs(op.sparse.weight[4 * b + k] - expect.get(idx)!) < 1e-12, `bin ${b} node ${idx}`);
    }
  }
  const vals = Float64Array.from({ length: 12 }, (_, j) => j * j);
  const out = applyGridToBins(op, vals);
  assert.ok(Math.abs(out[0] - (0.375 * 9 + 0.375 * 16 + 0.125 * 36 + 0.125 * 49)) < 1e-12);
  assert.deepEqual(applyGridToBinsBatch(op, Float64Array.of(...vals, ...vals), 2).slice(2), out);
});

test("jamVrms2's PSF and pixel paths are W . V_rms^2 on the polar grid", () => {
  const c = loadReferenceCases().find((r) => r.name === 'random_03')!;
  const m = prepareModel(c.params);
  const x = c.bins.x.slice(0, 30);
  const y = c.bins.y.slice(0, 30);
  for (const o of [{ psf: { sigma: [0.6, 1.8], weight: [0.7, 0.3] }, pixsize: 1, pixang: 30 }, { psf: undefined, pixsize: 1.5, pixang: 40 }]) {
    const psf = o.psf ? checkPsf(o.psf) : null;
    const step = psf ? Math.min(...psf.sigma) / 4 : o.pixsize / 16;
    const q = medianQ(m.lum.sigma, m.lum.qobs, Math.max(...x.map(Math.abs)));
    const polar = makePolarGrid(step / Math.SQRT2, convolutionRadius(x, y, q, psf, o.pixsize, step), 40, 19, q);
    const op = buildGridToBins({ grid: polar, x, y, ...o, light: m.lum });
    const viaW = applyGridToBins(op, vrms2Direct(m, polar.x, polar.y));
    const lib = jamVrms2(m, x, y, o);
    for (let b = 0; b < x.length; b++) assert.ok(Math.abs(viaW[b] / lib[b] - 1) < 1e-12, `bin ${b}`);
    assert.ok(op.clampedFraction.every((f) => f < 0.02), `JAM's own grid covers the footprints (max clamped ${Math.max(...op.clampedFraction)})`);
  }
});

test('bins off the grid are reported; a PSF footprint over the inner edge shows as a clamped fraction', () => {
  const g = makePolarGrid(0.5, 4, 10, 5, 0.8);
  const x = [0, 0.3, 1, 2, 5, 0, 3.9];
  const y = [0, 0, 0.5, -1, 0, 3.3, 0];
  const sparse = buildGridToBins({ grid: g, x, y });
  assert.deepEqual(binsOutsideGrid(sparse), [0, 1, 4, 5]); // r_ell: 0, 0.3, 5, 3.3 / 0.8 = 4.125
  assert.deepEqual(Array.from(sparse.clampedFraction), [1, 1, 0, 0, 1, 1, 0]);
  const dense = buildGridToBins({ grid: g, x, y, psf: { sigma: [0.3], weight: [1] } });
  assert.deepEqual(binsOutsideGrid(dense), [0, 1, 4, 5]);
  // The bin at (1, 0.5) is 1.1 from the centre: about 5% of its footprint lies inside r_ell = 0.5.
  assert.ok(dense.clampedFraction[2] > 0.005 && dense.clampedFraction[2] < 0.2, `${dense.clampedFraction[2]}`);
  assert.ok(dense.clampedFraction[0] > 0.5, `${dense.clampedFraction[0]}`); // ~1 - exp(-0.5^2 / (2 0.3^2)) = 0.75 for a point source
  assert.deepEqual(binsOutsideGrid(dense, 0.005), [0, 1, 2, 4, 5, 6]);
});

test('bad operator inputs: one-line errors naming the field', () => {
  assert.throws(() => buildGridToBins({ grid, x: [1], y: [1], pixsize: -1 }), /pixsize: is -1/);
  assert.throws(() => buildGridToBins({ grid, x: [1], y: [1], pixsize: 1, pixang: NaN }), /pixang: is null/);
  assert.throws(() => buildGridToBins({ grid, x: [1], y: [1], step: 0.1 }), /step: applies only with a PSF or pixsize > 0/);
  assert.throws(() => buildGridToBins({ grid, x: [1], y: [1], pixsize: 1, step: 1e-4 }), /step: gives a \d+ x \d+ convolution grid/);
  assert.throws(() => buildGridToBins({ grid, x: [1, 2], y: [1] }), /y: has 1 values but x has 2/);
});
