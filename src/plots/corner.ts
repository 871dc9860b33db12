/**
 * Corner plot of posterior samples (the layout of Foreman-Mackey's corner.py, drawn here by hand):
 * 1-D histograms on the diagonal with the median and the 16/84% quantiles dashed and a title
 * "label = median +(q84 - median) -(median - q16)"; below the diagonal, 2-D densities as grey
 * filled regions and black contour lines; truth lines and markers when given; every column
 * shares its x range, every row below the diagonal its y range.
 *
 * Contour convention (corner.py's, stated in the plot's <desc>): the lines enclose
 * 1 - exp(-1/2) = 39.3% and 1 - exp(-2) = 86.5% of the samples, which for a 2-D Gaussian are the
 * 1- and 2-sigma ellipses (Mahalanobis radius 1 and 2). They are NOT the 68/95% regions of either
 * parameter alone; a 68% 2-D region would be the 1.52-sigma ellipse. The grey shading adds a 99%
 * region (lightest) to show the tails without drawing points.
 * Each region is {smoothed density >= level}, the density a 2-D histogram Gaussian-smoothed by
 * `smooth` bins, the level taken from the samples so that the region holds the stated fraction of
 * them (density2d.ts says why); lines come from marching squares (contour.ts).
 *
 * Cost: sorting each parameter once plus, per pair, one histogram pass and one sort of the
 * per-sample densities: 160,000 samples x 4 parameters take ~0.2 s. The SVG has a fixed number
 * of elements per panel (a handful of paths), independent of the number of samples.
 */
import { InputError } from '../../core/errors.ts';
import { quantile } from '../../samplers/diagnostics/rank.ts';
import { contourLines, padGrid, type ContourLine, type Grid } from './contour.ts';
import { gaussianSmooth, histogram1d, histogram2d, massLevels } from './density2d.ts';
import { esc, f1, linear, linesPath, svgOpen, xTicks, yTicks } from './svg-kit.ts';

export interface CornerInput {
  /**
   * Samples: rows of `ndim` numbers (number[][]), or flat row-major (sample-major) with `ndim`
   * given, as emcee's flat chain. Every value finite.
   */
  readonly samples: ArrayLike<number> | readonly ArrayLike<number>[];
  /** Number of parameters; required with flat samples, checked against rows otherwise. */
  readonly ndim?: number;
  /** Parameter identifiers (e.g. "beta_z"), one per dimension. */
  readonly names: readonly string[];
  /** Display labels without LaTeX (e.g. "i (deg)"); default the names. */
  readonly labels?: readonly string[];
  /** True values (mock fits); null/undefined or NaN for none. */
  readonly truths?: readonly (number | null | undefined)[];
  /** Axis range per parameter [lo, hi] (lo < hi); null/undefined = automatic (see CornerOptions). */
  readonly ranges?: readonly (readonly [number, number] | null | undefined)[];
}

export interface CornerOptions {
  /** Histogram bins of the diagonal panels (>= 2); default 40. */
  readonly bins?: number;
  /** Bins per axis of the 2-D histograms (>= 4); default 40. */
  readonly bins2d?: number;
  /** Gaussian smoothing of the 2-D histograms, in bins (>= 0); default 1.5. */
  readonly smooth?: number;
  /** Fractions enclosed by the contour lines, each in (0, 1); default [0.393, 0.865] (1 - exp(-k^2/2), k = 1, 2). */
  readonly levels?: readonly number[];
  /** Fractions of the grey filled regions; default [0.99, ...levels]. */
  readonly shade?: readonly number[];
  /** Quantiles of the title and dashed lines: [lo, mid, hi]; default [0.16, 0.5, 0.84]. */
  readonly quantiles?: readonly [number, number, number];
  /** Side of each panel in px; default 150. */
  readonly panelSize?: number;
  /** A title above the plot (e.g. the galaxy). */
  readonly title?: string;
}

export interface ParameterStats {
  readonly median: number;
  /** The lower and upper quantiles (default 16% and 84%). */
  readonly lo: number;
  readonly hi: number;
}

export interface CornerPair {
  /** Column (x) and row (y) parameter indices, ix < iy. */
  readonly ix: number;
  readonly iy: number;
  /** The smoothed 2-D histogram (counts per bin), nodes at bin centres. */
  readonly density: Grid;
  /** One entry per fraction of levels and shade (sorted by fraction, largest first). */
  readonly regions: readonly { fraction: number; level: number; lines: ContourLine[] }[];
}

export interface CornerData {
  readonly ndim: number;
  readonly nsamples: number;
  readonly labels: readonly string[];
  readonly truths: readonly number[];
  readonly ranges: readonly (readonly [number, number])[];
  readonly quantiles: readonly [number, number, number];
  readonly stats: readonly ParameterStats[];
  /** Diagonal histograms: counts in equal bins over ranges[k]. */
  readonly hist: readonly Float64Array[];
  readonly pairs: readonly CornerPair[];
  readonly levels: readonly number[];
  readonly shade: readonly number[];
}

const LEVELS = [1 - Math.exp(-0.5), 1 - Math.exp(-2)];

/** Splits the samples into one Float64Array per parameter, checking shapes and values. */
function columns(input: CornerInput): Float64Array[] {
  const s = input.samples as ArrayLike<unknown>;
  if (!s || typeof s.length !== 'number' || s.length === 0) throw new InputError('samples', 'is empty; give at least one sample');
  const rows = typeof s[0] === 'object' && s[0] !== null;
  const ndim = input.ndim ?? (rows ? (s[0] as ArrayLike<number>).length : NaN);
  if (!(Number.isInteger(ndim) && ndim >= 1)) throw new InputError('ndim', `is ${input.ndim}; give the number of parameters (flat samples need it)`);
  if (input.names.length !== ndim) throw new InputError('names', `has ${input.names.length} names for ${ndim} parameters; give one per parameter`);
  const n = rows ? s.length : s.length / ndim;
  if (!Number.isInteger(n)) throw new InputError('samples', `has ${s.length} values, not a multiple of ndim = ${ndim}`);
  const cols = Array.from({ length: ndim }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    const row = rows ? (s[i] as ArrayLike<number>) : null;
    if (row && row.length !== ndim) throw new InputError(`samples[${i}]`, `has ${row.length} values; every sample needs ${ndim}`);
    for (let k = 0; k < ndim; k++) {
      const v = row ? row[k] : (s as ArrayLike<number>)[i * ndim + k];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(`samples[${i}][${k}] (${input.names[k]})`, `is ${v}; every sample must be finite (drop or fix the bad rows)`);
      cols[k][i] = v;
    }
  }
  return cols;
}

function checkFraction(f: number, where: string): void {
  if (!(f > 0 && f < 1)) throw new InputError(where, `is ${f}; give fractions in (0, 1)`);
}

/**
 * The numbers behind the corner plot (histograms, quantiles, density contours), for tests and
 * for callers that want them without drawing. Throws InputError on bad shapes, non-finite
 * samples, bad ranges or options. Default range of a parameter: its 0.05%..99.95% sample
 * quantiles widened by 5% on each side (so a few stray samples do not squash the plot), widened
 * further to show the truth; a parameter with no spread gets +-0.5 (or +-1e-3 |value|) around it.
 */
export function cornerData(input: CornerInput, opts: CornerOptions = {}): CornerData {
  const cols = columns(input);
  const ndim = cols.length;
  const n = cols[0].length;
  const bins = opts.bins ?? 40;
  const bins2d = opts.bins2d ?? 40;
  const smooth = opts.smooth ?? 1.5;
  if (!(Number.isInteger(bins) && bins >= 2)) throw new InputError('bins', `is ${bins}; give an integer >= 2`);
  if (!(Number.isInteger(bins2d) && bins2d >= 4)) throw new InputError('bins2d', `is ${bins2d}; give an integer >= 4`);
  if (!(smooth >= 0)) throw new InputError('smooth', `is ${smooth}; give a smoothing in bins >= 0`);
  const levels = [...(opts.levels ?? LEVELS)];
  levels.forEach((f, k) => checkFraction(f, `levels[${k}]`));
  const shade = [...(opts.shade ?? [0.99, ...levels])];
  shade.forEach((f, k) => checkFraction(f, `shade[${k}]`));
  const qs = opts.quantiles ?? [0.16, 0.5, 0.84];
  qs.forEach((f, k) => checkFraction(f, `quantiles[${k}]`));
  if (!(qs[0] < qs[1] && qs[1] < qs[2])) throw new InputError('quantiles', `are ${qs.join(', ')}; give [lo, mid, hi] increasing`);
  const labels = input.labels ?? input.names;
  if (labels.length !== ndim) throw new InputError('labels', `has ${labels.length} labels for ${ndim} parameters`);
  const truths = Array.from({ length: ndim }, (_, k) => {
    const t = input.truths?.[k];
    return typeof t === 'number' && Number.isFinite(t) ? t : NaN;
  });
  if (input.truths && input.truths.length !== ndim) throw new InputError('truths', `has ${input.truths.length} values for ${ndim} parameters`);
  if (input.ranges && input.ranges.length !== ndim) throw new InputError('ranges', `has ${input.ranges.length} entries for ${ndim} parameters`);

  const stats: ParameterStats[] = [];
  const ranges: [number, number][] = [];
  for (let k = 0; k < ndim; k++) {
    const sorted = Float64Array.from(cols[k]).sort();
    stats.push({ median: quantile(sorted, qs[1]), lo: quantile(sorted, qs[0]), hi: quantile(sorted, qs[2]) });
    const given = input.ranges?.[k];
    if (given) {
      if (!(Number.isFinite(given[0]) && Number.isFinite(given[1]) && given[0] < given[1])) {
        throw new InputError(`ranges[${k}] (${input.names[k]})`, `is [${given[0]}, ${given[1]}]; give [lo, hi] with lo < hi`);
      }
      ranges.push([given[0], given[1]]);
      continue;
    }
    let lo = quantile(sorted, 0.0005);
    let hi = quantile(sorted, 0.9995);
    if (Number.isFinite(truths[k])) {
      lo = Math.min(lo, truths[k]);
      hi = Math.max(hi, truths[k]);
    }
    if (hi - lo <= 1e-12 * Math.max(1, Math.abs(lo))) {
      const h = lo === 0 ? 0.5 : Math.max(1e-3 * Math.abs(lo), 1e-12);
      ranges.push([lo - h, hi + h]);
    } else {
      const pad = 0.05 * (hi - lo);
      ranges.push([lo - pad, hi + pad]);
    }
  }
  const hist = cols.map((c, k) => histogram1d(c, ranges[k][0], ranges[k][1], bins));
  const fractions = [...new Set([...shade, ...levels])].sort((a, b) => b - a);
  const pairs: CornerPair[] = [];
  for (let iy = 1; iy < ndim; iy++) {
    for (let ix = 0; ix < iy; ix++) {
      const density = gaussianSmooth(histogram2d(cols[ix], cols[iy], ranges[ix], ranges[iy], bins2d, bins2d), smooth);
      const lv = massLevels(density, cols[ix], cols[iy], fractions);
      // Zero-padded so every region closes inside the padded grid (a filled region needs a closed outline).
      const padded = padGrid(density, 0);
      const regions = fractions.map((fraction, k) => ({ fraction, level: lv[k], lines: lv[k] > 0 ? contourLines(padded, lv[k]) : [] }));
      pairs.push({ ix, iy, density, regions });
    }
  }
  return { ndim, nsamples: n, labels, truths, ranges, quantiles: qs, stats, hist, pairs, levels, shade };
}

/**
 * "median +up -down" with the precision set by the smaller error: two significant digits when
 * its leading digits are below 35, else one (the Particle Data Group's rounding rule), so
 * 0.12 +0.05 -0.04 and 62 +5 -4 but 0.123 +0.018 -0.015. Non-finite or zero errors: 3 significant digits.
 */
export function formatEstimate(median: number, lo: number, hi: number): string {
  const up = hi - median;
  const down = median - lo;
  const e = Math.min(up, down);
  if (!(e > 0) || !Number.isFinite(e)) return `${Number(median.toPrecision(3))}`;
  const p = Math.floor(Math.log10(e));
  const lead = e / 10 ** (p - 1);
  const sig = lead < 35 ? 2 : 1;
  const d = Math.max(0, sig - 1 - p);
  return `${median.toFixed(d)} +${up.toFixed(d)} -${down.toFixed(d)}`;
}

/** Grey of each filled region, outermost (largest fraction) lightest. */
function shadeColour(rank: number, count: number): string {
  const g = Math.round(0xe8 - ((0xe8 - 0x80) * (rank + 1)) / count);
  return `#${g.toString(16).padStart(2, '0').repeat(3)}`;
}

const TRUTH = '#4682b4';

/** The corner plot as an SVG string (see the module comment). Throws as cornerData does. */
export function cornerSvg(input: CornerInput, opts: CornerOptions = {}): string {
  return renderCorner(cornerData(input, opts), opts);
}

/** Draws precomputed corner data (cornerData's result). */
export function renderCorner(c: CornerData, opts: CornerOptions = {}): string {
  const P = opts.panelSize ?? 150;
  const gap = Math.round(P * 0.05);
  const ml = 64;
  const mt = opts.title ? 52 : 30;
  const mb = 52;
  const mr = 12;
  const W = ml + c.ndim * P + (c.ndim - 1) * gap + mr;
  const H = mt + c.ndim * P + (c.ndim - 1) * gap + mb;
  const px = (k: number) => ml + k * (P + gap);
  const py = (k: number) => mt + k * (P + gap);
  const shadeSet = new Set(c.shade);
  const lineSet = new Set(c.levels);
  const pct = (f: number) => `${(100 * f).toFixed(1)}%`;
  const parts: string[] = [svgOpen(W, H, 11)];
  parts.push(
    `<desc>Corner plot of ${c.nsamples} samples. Diagonal: histograms, dashed lines at the ${pct(c.quantiles[0])}, ${pct(c.quantiles[1])} and ${pct(c.quantiles[2])} quantiles. ` +
      `Lower panels: contour lines enclosing ${c.levels.map(pct).join(', ')} of the samples (for a 2-D Gaussian ${c.levels.map((f) => `${Math.sqrt(-2 * Math.log(1 - f)).toFixed(2)}-sigma`).join(', ')} ellipses); grey regions enclose ${c.shade.map(pct).join(', ')}.</desc>`,
  );
  if (opts.title) parts.push(`<text x="${f1(W / 2)}" y="20" text-anchor="middle" font-size="14">${esc(opts.title)}</text>`);
  for (let k = 0; k < c.ndim; k++) {
    // Diagonal: histogram as one step path.
    const [lo, hi] = c.ranges[k];
    const x0 = px(k);
    const y0 = py(k);
    const h = c.hist[k];
    let hmax = 0;
    for (const v of h) hmax = Math.max(hmax, v);
    const sx = linear(lo, hi, x0, x0 + P);
    const sy = linear(0, hmax > 0 ? 1.1 * hmax : 1, y0 + P, y0);
    let d = `M${f1(x0)} ${f1(y0 + P)}`;
    for (let b = 0; b < h.length; b++) d += `V${f1(sy(h[b]))}H${f1(x0 + ((b + 1) * P) / h.length)}`;
    d += `V${f1(y0 + P)}`;
    parts.push(`<g><rect x="${x0}" y="${y0}" width="${P}" height="${P}" fill="none" stroke="black"/>`);
    parts.push(`<path d="${d}" fill="none" stroke="black" stroke-width="1.2"/>`);
    const st = c.stats[k];
    for (const q of [st.lo, st.median, st.hi]) {
      if (q >= lo && q <= hi) parts.push(`<line x1="${f1(sx(q))}" y1="${y0}" x2="${f1(sx(q))}" y2="${y0 + P}" stroke="black" stroke-dasharray="4 3"/>`);
    }
    if (Number.isFinite(c.truths[k])) parts.push(`<line x1="${f1(sx(c.truths[k]))}" y1="${y0}" x2="${f1(sx(c.truths[k]))}" y2="${y0 + P}" stroke="${TRUTH}" stroke-width="1.5"/>`);
    // The title sits in the empty panel above; a long one is set smaller to stay within the
    // column (its width estimated at 0.6 em per character).
    const title = `${c.labels[k]} = ${formatEstimate(st.median, st.lo, st.hi)}`;
    const size = Math.min(11, Math.max(7, P / (0.6 * title.length)));
    parts.push(`<text x="${f1(x0 + P / 2)}" y="${y0 - 6}" text-anchor="middle"${size < 11 ? ` font-size="${f1(size)}"` : ''}>${esc(title)}</text>`);
    parts.push(xTicks(lo, hi, sx, y0 + P, { count: 3, labels: k === c.ndim - 1, inset: 0.04 }));
    parts.push('</g>');
  }
  for (const p of c.pairs) {
    const [xlo, xhi] = c.ranges[p.ix];
    const [ylo, yhi] = c.ranges[p.iy];
    const x0 = px(p.ix);
    const y0 = py(p.iy);
    const sx = linear(xlo, xhi, x0, x0 + P);
    const sy = linear(ylo, yhi, y0 + P, y0);
    const id = `c${p.ix}_${p.iy}`;
    parts.push(`<g><clipPath id="${id}"><rect x="${x0}" y="${y0}" width="${P}" height="${P}"/></clipPath><g clip-path="url(#${id})">`);
    const shaded = p.regions.filter((r) => shadeSet.has(r.fraction));
    shaded.forEach((r, rank) => {
      const d = linesPath(r.lines, sx, sy);
      if (d) parts.push(`<path d="${d}" fill="${shadeColour(rank, shaded.length)}" fill-rule="evenodd" stroke="none"/>`);
    });
    for (const r of p.regions) {
      if (!lineSet.has(r.fraction)) continue;
      const d = linesPath(r.lines, sx, sy);
      if (d) parts.push(`<path d="${d}" fill="none" stroke="black" stroke-width="1"/>`);
    }
    const tx = c.truths[p.ix];
    const ty = c.truths[p.iy];
    if (Number.isFinite(tx)) parts.push(`<line x1="${f1(sx(tx))}" y1="${y0}" x2="${f1(sx(tx))}" y2="${y0 + P}" stroke="${TRUTH}" stroke-width="1.5"/>`);
    if (Number.isFinite(ty)) parts.push(`<line x1="${x0}" y1="${f1(sy(ty))}" x2="${x0 + P}" y2="${f1(sy(ty))}" stroke="${TRUTH}" stroke-width="1.5"/>`);
    if (Number.isFinite(tx) && Number.isFinite(ty)) parts.push(`<rect x="${f1(sx(tx) - 3)}" y="${f1(sy(ty) - 3)}" width="6" height="6" fill="${TRUTH}"/>`);
    parts.push('</g>');
    parts.push(`<rect x="${x0}" y="${y0}" width="${P}" height="${P}" fill="none" stroke="black"/>`);
    parts.push(xTicks(xlo, xhi, sx, y0 + P, { count: 3, labels: p.iy === c.ndim - 1, inset: 0.04 }));
    parts.push(yTicks(ylo, yhi, sy, x0, { count: 3, labels: p.ix === 0 }));
    parts.push('</g>');
  }
  for (let k = 0; k < c.ndim; k++) {
    parts.push(`<text x="${f1(px(k) + P / 2)}" y="${H - 10}" text-anchor="middle" font-size="13">${esc(c.labels[k])}</text>`);
    if (k > 0) parts.push(`<text transform="translate(14 ${f1(py(k) + P / 2)}) rotate(-90)" text-anchor="middle" font-size="13">${esc(c.labels[k])}</text>`);
  }
  parts.push('</svg>');
  return parts.join('\n');
}
