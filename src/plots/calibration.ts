/**
 * The two figures of `jamfit validate` (SVG strings; PNG through png.ts):
 *  - rank histograms, one panel per parameter: the bars, the expected count n/B (dashed) and the
 *    per-bin binomial 99% band (grey) of Talts et al. (2018), titled with the chi^2 and KS p-values;
 *  - calibration curves: left, the coverage of central credible intervals against their
 *    credibility for each parameter (from the ranks) with the pointwise binomial 99% band around
 *    the diagonal, and the fits' own 68% / 95% intervals as points with +-1 binomial sd bars;
 *    right, the TARP expected coverage against credibility with its simultaneous 95% / 99% bands.
 * Pure string builders (svg-kit): no file is touched.
 */
import { esc, f1, linear, svgOpen, xTicks, yTicks } from './svg-kit.ts';

/** One parameter's rank histogram (the fields of src/validate/sbc.ts RankHistogram it draws). */
export interface RankPanel {
  name: string;
  counts: readonly number[];
  expected: number;
  band99: readonly [number, number];
  p_chi2: number;
  p_ks: number;
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
const fmtP = (p: number) => (p < 1e-4 ? p.toExponential(1) : p.toPrecision(2));

/** Rank histograms side by side (two per row); panels' y axes share 0..max(count, band). */
export function rankHistogramsSvg(panels: readonly RankPanel[], title: string): string {
  const cols = Math.min(2, panels.length);
  const rows = Math.ceil(panels.length / cols);
  const pw = 300;
  const ph = 200;
  const ml = 50;
  const mt = 50;
  const gapx = 40;
  const gapy = 60;
  const width = ml + cols * pw + (cols - 1) * gapx + 20;
  const height = mt + rows * ph + (rows - 1) * gapy + 45;
  let ymax = 0;
  for (const p of panels) ymax = Math.max(ymax, ...p.counts, p.band99[1]);
  ymax *= 1.08;
  let s = svgOpen(width, height);
  s += `<text x="${f1(width / 2)}" y="22" text-anchor="middle" font-size="14">${esc(title)}</text>`;
  panels.forEach((p, i) => {
    const x0 = ml + (i % cols) * (pw + gapx);
    const y0 = mt + Math.floor(i / cols) * (ph + gapy);
    const B = p.counts.length;
    const sx = linear(0, B, x0, x0 + pw);
    const sy = linear(0, ymax, y0 + ph, y0);
    s += `<g class="panel" data-name="${esc(p.name)}">`;
    s += `<rect class="band99" x="${f1(x0)}" y="${f1(sy(p.band99[1]))}" width="${pw}" height="${f1(sy(p.band99[0]) - sy(p.band99[1]))}" fill="#dddddd"/>`;
    p.counts.forEach((c, b) => {
      s += `<rect class="bar" x="${f1(sx(b) + 0.5)}" y="${f1(sy(c))}" width="${f1(sx(b + 1) - sx(b) - 1)}" height="${f1(sy(0) - sy(c))}" fill="${COLOURS[i % COLOURS.length]}" fill-opacity="0.75" data-count="${c}"/>`;
    });
    s += `<line class="expected" x1="${f1(x0)}" x2="${f1(x0 + pw)}" y1="${f1(sy(p.expected))}" y2="${f1(sy(p.expected))}" stroke="black" stroke-dasharray="5 3"/>`;
    s += `<rect x="${f1(x0)}" y="${f1(y0)}" width="${pw}" height="${ph}" fill="none" stroke="black"/>`;
    s += yTicks(0, ymax, sy, x0);
    s += `<text x="${f1(x0 + pw / 2)}" y="${f1(y0 + ph + 18)}" text-anchor="middle">rank bin (1..${B})</text>`;
    s += `<text x="${f1(x0 + pw / 2)}" y="${f1(y0 - 8)}" text-anchor="middle">${esc(`${p.name}: p(chi2) ${fmtP(p.p_chi2)}, p(KS) ${fmtP(p.p_ks)}`)}</text>`;
    s += '</g>';
  });
  s += `<text x="${f1(width / 2)}" y="${f1(height - 8)}" font-size="11" text-anchor="middle">grey: binomial 99% band of one bin; dashed: the expected count</text>`;
  return s + '</svg>';
}

export interface CoveragePanelInput {
  /** Credibility levels of the curves, 0..1. */
  levels: readonly number[];
  /** Number of simulations (sets the bands). */
  n: number;
  curves: readonly { name: string; coverage: readonly number[] }[];
  /** The fits' interval coverage: fraction and binomial sd at nominal 68% / 95%. */
  points: readonly { name: string; nominal: number; fraction: number; sd: number }[];
  tarp: { alpha: readonly number[]; ecp: readonly number[]; band95: number; band99: number; p_ks: number };
}

/** The coverage-curve and TARP panels side by side (see the module header). */
export function coverageTarpSvg(o: CoveragePanelInput, title: string): string {
  const pw = 300;
  const ml = 55;
  const mt = 50;
  const gap = 60;
  const width = ml + 2 * pw + gap + 130;
  const height = mt + pw + 60;
  let s = svgOpen(width, height);
  s += `<text x="${f1(width / 2)}" y="22" text-anchor="middle" font-size="14">${esc(title)}</text>`;
  const panel = (x0: number, xlabel: string, ylabel: string, body: (sx: (v: number) => number, sy: (v: number) => number) => string) => {
    const sx = linear(0, 1, x0, x0 + pw);
    const sy = linear(0, 1, mt + pw, mt);
    let g = body(sx, sy);
    g += `<line x1="${f1(sx(0))}" y1="${f1(sy(0))}" x2="${f1(sx(1))}" y2="${f1(sy(1))}" stroke="black" stroke-dasharray="4 3"/>`;
    g += `<rect x="${f1(x0)}" y="${mt}" width="${pw}" height="${pw}" fill="none" stroke="black"/>`;
    g += xTicks(0, 1, sx, mt + pw) + yTicks(0, 1, sy, x0);
    g += `<text x="${f1(x0 + pw / 2)}" y="${f1(mt + pw + 34)}" text-anchor="middle">${esc(xlabel)}</text>`;
    g += `<text transform="translate(${f1(x0 - 40)} ${f1(mt + pw / 2)}) rotate(-90)" text-anchor="middle">${esc(ylabel)}</text>`;
    return g;
  };
  const path = (xs: readonly number[], ys: readonly number[], sx: (v: number) => number, sy: (v: number) => number) => xs.map((x, i) => `${i ? 'L' : 'M'}${f1(sx(x))} ${f1(sy(ys[i]))}`).join('');
  // Left: pointwise binomial 99% band, 2.576 sd of a fraction with success probability = level.
  s += `<g class="coverage">`;
  s += panel(ml, 'credibility of the central interval', 'fraction of truths inside', (sx, sy) => {
    const up = o.levels.map((l) => Math.min(1, l + 2.576 * Math.sqrt((l * (1 - l)) / o.n)));
    const dn = o.levels.map((l) => Math.max(0, l - 2.576 * Math.sqrt((l * (1 - l)) / o.n)));
    let g = `<path class="band" d="${path(o.levels, up, sx, sy)}${o.levels.map((l, i) => `L${f1(sx(l))} ${f1(sy(dn[i]))}`).reverse().join('')}Z" fill="#dddddd"/>`;
    o.curves.forEach((c, i) => (g += `<path class="curve" data-name="${esc(c.name)}" d="${path(o.levels, c.coverage, sx, sy)}" fill="none" stroke="${COLOURS[i % COLOURS.length]}" stroke-width="1.5"/>`));
    o.points.forEach((p) => {
      const i = o.curves.findIndex((c) => c.name === p.name);
      const col = COLOURS[(i < 0 ? 0 : i) % COLOURS.length];
      const x = sx(p.nominal);
      g += `<line x1="${f1(x)}" x2="${f1(x)}" y1="${f1(sy(Math.max(0, p.fraction - p.sd)))}" y2="${f1(sy(Math.min(1, p.fraction + p.sd)))}" stroke="${col}"/>`;
      g += `<circle class="point" cx="${f1(x)}" cy="${f1(sy(p.fraction))}" r="3" fill="${col}"/>`;
    });
    return g;
  });
  s += '</g><g class="tarp">';
  const x1 = ml + pw + gap;
  s += panel(x1, 'credibility level alpha', 'expected coverage (TARP)', (sx, sy) => {
    let g = '';
    for (const [cls, h, fill] of [['band99', o.tarp.band99, '#e8e8e8'], ['band95', o.tarp.band95, '#cccccc']] as const) {
      const up = o.tarp.alpha.map((a) => Math.min(1, a + h));
      const dn = o.tarp.alpha.map((a) => Math.max(0, a - h));
      g += `<path class="${cls}" d="${path(o.tarp.alpha, up, sx, sy)}${o.tarp.alpha.map((a, i) => `L${f1(sx(a))} ${f1(sy(dn[i]))}`).reverse().join('')}Z" fill="${fill}"/>`;
    }
    g += `<path class="curve" d="${path(o.tarp.alpha, o.tarp.ecp, sx, sy)}" fill="none" stroke="black" stroke-width="1.5"/>`;
    g += `<text x="${f1(sx(0.04))}" y="${f1(sy(0.94))}">${esc(`KS p ${fmtP(o.tarp.p_ks)}`)}</text>`;
    return g;
  });
  s += '</g>';
  // Legend.
  const lx = x1 + pw + 15;
  o.curves.forEach((c, i) => {
    const y = mt + 10 + 18 * i;
    s += `<line x1="${lx}" x2="${lx + 20}" y1="${y}" y2="${y}" stroke="${COLOURS[i % COLOURS.length]}" stroke-width="2"/><text x="${lx + 25}" y="${y + 4}">${esc(c.name)}</text>`;
  });
  s += `<text x="${lx}" y="${mt + 18 * o.curves.length + 20}" font-size="10">dots: the fits' 68%</text><text x="${lx}" y="${mt + 18 * o.curves.length + 33}" font-size="10">and 95% intervals</text>`;
  s += `<text x="${lx}" y="${mt + 18 * o.curves.length + 50}" font-size="10">grey: 99% band</text><text x="${lx}" y="${mt + 18 * o.curves.length + 63}" font-size="10">(TARP: 95%, 99%)</text>`;
  return s + '</svg>';
}
