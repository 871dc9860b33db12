/**
 * The interpolants behind the symmetry estimators (src/geometry/neighbours.ts) against brute
 * force: the nearest-bin search equals a full sort, weights are normalised and continuous, the
 * nearest-bin interpolant is exact at the bins of a grid, the Gaussian one reproduces constant
 * and linear maps inside the field, and the taper marks the edge of the field.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { binIndex, weighted, WeightRows } from '../../src/geometry/neighbours.ts';
import { Rng } from '../../samplers/rng.ts';
import { gridBins } from './mock-field.ts';

function scattered(n: number, seed: number) {
  const rng = new Rng(`nb:${seed}`);
  return { x: Float64Array.from({ length: n }, () => 20 * rng.uniform() - 10), y: Float64Array.from({ length: n }, () => 20 * rng.uniform() - 10) };
}

test('the three nearest bins and the bandwidth are those of a brute-force sort; weights sum to 1', () => {
  const b = scattered(300, 1);
  const ix = binIndex(b.x, b.y);
  const rng = new Rng('q');
  for (let q = 0; q < 200; q++) {
    const px = 24 * rng.uniform() - 12;
    const py = 24 * rng.uniform() - 12;
    const d = Array.from(b.x, (x, i) => ({ i, d: Math.hypot(x - px, b.y[i] - py) })).sort((u, v) => u.d - v.d);
    const p = ix.weights(px, py);
    assert.deepEqual([...p.idx], d.slice(0, 3).map((e) => e.i));
    assert.equal(p.nearest, d[0].i);
    assert.ok(Math.abs(p.dNearest - d[0].d) < 1e-12);
    // biweight with h = the 4th distance, normalised
    const raw = d.slice(0, 3).map((e) => (1 - (e.d / d[3].d) ** 2) ** 2);
    const s = raw.reduce((u, v) => u + v, 0);
    raw.forEach((r, m) => assert.ok(Math.abs(p.w[m] - r / s) < 1e-12));
  }
  // spacing = distance to the nearest other bin
  for (let i = 0; i < 300; i += 17) {
    let m = Infinity;
    for (let j = 0; j < 300; j++) if (j !== i) m = Math.min(m, Math.hypot(b.x[i] - b.x[j], b.y[i] - b.y[j]));
    assert.ok(Math.abs(ix.spacing[i] - m) < 1e-12);
  }
});

test('on a grid the nearest-bin interpolant is exact at the bins; the Gaussian one reproduces constant and linear maps inside the field', () => {
  const g = gridBins(8);
  const ix = binIndex(g.x, g.y);
  const lin = Float64Array.from(g.x, (x, i) => 3 + 2 * x - 1.5 * g.y[i]);
  // Interior bins (four neighbours at one spacing, so h = 1 and they get weight 0); at the
  // ragged edge of the disc the 4th neighbour is farther and the value is a local average.
  let interior = 0;
  for (let i = 0; i < g.x.length; i++) {
    if (Math.hypot(g.x[i], g.y[i]) > 7) continue;
    interior++;
    assert.ok(Math.abs(weighted(ix.weights(g.x[i], g.y[i]), lin) - lin[i]) < 1e-12, `bin (${g.x[i]}, ${g.y[i]})`);
  }
  assert.ok(interior > 100);
  const rng = new Rng('lin');
  const one = new Float64Array(g.x.length).fill(7);
  let worst = 0;
  for (let q = 0; q < 300; q++) {
    // Inside radius 5 of a field of radius 8: the kernel's support (1.8") stays off the edge.
    const r = 5 * Math.sqrt(rng.uniform());
    const t = 2 * Math.PI * rng.uniform();
    const px = r * Math.cos(t);
    const py = r * Math.sin(t);
    const p = ix.smoothWeights(px, py);
    assert.ok(Math.abs(weighted(p, one) - 7) < 1e-12);
    assert.equal(p.taper, 1);
    worst = Math.max(worst, Math.abs(weighted(p, lin) - (3 + 2 * px - 1.5 * py)));
  }
  // An untruncated Gaussian of 0.6 spacings would ripple by 2 exp(-2 pi^2 0.36) = 0.2% of a
  // spacing per unit gradient; the truncation at 3 widths raises that to the measured 1.3%
  // (0.032 for |grad| = 2.5 here), i.e. ~0.01" of centre bias for a 1" grid, a tenth of the
  // mocks' centre errors. The bound 0.05 (2% of a spacing) fails for the plain nearest-bin
  // average between bins (its error is ~ a quarter of a spacing times the gradient).
  assert.ok(worst < 0.05, `linear map through the Gaussian interpolant: worst error ${worst}`);
  // At the edge of the field (radius 7..8 of 8) the kernel is cut; the local-linear correction
  // keeps a linear map nearly exact there (the ridge (0.03 width)^2 on its covariance leaves
  // ~0.02), where a plain kernel average is pulled inwards by the gradient times the shift of its
  // centroid (1.5 here).
  let edge = 0;
  for (let q = 0; q < 100; q++) {
    const r = 7 + rng.uniform();
    const t = 2 * Math.PI * rng.uniform();
    const p = ix.smoothWeights(r * Math.cos(t), r * Math.sin(t));
    edge = Math.max(edge, Math.abs(weighted(p, lin) - (3 + 2 * r * Math.cos(t) - 1.5 * r * Math.sin(t))));
  }
  assert.ok(edge < 0.05, `linear map at the edge of the field: worst error ${edge}`);
});

test('weights are continuous along a path (no jumps when neighbours change rank); the taper is 1 inside and 0 outside', () => {
  const b = scattered(200, 2);
  const ix = binIndex(b.x, b.y);
  const f = Float64Array.from(b.x, (x, i) => Math.sin(x / 3) * 50 + b.y[i] * 4);
  const h = 1e-4;
  let worstNear = 0;
  let worstSmooth = 0;
  for (let s = 0; s < 20000; s++) {
    const px = -8 + (16 * s) / 20000;
    const py = 0.37 * px + 0.5;
    worstNear = Math.max(worstNear, Math.abs(weighted(ix.weights(px + h, py), f) - weighted(ix.weights(px, py), f)));
    worstSmooth = Math.max(worstSmooth, Math.abs(weighted(ix.smoothWeights(px + h, py), f) - weighted(ix.smoothWeights(px, py), f)));
  }
  // A map of slope ~ 20 km/s per arcsec moves 0.002 km/s in 1e-4": a jump would be ~ the map's
  // bin-to-bin differences (tens of km/s). 0.5 km/s separates the two by two orders of magnitude.
  assert.ok(worstNear < 0.5, `nearest-bin interpolant jumps by ${worstNear}`);
  assert.ok(worstSmooth < 0.5, `Gaussian interpolant jumps by ${worstSmooth}`);
  const g = gridBins(8);
  const gi = binIndex(g.x, g.y);
  assert.equal(gi.weights(0.5, 0.5).taper, 1);
  assert.equal(gi.weights(7.4, 0).taper, 1);
  assert.equal(gi.weights(9.5, 0).taper, 0); // 1.5 spacings beyond the edge bin at x = 8
  assert.ok(gi.weights(9, 0).taper > 0 && gi.weights(9, 0).taper < 1); // one spacing: tapering
});

test('WeightRows evaluates stored weights as the direct sum; too few bins is an InputError', () => {
  const b = scattered(50, 3);
  const ix = binIndex(b.x, b.y);
  const rows = new WeightRows();
  const pts = [[0, 0], [1, 2], [-3, 4]].map(([x, y]) => ix.smoothWeights(x, y));
  pts.forEach((p) => rows.push(p));
  const f = Float64Array.from(b.x, (x) => x * x);
  pts.forEach((p, r) => assert.equal(rows.value(r, f), weighted(p, f)));
  assert.throws(() => binIndex([0, 1, 2, 3], [0, 0, 0, 0], 'kin.csv'), /kin\.csv: has 4 bins; the symmetry estimators need at least 5/);
  assert.throws(() => binIndex([0, 1, 2, 3, 0], [0, 0, 0, 0, 0], 'kin.csv'), /share the position/);
});
