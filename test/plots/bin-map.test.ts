/**
 * Bin maps (src/plots/bin-map.ts): the bins' shapes, the isophotes and the colour scales.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../core/errors.ts';
import { Rng } from '../../samplers/rng.ts';
import { binShapes, isophotes, velocityPanels, vrmsMapsSvg, vrmsPanels } from '../../src/plots/bin-map.ts';
import { insideRings, polygonMoments } from './geometry-helpers.ts';

/** ~150 bins: dense in the centre, sparse outside (rings in log radius), as Voronoi binning gives. */
function syntheticBins(seed = 4): { x: number[]; y: number[] } {
  const rng = new Rng(seed);
  const x = [0];
  const y = [0];
  for (let j = 0; j < 9; j++) {
    const r = 0.9 * 1.33 ** j;
    const ph = rng.uniform() * 2 * Math.PI;
    for (let k = 0; k < 17; k++) {
      const t = ph + (2 * Math.PI * k) / 17 + 0.15 * (rng.uniform() - 0.5);
      const rr = r * (1 + 0.12 * (rng.uniform() - 0.5));
      x.push(rr * Math.cos(t));
      y.push(rr * Math.sin(t));
    }
  }
  return { x, y };
}

test('Voronoi cells: each contains its own centre, no other, and together they tile the region', () => {
  const { x, y } = syntheticBins();
  const s = binShapes({ x, y });
  assert.equal(s.kind, 'voronoi');
  let area = 0;
  const rng = new Rng(1);
  for (let i = 0; i < x.length; i++) {
    assert.equal(s.polygons[i].length, 1, `bin ${i} has one cell`);
    const cell = s.polygons[i][0];
    assert.ok(insideRings([cell], x[i], y[i]), `bin ${i}'s cell contains its centre`);
    for (let j = 0; j < x.length; j++) if (j !== i) assert.ok(!insideRings([cell], x[j], y[j]), `bin ${i}'s cell contains bin ${j}`);
    area += polygonMoments(cell).area;
    // Every point of a cell is nearer its own centre than any other (random points inside it).
    const m = polygonMoments(cell);
    for (let t = 0; t < 5; t++) {
      const px = m.cx + (rng.uniform() - 0.5) * 0.2 * Math.sqrt(m.area);
      const py = m.cy + (rng.uniform() - 0.5) * 0.2 * Math.sqrt(m.area);
      if (!insideRings([cell], px, py)) continue;
      const di = Math.hypot(px - x[i], py - y[i]);
      for (let j = 0; j < x.length; j++) assert.ok(Math.hypot(px - x[j], py - y[j]) >= di - 1e-9, `point of cell ${i} nearer bin ${j}`);
    }
  }
  // The cells tile the clip region (a convex polygon), so random points of the extent fall in at most one
  // cell, and the cells' total area equals the region's: compare with a Monte-Carlo area of their union.
  const [x0, x1, y0, y1] = s.extent;
  let inAny = 0;
  const M = 20000;
  for (let t = 0; t < M; t++) {
    const px = x0 + rng.uniform() * (x1 - x0);
    const py = y0 + rng.uniform() * (y1 - y0);
    let hits = 0;
    for (const c of s.polygons) if (insideRings([c[0]], px, py)) hits++;
    assert.ok(hits <= 1, 'cells overlap');
    inAny += hits;
  }
  const unionArea = (inAny / M) * (x1 - x0) * (y1 - y0);
  const p = inAny / M;
  // Binomial sd of the Monte-Carlo area: sqrt(p(1-p)/M) of the box; 4 sd.
  assert.ok(Math.abs(unionArea - area) < 4 * Math.sqrt((p * (1 - p)) / M) * (x1 - x0) * (y1 - y0), `sum of cells ${area} vs union ${unionArea}`);
  // The outer bins keep a cell on the outside of their centre (the region is the hull of discs
  // of half their nearest-neighbour distance), so the extent reaches past the outermost centres.
  assert.ok(x1 > Math.max(...x) && x0 < Math.min(...x) && y1 > Math.max(...y) && y0 < Math.min(...y));
});

test('spaxel bins: each bin is its spaxels, squares of the pixel size, rotated by pixelAngleDeg', () => {
  // 3 bins on a 4 x 3 grid of 0.5" spaxels, the grid rotated by 30 degrees.
  const a = (30 * Math.PI) / 180;
  const px: number[] = [];
  const py: number[] = [];
  const bin: number[] = [];
  for (let j = 0; j < 3; j++) {
    for (let i = 0; i < 4; i++) {
      const u = (i - 1.5) * 0.5;
      const w = (j - 1) * 0.5;
      px.push(u * Math.cos(a) - w * Math.sin(a));
      py.push(u * Math.sin(a) + w * Math.cos(a));
      bin.push(i < 2 ? 0 : j === 0 ? 1 : 2);
    }
  }
  const s = binShapes({ x: [0, 1, 1], y: [0, 0, 0.5], pixels: { x: px, y: py, bin, pixsize: 0.5 }, pixelAngleDeg: 30 });
  assert.equal(s.kind, 'pixels');
  assert.deepEqual(s.polygons.map((p) => p.length), [6, 2, 4]);
  for (let k = 0; k < px.length; k++) {
    const own = s.polygons[bin[k]];
    assert.ok(insideRings(own, px[k], py[k]), `spaxel ${k} inside its bin`);
    for (let b = 0; b < 3; b++) if (b !== bin[k]) assert.ok(!insideRings(s.polygons[b], px[k], py[k]), `spaxel ${k} inside bin ${b}`);
  }
  for (const poly of s.polygons.flat()) {
    const m = polygonMoments(poly);
    assert.ok(Math.abs(m.area - 0.25) < 1e-12, `area ${m.area}`);
    // A square's first edge is along the grid's x axis.
    assert.ok(Math.abs(Math.atan2(poly[3] - poly[1], poly[2] - poly[0]) - a) < 1e-12, 'edge angle');
  }
});

test('isophotes of a round Gaussian are circles at r = sigma sqrt(0.8 k ln 10) for 1-mag steps', () => {
  const sigma = 3;
  const iso = isophotes({ surf: [100], sigma: [sigma], qobs: [1] }, [-12, 12, -12, 12]);
  // The box's corners (r = 12 sqrt 2) are 16 log10(e)/0.4 = 17.4 mag down: isophotes 1..17 mag,
  // full circles while r < 12 (1..8 mag), arcs in the corners beyond.
  assert.deepEqual(iso.map((i) => i.mag), Array.from({ length: 17 }, (_, k) => k + 1));
  for (const is of iso) {
    assert.ok(Math.abs(is.level / (100 * 10 ** (-0.4 * is.mag)) - 1) < 1e-12);
    const r = sigma * Math.sqrt(0.8 * is.mag * Math.LN10);
    assert.equal(is.lines.length, r < 12 ? 1 : 4, `${is.mag} mag: ${is.lines.length} lines`);
    assert.ok(is.lines.every((l) => l.closed === r < 12), `${is.mag} mag closed iff inside the box`);
    const p = Float64Array.from(is.lines.flatMap((l) => Array.from(l.points)));
    // Linear interpolation along a cell edge (h = 24/199) misplaces the crossing radially by at most
    // h^2/8 max|f_tt|/|grad f|, f_tt the second derivative along the edge: for this Gaussian
    // max(1, |r^2/sigma^2 - 1|)/r (<= 0.005" here).
    const h = 24 / 199;
    const tol = (((h * h) / 8) * Math.max(1, Math.abs((r * r) / (sigma * sigma) - 1))) / r;
    for (let k = 0; k < p.length; k += 2) assert.ok(Math.abs(Math.hypot(p[k], p[k + 1]) - r) <= tol, `${is.mag} mag: radius ${Math.hypot(p[k], p[k + 1])} vs ${r}`);
  }
  // A flattened Gaussian: the isophote's axis ratio is q.
  const flat = isophotes({ surf: [100], sigma: [sigma], qobs: [0.6] }, [-12, 12, -12, 12]);
  const m = polygonMoments(flat[2].lines[0].points);
  assert.ok(Math.abs(Math.sqrt(m.yy / m.xx) - 0.6) < 2e-3, `axis ratio ${Math.sqrt(m.yy / m.xx)}`);
});

test('residual scale is symmetric and the residual is (data - model)/err; data and model share a scale', () => {
  const { x, y } = syntheticBins();
  const n = x.length;
  const rng = new Rng(3);
  const model = x.map((a, i) => 200 - 3 * Math.hypot(a, y[i]));
  const err = model.map(() => 5 + rng.uniform());
  const vrms = model.map((m, i) => m + 30 + err[i] * rng.normal()); // biased high: an asymmetric residual
  // Masked outliers must not stretch the scale: 5 of 154 bins, more than the 1% the quantile range drops.
  const bad = [7, 20, 33, 46, 59];
  const good = x.map((_, i) => (bad.includes(i) ? 0 : 1));
  for (const i of bad) vrms[i] = 1e4;
  const panels = vrmsPanels({ x, y, vrms, vrmsErr: err, good }, model);
  assert.deepEqual(panels[2].range, [-3, 3]);
  assert.equal(panels[2].cmap, 'diverging');
  for (let i = 0; i < n; i++) assert.ok(Math.abs(panels[2].values[i] - (vrms[i] - model[i]) / err[i]) < 1e-9 * Math.abs(panels[2].values[i]) + 1e-12);
  assert.deepEqual(panels[0].range, panels[1].range);
  assert.ok(panels[0].range[1] < 400, `masked outlier excluded: ${panels[0].range}`);
  assert.deepEqual(vrmsPanels({ x, y, vrms, vrmsErr: err }, model, { residualRange: 5 })[2].range, [-5, 5]);
  // V on a symmetric diverging scale even for a V field that is mostly positive.
  const v = x.map((a) => 50 + 20 * a);
  const vp = velocityPanels({ x, y, v, sigma: model });
  assert.equal(vp[0].range[0], -vp[0].range[1]);
  assert.ok(vp[0].range[1] > 50);
  for (let i = 0; i < n; i++) assert.ok(Math.abs(vp[2].values[i] - Math.hypot(v[i], model[i])) < 1e-9, 'V_rms = hypot(V, sigma)');
  // The SVG: one path per bin (reused by the 3 panels), masked bins grey in every panel.
  const svg = vrmsMapsSvg({ x, y, vrms, vrmsErr: err, good }, model, { mge: { surf: [1000], sigma: [3], qobs: [0.7] } });
  assert.equal((svg.match(/<path id="b/g) ?? []).length, n);
  assert.equal((svg.match(/<use href="#b7" fill="#dddddd"/g) ?? []).length, 3);
  assert.equal((svg.match(/<use href="#iso"/g) ?? []).length, 3);
});

test('bad input: one-line InputErrors naming the field', () => {
  const x = [0, 1, 2];
  const y = [0, 1, 0];
  const v = [1, 2, 3];
  const throwsAt = (fn: () => unknown, where: RegExp) => assert.throws(fn, (e: unknown) => e instanceof InputError && where.test(e.where) && !e.message.includes('\n'));
  throwsAt(() => vrmsPanels({ x, y, vrms: v, vrmsErr: [1, 0, 1] }, v), /^bins\.vrmsErr\[1\]$/);
  throwsAt(() => vrmsPanels({ x, y, vrms: v, vrmsErr: v }, [1, 2]), /^model$/);
  throwsAt(() => binShapes({ x, y: [0, 1] }), /^bins\.y$/);
  throwsAt(() => binShapes({ x: [0, NaN], y: [0, 1] }), /^bins\[1\]$/);
  throwsAt(() => binShapes({ x: [], y: [] }), /^bins\.x$/);
  throwsAt(() => binShapes({ x, y, pixels: { x: [0], y: [0], bin: [3], pixsize: 1 } }), /^bins\.pixels\.bin\[0\]$/);
  throwsAt(() => binShapes({ x, y, pixels: { x: [0], y: [0], bin: [0], pixsize: 0 } }), /^bins\.pixels\.pixsize$/);
  throwsAt(() => vrmsMapsSvg({ x, y, vrms: v, vrmsErr: v }, v, { vrange: [5, 5] }), /range$/);
});
