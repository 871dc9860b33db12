/**
 * The kinematic centre from V_rms point symmetry and the flux peak (src/geometry) on mock discs
 * shifted and rotated by known amounts: noise-free recovery, bootstrap-error coverage at the
 * nominal rates over seeds (binomial error bars), the flux peak, and bad input.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fluxPeak } from '../../src/geometry/flux-peak.ts';
import { symmetryCentre, symmetryStatistic } from '../../src/geometry/symmetry-centre.ts';
import { Rng } from '../../samplers/rng.ts';
import { discModel, gridBins, mockField } from './mock-field.ts';

test('noise-free: the symmetry centre is recovered to 0.03" for shifts off the pixel lattice, and S is lowest there', () => {
  const bins = gridBins(8);
  for (const g of [{ paDeg: 20, cx: 0.37, cy: -0.21 }, { paDeg: -54, cx: -1.4, cy: 0.1 }, { paDeg: 100, cx: 0.5, cy: 0.5 }, { paDeg: 160, cx: 1.9, cy: -1.3 }]) {
    const f = mockField(bins, g, 1, 5);
    const map = { x: f.x, y: f.y, value: f.vrmsTrue, err: f.vrmsErr };
    const r = symmetryCentre(map, { nmc: 10 });
    // 0.03": the smoothing's lattice ripple (1.3% of a 1" spacing per unit gradient, see
    // neighbours.test.ts) plus the quadratic refinement on a 0.25" grid.
    assert.ok(Math.hypot(r.centre[0] - g.cx, r.centre[1] - g.cy) < 0.03, `truth (${g.cx}, ${g.cy}), got (${r.centre})`);
    const s0 = symmetryStatistic(map, [g.cx, g.cy]);
    for (const [dx, dy] of [[0.3, 0], [0, -0.3], [-0.2, 0.2]]) assert.ok(symmetryStatistic(map, [g.cx + dx, g.cy + dy]) > s0);
  }
});

test('with noise, over 40 seeds of random shift and PA, the truth is within 1 (2) bootstrap sigma per axis at the rate 68% (95%), within binomial error', (t) => {
  const bins = gridBins(8);
  const rng = new Rng('centre-coverage');
  const K = 40;
  let in1 = 0;
  let in2 = 0;
  let sumZ2 = 0;
  for (let s = 0; s < K; s++) {
    const g = { paDeg: -180 + 360 * rng.uniform(), cx: -1.5 + 3 * rng.uniform(), cy: -1.5 + 3 * rng.uniform() };
    const f = mockField(bins, g, 100 + s, 8);
    const r = symmetryCentre({ x: f.x, y: f.y, value: f.vrms, err: f.vrmsErr }, { nmc: 30, seed: s, halfWidth: 1.5 });
    for (const k of [0, 1]) {
      const z = (r.centre[k] - (k ? g.cy : g.cx)) / r.err[k];
      if (Math.abs(z) < 1) in1++;
      if (Math.abs(z) < 2) in2++;
      sumZ2 += z * z;
    }
  }
  const n = 2 * K;
  t.diagnostic(`centre coverage: ${in1}/${n} axis estimates within 1 sigma, ${in2}/${n} within 2; mean z^2 ${(sumZ2 / n).toFixed(2)}`);
  // 80 axis estimates (x and y nearly independent): binomial sd 0.052 (p = 0.683) and 0.023
  // (p = 0.954); 3 sd bands. Errors off by a factor 2 give ~38% or ~95% within 1 sigma.
  assert.ok(Math.abs(in1 / n - 0.683) < 3 * 0.052, `within 1 sigma: ${in1 / n}`);
  assert.ok(in2 / n > 0.954 - 3 * 0.023, `within 2 sigma: ${in2 / n}`);
});

test('the flux peak of a shifted exponential disc is within its quantisation error s/sqrt(12) per axis, and closer than the brightest bin', () => {
  const bins = gridBins(8);
  let refined = 0;
  let raw = 0;
  for (const g of [{ paDeg: 30, cx: 0.3, cy: -0.2 }, { paDeg: -54, cx: -1.5, cy: 0.4 }, { paDeg: 90, cx: 0.45, cy: 0.1 }, { paDeg: 10, cx: -0.7, cy: -0.35 }]) {
    const { flux } = discModel(bins.x, bins.y, g);
    const p = fluxPeak({ x: bins.x, y: bins.y, flux });
    assert.ok(Math.abs(p.err[0] - 1 / Math.sqrt(12)) < 1e-12);
    for (const k of [0, 1]) assert.ok(Math.abs(p.centre[k] - (k ? g.cy : g.cx)) < p.err[k], `truth (${g.cx}, ${g.cy}), flux peak (${p.centre})`);
    refined += Math.hypot(p.centre[0] - g.cx, p.centre[1] - g.cy);
    raw += Math.hypot(bins.x[p.peakBin] - g.cx, bins.y[p.peakBin] - g.cy);
  }
  assert.ok(refined < raw, `the centroid (${refined}) should beat the brightest bin (${raw})`);
  // Bin fluxes become surface brightness: by the spacing squared without pixels (the far bin's
  // 30 over ~41 arcsec^2 loses to the centre's 10 over 1), by the pixel count with them.
  const x = [0, 1, -1, 0, 0, 5];
  const y = [0, 0, 0, 1, -1, 5];
  const flux = [10, 6, 6, 6, 6, 30];
  assert.equal(fluxPeak({ x, y, flux }).peakBin, 0);
  assert.equal(fluxPeak({ x, y, flux, npix: [4, 1, 1, 1, 1, 25], pixsize: 1 }).peakBin, 1);
  assert.throws(() => fluxPeak({ x, y, flux: [0, 0, 0, 0, 0, 0] }), /no bin has a positive flux/);
});

test('bad input: a map not symmetric about any point near the guess, too few bins, a zero error', () => {
  const bins = gridBins(6);
  // A pure gradient has no centre of point symmetry: the minimum runs away to the search edge.
  const ramp = { x: bins.x, y: bins.y, value: Float64Array.from(bins.x, (x) => 100 + 10 * x), err: new Float64Array(bins.x.length).fill(1) };
  assert.throws(() => symmetryCentre(ramp, { nmc: 10, halfWidth: 1 }), /(?<!-)centre: the map is most symmetric at the edge of the search.*give --centre X,Y/);
  assert.throws(() => symmetryCentre({ x: [0, 1, 2, 3], y: [0, 0, 1, 1], value: [1, 2, 3, 4], err: [1, 1, 1, 1] }), /at least 5/);
  const e = new Float64Array(bins.x.length).fill(1);
  e[4] = 0;
  assert.throws(() => symmetryCentre({ ...ramp, err: e }), /bin 4 has error 0/);
});
