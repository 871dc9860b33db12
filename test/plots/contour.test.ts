/**
 * Marching squares (src/plots/contour.ts) on analytic fields whose level sets are known exactly.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contourLines, padGrid, type Grid } from '../../src/plots/contour.ts';
import { polygonMoments } from './geometry-helpers.ts';

function sampleGrid(f: (x: number, y: number) => number, lo: number, hi: number, h: number): Grid {
  const n = Math.round((hi - lo) / h) + 1;
  const values = new Float64Array(n * n);
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) values[j * n + i] = f(lo + i * h, lo + j * h);
  return { values, nx: n, ny: n, x0: lo, y0: lo, dx: h, dy: h };
}

test('a round Gaussian gives one closed circle of the analytic radius', () => {
  const h = 0.05;
  const g = sampleGrid((x, y) => Math.exp(-(x * x + y * y) / 2), -3, 3, h);
  for (const r of [0.7, 1.5, 2.4]) {
    const lines = contourLines(g, Math.exp(-(r * r) / 2));
    assert.equal(lines.length, 1, `r = ${r}: ${lines.length} lines`);
    assert.ok(lines[0].closed);
    const p = lines[0].points;
    // Crossings come from linear interpolation along a cell edge; the radial error is at most
    // h^2/8 max|f_tt|/|grad f| (f_tt: second derivative along the edge) = h^2/8 max(1, |r^2 - 1|)/r
    // (<= 6.2e-4 here), so 1e-3 leaves room and still catches any interpolation slip (taking the
    // nearer node is off by up to h/2 = 0.025).
    let worst = 0;
    for (let k = 0; k < p.length; k += 2) worst = Math.max(worst, Math.abs(Math.hypot(p[k], p[k + 1]) - r));
    assert.ok(worst < 1e-3, `r = ${r}: worst radius error ${worst}`);
    // Area: chords between vertices <= h sqrt(2) apart lose < h^2/(3 r^2) of it, and the radius
    // error above changes it by up to 2 dr/r.
    const m = polygonMoments(p);
    const tol = (h * h) / (3 * r * r) + (2 * ((h * h) / 8) * Math.max(1, Math.abs(r * r - 1))) / (r * r);
    assert.ok(Math.abs(m.area / (Math.PI * r * r) - 1) < tol, `area ${m.area} vs ${Math.PI * r * r} (tol ${tol})`);
    assert.ok(Math.hypot(m.cx, m.cy) < 1e-9, 'centred');
  }
});

test('two separated peaks: two closed lines above the saddle, one around both below it', () => {
  const f = (x: number, y: number) => Math.exp(-((x - 1.2) ** 2 + y * y) / 0.5) + Math.exp(-((x + 1.2) ** 2 + y * y) / 0.5);
  const g = sampleGrid(f, -3, 3, 0.04);
  const saddle = f(0, 0);
  const hi = contourLines(g, saddle * 1.5);
  assert.equal(hi.length, 2);
  assert.ok(hi.every((l) => l.closed));
  // each ring centred on its peak
  const cx = hi.map((l) => polygonMoments(l.points).cx).sort((a, b) => a - b);
  assert.ok(Math.abs(cx[0] + 1.2) < 0.01 && Math.abs(cx[1] - 1.2) < 0.01, `centres ${cx}`);
  const lo = contourLines(g, saddle * 0.6);
  assert.equal(lo.length, 1);
  assert.ok(lo[0].closed);
});

test('saddle cells follow the cell-centre value (both diagonals)', () => {
  // One cell, corners a=(0,0)=1, b=(1,0)=0, c=(1,1)=1, d=(0,1)=0: centre value 0.5.
  const g: Grid = { values: [1, 0, 0, 1].map(Number), nx: 2, ny: 2, x0: 0, y0: 0, dx: 1, dy: 1 };
  // values row-major: (0,0)=1, (1,0)=0, (0,1)=0, (1,1)=1.
  const segsAt = (level: number) => contourLines(g, level).map((l) => Array.from(l.points));
  // level 0.4 < centre: a and c are joined, so the lines cut off the low corners b=(1,0) and d=(0,1).
  const low = segsAt(0.4);
  assert.equal(low.length, 2);
  const mids = low.map((s) => [(s[0] + s[2]) / 2, (s[1] + s[3]) / 2]).sort((u, v) => u[0] - v[0]);
  assert.ok(mids[0][0] < 0.5 && mids[0][1] > 0.5, `first segment near d: ${mids[0]}`);
  assert.ok(mids[1][0] > 0.5 && mids[1][1] < 0.5, `second segment near b: ${mids[1]}`);
  // level 0.6 > centre: a and c are separate islands: segments near a=(0,0) and c=(1,1).
  const high = segsAt(0.6).map((s) => [(s[0] + s[2]) / 2, (s[1] + s[3]) / 2]).sort((u, v) => u[0] - v[0]);
  assert.ok(high[0][0] < 0.5 && high[0][1] < 0.5, `near a: ${high[0]}`);
  assert.ok(high[1][0] > 0.5 && high[1][1] > 0.5, `near c: ${high[1]}`);
});

test('a plane gives one open straight line across the grid; padding closes it', () => {
  const g = sampleGrid((x) => x, -1, 1, 0.1);
  const lines = contourLines(g, 0.33);
  assert.equal(lines.length, 1);
  assert.equal(lines[0].closed, false);
  const p = lines[0].points;
  for (let k = 0; k < p.length; k += 2) assert.ok(Math.abs(p[k] - 0.33) < 1e-12, `x = ${p[k]}`);
  const ys = Array.from({ length: p.length / 2 }, (_, k) => p[2 * k + 1]);
  assert.ok(Math.abs(Math.min(...ys) + 1) < 1e-12 && Math.abs(Math.max(...ys) - 1) < 1e-12, 'spans the grid');
  const closed = contourLines(padGrid(g, -10), 0.33);
  assert.equal(closed.length, 1);
  assert.ok(closed[0].closed);
});

test('NaN cells are skipped; a NaN level or a 1-row grid gives no lines', () => {
  const g = sampleGrid((x, y) => x * x + y * y, -1, 1, 0.1);
  (g.values as Float64Array)[10 * 21 + 10] = NaN;
  assert.ok(contourLines(g, 0.5).length >= 1);
  assert.deepEqual(contourLines(g, NaN), []);
  assert.deepEqual(contourLines({ values: [1, 2, 3], nx: 3, ny: 1, x0: 0, y0: 0, dx: 1, dy: 1 }, 1.5), []);
});
