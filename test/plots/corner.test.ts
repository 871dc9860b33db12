/**
 * The corner plot's numbers (src/plots/corner.ts): quantiles, the probability content of the
 * density contours, their shape for a correlated Gaussian, and the SVG's size and labels.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../core/errors.ts';
import { Rng } from '../../samplers/rng.ts';
import { cornerData, cornerSvg, formatEstimate } from '../../src/plots/corner.ts';
import { insideRings, polygonMoments, principalAngleDeg, ringsOf } from './geometry-helpers.ts';

/** n draws of a 2-D Gaussian with sds (sx, sy) and correlation rho, flat [x0, y0, x1, y1, ...]. */
function gauss2(n: number, sx: number, sy: number, rho: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const out = new Float64Array(2 * n);
  for (let k = 0; k < n; k++) {
    const a = rng.normal();
    const b = rng.normal();
    out[2 * k] = 1 + sx * a;
    out[2 * k + 1] = -2 + sy * (rho * a + Math.sqrt(1 - rho * rho) * b);
  }
  return out;
}

const N = 100_000;
const SAMPLES = gauss2(N, 1, 2, 0.6, 5);
const xs = SAMPLES.filter((_, k) => k % 2 === 0);
const ys = SAMPLES.filter((_, k) => k % 2 === 1);

test('contours hold the stated fraction of the samples (39.3%, 86.5%, 99%), with and without heavy smoothing', () => {
  for (const smooth of [1.5, 4]) {
    const c = cornerData({ samples: SAMPLES, ndim: 2, names: ['a', 'b'] }, { smooth });
    const pair = c.pairs[0];
    assert.deepEqual(pair.regions.map((r) => r.fraction), [0.99, 1 - Math.exp(-2), 1 - Math.exp(-0.5)]);
    for (const r of pair.regions) {
      const rings = ringsOf(r.lines);
      let inside = 0;
      for (let k = 0; k < N; k++) if (insideRings(rings, xs[k], ys[k])) inside++;
      // The level is the (1-f) quantile of the samples' own densities, so the count inside is f N
      // up to the samples lying between the bilinear level curve and its straight marching-squares
      // chords (a sliver < 1e-3 of the area here); 3 binomial sds (<= 0.5%) is a generous bound
      // that still fails for a level taken from the smoothed histogram's mass (measured on this sample:
      // 41.8% / 89.2% / 99.35% inside the 39.3% / 86.5% / 99% lines at smooth 1.5, 56% / 96% / 99.8% at smooth 4).
      const tol = 3 * Math.sqrt((r.fraction * (1 - r.fraction)) / N);
      assert.ok(Math.abs(inside / N - r.fraction) < tol, `smooth ${smooth}: ${(inside / N).toFixed(4)} inside the ${r.fraction.toFixed(3)} contour (tol ${tol.toFixed(4)})`);
    }
  }
});

test('the contours of a correlated Gaussian are ellipses of the right orientation and size', () => {
  const bins2d = 60;
  const smooth = 1;
  const c = cornerData({ samples: SAMPLES, ndim: 2, names: ['a', 'b'] }, { bins2d, smooth });
  // Independent reference: the smoothed histogram estimates the density convolved with the bin
  // (variance h^2/12) and the kernel ((smooth h)^2), i.e. a Gaussian of covariance
  // S' = S + diag(kx^2, ky^2) with S the samples' covariance. Its level sets are S'-ellipses.
  const dx = (c.ranges[0][1] - c.ranges[0][0]) / bins2d;
  const dy = (c.ranges[1][1] - c.ranges[1][0]) / bins2d;
  let mx = 0, my = 0;
  for (let k = 0; k < N; k++) { mx += xs[k] / N; my += ys[k] / N; }
  let sxx = 0, syy = 0, sxy = 0;
  for (let k = 0; k < N; k++) {
    sxx += (xs[k] - mx) ** 2 / N;
    syy += (ys[k] - my) ** 2 / N;
    sxy += ((xs[k] - mx) * (ys[k] - my)) / N;
  }
  const axx = sxx + dx * dx * (smooth * smooth + 1 / 12);
  const ayy = syy + dy * dy * (smooth * smooth + 1 / 12);
  const det = axx * ayy - sxy * sxy;
  const maha = (x: number, y: number) => Math.sqrt((ayy * (x - mx) ** 2 - 2 * sxy * (x - mx) * (y - my) + axx * (y - my) ** 2) / det);
  const expectedAngle = principalAngleDeg(axx, ayy, sxy);
  // (S' turns the axis by only 0.2 deg from S's 70.7 deg here; a swapped or mirrored axis gives 19 or -71 deg.)
  for (const r of c.pairs[0].regions) {
    assert.equal(r.lines.length, 1, `${r.fraction}: one closed line`);
    const ring = r.lines[0].points;
    // The contour's Mahalanobis radius (S') should be the f-quantile of the samples' radii.
    const d = Float64Array.from({ length: N }, (_, k) => maha(xs[k], ys[k])).sort();
    const rf = d[Math.floor(r.fraction * N)];
    let sum = 0;
    let worst = 0;
    const nv = ring.length / 2 - 1;
    for (let k = 0; k < nv; k++) {
      const m = maha(ring[2 * k], ring[2 * k + 1]);
      sum += m / nv;
      worst = Math.max(worst, Math.abs(m / rf - 1));
    }
    // Tolerances from the density's Monte-Carlo noise: at the 39.3% line a bin holds ~270 samples and
    // the 1-bin kernel averages ~12 bins, so the density is good to ~2% and, as d ln(rho)/dm = -m,
    // a vertex's radius m = 1 to ~2% (its worst of ~100 vertices to ~6%); the mean over the line
    // averages that down to < 1%. The 99% line (m = 3) has ~5 samples per bin: 8% worst.
    // Measured (seed 5): mean within 0.3%, worst vertex 3.7%, 2.6%, 4.2%.
    assert.ok(Math.abs(sum / rf - 1) < 0.015, `${r.fraction}: mean Mahalanobis radius ${sum} vs ${rf}`);
    assert.ok(worst < (r.fraction > 0.95 ? 0.08 : 0.06), `${r.fraction}: worst vertex off by ${worst}`);
    const m = polygonMoments(ring);
    const angle = principalAngleDeg(m.xx, m.yy, m.xy);
    // Measured within 0.3 deg.
    assert.ok(Math.abs(angle - expectedAngle) < 0.5, `${r.fraction}: principal axis ${angle.toFixed(2)} deg vs ${expectedAngle.toFixed(2)}`);
    assert.ok(Math.abs(m.cx - mx) < 0.02 && Math.abs(m.cy - my) < 0.04, `centre ${m.cx}, ${m.cy}`);
  }
});

test('diagonal statistics are the sample quantiles; histograms count the samples in range', () => {
  const rng = new Rng(9);
  // A skewed distribution (exponential), so that mean-based shortcuts would fail.
  const rows = Array.from({ length: 20001 }, () => [-Math.log(1 - rng.uniform()), rng.normal()]);
  const c = cornerData({ samples: rows, names: ['e', 'n'] });
  for (let k = 0; k < 2; k++) {
    const col = rows.map((r) => r[k]);
    const below = (v: number) => col.filter((x) => x <= v).length / col.length;
    const st = c.stats[k];
    // Interpolated type-7 quantiles sit within one order statistic of p: |F_n(q) - p| <= 1/n.
    assert.ok(Math.abs(below(st.median) - 0.5) <= 1 / col.length, `median ${st.median}`);
    assert.ok(Math.abs(below(st.lo) - 0.16) <= 1 / col.length, `q16 ${st.lo}`);
    assert.ok(Math.abs(below(st.hi) - 0.84) <= 1 / col.length, `q84 ${st.hi}`);
    const [lo, hi] = c.ranges[k];
    const inRange = col.filter((x) => x >= lo && x <= hi).length;
    assert.equal(c.hist[k].reduce((a, b) => a + b, 0), inRange);
  }
  const exact = [...rows.map((r) => r[0])].sort((a, b) => a - b)[10000];
  assert.equal(c.stats[0].median, exact, 'odd n: the median is the middle order statistic');
  const svg = cornerSvg({ samples: rows, names: ['e', 'n'], labels: ['E (kpc)', 'N'] });
  assert.ok(svg.includes(`E (kpc) = ${formatEstimate(c.stats[0].median, c.stats[0].lo, c.stats[0].hi)}`), 'title carries the quantiles');
});

test('formatEstimate rounds to the smaller error (PDG rule)', () => {
  assert.equal(formatEstimate(0.1234, 0.0834, 0.1734), '0.12 +0.05 -0.04');
  assert.equal(formatEstimate(62.3, 58.3, 67.4), '62 +5 -4');
  assert.equal(formatEstimate(0.1234, 0.1084, 0.1414), '0.123 +0.018 -0.015');
  assert.equal(formatEstimate(5, 5, 5), '5');
});

test('the SVG size does not grow with the number of samples; truths and ranges are honoured', () => {
  const rng = new Rng(2);
  const flat = (n: number) => Float64Array.from({ length: 4 * n }, () => rng.normal());
  const names = ['beta_z', 'q_m', 'inc_deg', 'ml'];
  const count = (s: string) => (s.match(/</g) ?? []).length;
  const small = cornerSvg({ samples: flat(2000), ndim: 4, names });
  const big = cornerSvg({ samples: flat(160_000), ndim: 4, names, truths: [0.5, null, NaN, -0.5] });
  assert.ok(count(big) < 400 && count(big) < 1.3 * count(small), `${count(small)} vs ${count(big)} elements`);
  assert.ok(big.length < 120_000, `${big.length} bytes`);
  assert.equal((big.match(/stroke="#4682b4"/g) ?? []).length, 2 + 3 + 3, 'truth lines: 2 diagonals, 3 panels in column 0, 3 in row 3');
  const c = cornerData({ samples: flat(1000), ndim: 4, names, ranges: [null, [-1, 1], null, null], truths: [9, null, -9, null] });
  assert.deepEqual(c.ranges[1], [-1, 1]);
  assert.ok(c.ranges[0][1] > 9 && c.ranges[2][0] < -9, 'the range stretches to show the truth');
});

test('bad input: one-line InputErrors naming the field', () => {
  const ok = { samples: [[1, 2], [3, 4]], names: ['a', 'b'] };
  const throwsAt = (fn: () => unknown, where: RegExp) => assert.throws(fn, (e: unknown) => e instanceof InputError && where.test(e.where) && !e.message.includes('\n'));
  throwsAt(() => cornerData({ ...ok, samples: [[1, 2], [3, NaN]] }), /^samples\[1\]\[1\] \(b\)$/);
  throwsAt(() => cornerData({ ...ok, samples: [[1, 2], [3]] }), /^samples\[1\]$/);
  throwsAt(() => cornerData({ ...ok, names: ['a'] }), /^names$/);
  throwsAt(() => cornerData({ samples: [1, 2, 3], names: ['a', 'b'], ndim: 2 }), /^samples$/);
  throwsAt(() => cornerData({ samples: [1, 2, 3, 4], names: ['a', 'b'] }), /^ndim$/);
  throwsAt(() => cornerData({ ...ok, samples: [] }), /^samples$/);
  throwsAt(() => cornerData({ ...ok, ranges: [[1, 1], null] }), /^ranges\[0\]/);
  throwsAt(() => cornerData(ok, { levels: [1.2] }), /^levels\[0\]$/);
  throwsAt(() => cornerData(ok, { bins: 1 }), /^bins$/);
});
