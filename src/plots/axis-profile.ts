/**
 * Profiles along the major and minor axes (SVG), the posterior predictive check of a fit: the
 * bins inside a slit of full width `slitWidth` centred on each axis (|y| <= w/2 for the major
 * axis, |x| <= w/2 for the minor, galaxy frame, arcsec), their data with 1-sigma error bars, and
 * the model across posterior draws as a band (16-84% by default) with its median, against the
 * signed position along the axis. The centre's bins appear in both panels.
 * Pure: numbers in, an SVG string out.
 */
import { InputError } from '../../core/errors.ts';
import { quantile } from '../../samplers/diagnostics/rank.ts';
import { esc, f1, linear, svgOpen, xTicks, yTicks } from './svg-kit.ts';

export interface AxisProfileInput {
  /** Bin centres, arcsec, galaxy frame (x on the major axis). */
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  /** Observed value per bin (e.g. V_rms, km/s) and its 1-sigma error (> 0). */
  readonly data: ArrayLike<number>;
  readonly err: ArrayLike<number>;
  /** Model values per bin for each posterior draw (>= 1 draws, each one value per bin). */
  readonly models: readonly ArrayLike<number>[];
  /** Full slit width, arcsec (> 0). */
  readonly slitWidth: number;
  /** 1 = use, 0 = masked (left out); default all. */
  readonly good?: ArrayLike<number>;
}

export interface AxisProfile {
  readonly axis: 'major' | 'minor';
  /** Indices of the bins in the slit, sorted by `coord`. */
  readonly index: Int32Array;
  /** Signed position along the axis (x for the major axis, y for the minor), arcsec. */
  readonly coord: Float64Array;
  readonly data: Float64Array;
  readonly err: Float64Array;
  /** The model's quantiles over the draws at each bin (default 16/50/84%). */
  readonly lo: Float64Array;
  readonly median: Float64Array;
  readonly hi: Float64Array;
}

function checkInput(p: AxisProfileInput): void {
  const n = p.x.length;
  if (n === 0) throw new InputError('bins.x', 'no bins; give at least one');
  for (const [name, a] of [['bins.y', p.y], ['data', p.data], ['err', p.err]] as const) {
    if (a.length !== n) throw new InputError(name, `has ${a.length} values for ${n} bins`);
  }
  if (!(p.slitWidth > 0 && Number.isFinite(p.slitWidth))) throw new InputError('slitWidth', `is ${p.slitWidth}; give the full slit width in arcsec (> 0)`);
  if (!p.models.length) throw new InputError('models', 'no model draws; give at least one');
  p.models.forEach((m, k) => {
    if (m.length !== n) throw new InputError(`models[${k}]`, `has ${m.length} values for ${n} bins`);
  });
  if (p.good && p.good.length !== n) throw new InputError('good', `has ${p.good.length} flags for ${n} bins`);
  for (let i = 0; i < n; i++) {
    if (!(p.err[i] > 0)) throw new InputError(`err[${i}]`, `is ${p.err[i]}; errors must be > 0`);
  }
}

/**
 * The two profiles' numbers (see the module comment). quantiles: [lo, mid, hi] in (0, 1),
 * increasing. Throws InputError on mismatched lengths, a bad slit width or errors <= 0.
 */
export function axisProfiles(p: AxisProfileInput, quantiles: readonly [number, number, number] = [0.16, 0.5, 0.84]): { major: AxisProfile; minor: AxisProfile } {
  checkInput(p);
  if (!(quantiles[0] > 0 && quantiles[0] < quantiles[1] && quantiles[1] < quantiles[2] && quantiles[2] < 1)) {
    throw new InputError('quantiles', `are ${quantiles.join(', ')}; give [lo, mid, hi] increasing in (0, 1)`);
  }
  const half = p.slitWidth / 2;
  const one = (axis: 'major' | 'minor'): AxisProfile => {
    const along = axis === 'major' ? p.x : p.y;
    const across = axis === 'major' ? p.y : p.x;
    const idx: number[] = [];
    for (let i = 0; i < p.x.length; i++) if ((!p.good || p.good[i]) && Math.abs(across[i]) <= half) idx.push(i);
    idx.sort((a, b) => along[a] - along[b]);
    const m = idx.length;
    const out = { lo: new Float64Array(m), median: new Float64Array(m), hi: new Float64Array(m) };
    const draws = new Float64Array(p.models.length);
    idx.forEach((i, k) => {
      p.models.forEach((model, d) => (draws[d] = model[i]));
      draws.sort();
      out.lo[k] = quantile(draws, quantiles[0]);
      out.median[k] = quantile(draws, quantiles[1]);
      out.hi[k] = quantile(draws, quantiles[2]);
    });
    return {
      axis,
      index: Int32Array.from(idx),
      coord: Float64Array.from(idx, (i) => along[i]),
      data: Float64Array.from(idx, (i) => p.data[i]),
      err: Float64Array.from(idx, (i) => p.err[i]),
      ...out,
    };
  };
  return { major: one('major'), minor: one('minor') };
}

export interface AxisProfileOptions {
  /** y-axis label; default "V_rms (km/s)". */
  readonly label?: string;
  readonly title?: string;
  /** Width of each panel in px; default 360. */
  readonly panelWidth?: number;
  readonly quantiles?: readonly [number, number, number];
}

const BAND = '#e6862e';

/** Major- and minor-axis profiles side by side, sharing the y range (see the module comment). */
export function axisProfileSvg(p: AxisProfileInput, opts: AxisProfileOptions = {}): string {
  const q = opts.quantiles ?? [0.16, 0.5, 0.84];
  const { major, minor } = axisProfiles(p, q);
  const PW = opts.panelWidth ?? 360;
  const PH = Math.round(PW * 0.7);
  const ml = 64, mt = opts.title ? 54 : 32, mb = 44, gap = 36;
  const W = ml + 2 * PW + gap + 16;
  const H = mt + PH + mb;
  let lo = Infinity, hi = -Infinity, reach = 0;
  for (const pr of [major, minor]) {
    for (let k = 0; k < pr.index.length; k++) {
      lo = Math.min(lo, pr.data[k] - pr.err[k], pr.lo[k]);
      hi = Math.max(hi, pr.data[k] + pr.err[k], pr.hi[k]);
      reach = Math.max(reach, Math.abs(pr.coord[k]));
    }
  }
  if (!(hi > lo)) [lo, hi] = Number.isFinite(lo) ? [lo - 1, lo + 1] : [0, 1];
  const padY = 0.06 * (hi - lo);
  lo -= padY;
  hi += padY;
  reach = reach > 0 ? reach * 1.06 : 1;
  const pct = (f: number) => `${Math.round(100 * f)}`;
  const parts: string[] = [svgOpen(W, H, 11)];
  parts.push(`<desc>Bins within a ${p.slitWidth}" slit along each axis: data with 1-sigma errors; model median and ${pct(q[0])}-${pct(q[2])}% band over ${p.models.length} posterior draws.</desc>`);
  if (opts.title) parts.push(`<text x="${f1(W / 2)}" y="20" text-anchor="middle" font-size="14">${esc(opts.title)}</text>`);
  [major, minor].forEach((pr, k) => {
    const x0 = ml + k * (PW + gap);
    const sx = linear(-reach, reach, x0, x0 + PW);
    const sy = linear(lo, hi, mt + PH, mt);
    parts.push(`<text x="${f1(x0 + PW / 2)}" y="${mt - 8}" text-anchor="middle" font-size="13">${pr.axis} axis (${pr.index.length} bins, |${pr.axis === 'major' ? 'y' : 'x'}| &lt;= ${p.slitWidth / 2}")</text>`);
    const m = pr.index.length;
    if (m) {
      let band = '';
      for (let j = 0; j < m; j++) band += `${j ? 'L' : 'M'}${f1(sx(pr.coord[j]))} ${f1(sy(pr.hi[j]))}`;
      for (let j = m - 1; j >= 0; j--) band += `L${f1(sx(pr.coord[j]))} ${f1(sy(pr.lo[j]))}`;
      parts.push(`<path d="${band}Z" fill="${BAND}" fill-opacity="0.35" stroke="none"/>`);
      let med = '';
      for (let j = 0; j < m; j++) med += `${j ? 'L' : 'M'}${f1(sx(pr.coord[j]))} ${f1(sy(pr.median[j]))}`;
      parts.push(`<path d="${med}" fill="none" stroke="${BAND}" stroke-width="1.6"/>`);
      let bars = '';
      let dots = '';
      for (let j = 0; j < m; j++) {
        const cx = f1(sx(pr.coord[j]));
        bars += `M${cx} ${f1(sy(pr.data[j] - pr.err[j]))}V${f1(sy(pr.data[j] + pr.err[j]))}`;
        dots += `M${f1(sx(pr.coord[j]) - 2.5)} ${f1(sy(pr.data[j]))}a2.5 2.5 0 1 0 5 0a2.5 2.5 0 1 0 -5 0`;
      }
      parts.push(`<path d="${bars}" stroke="black" stroke-width="1"/>`, `<path d="${dots}" fill="black"/>`);
    }
    parts.push(`<rect x="${f1(x0)}" y="${mt}" width="${PW}" height="${PH}" fill="none" stroke="black"/>`);
    parts.push(xTicks(-reach, reach, sx, mt + PH, { count: 6 }));
    parts.push(yTicks(lo, hi, sy, x0, { count: 5, labels: k === 0 }));
    parts.push(`<text x="${f1(x0 + PW / 2)}" y="${H - 8}" text-anchor="middle">${pr.axis === 'major' ? 'x' : 'y'} (arcsec, along the ${pr.axis} axis)</text>`);
  });
  // Legend in the first panel's top-left corner.
  const lx = ml + 10;
  const ly = mt + 14;
  parts.push(`<circle cx="${lx + 8}" cy="${ly}" r="2.5"/><line x1="${lx + 8}" y1="${ly - 6}" x2="${lx + 8}" y2="${ly + 6}" stroke="black"/><text x="${lx + 22}" y="${ly + 4}">data</text>`);
  parts.push(`<rect x="${lx}" y="${ly + 12}" width="16" height="10" fill="${BAND}" fill-opacity="0.35"/><line x1="${lx}" y1="${ly + 17}" x2="${lx + 16}" y2="${ly + 17}" stroke="${BAND}" stroke-width="1.6"/><text x="${lx + 22}" y="${ly + 21}">model median, ${pct(q[0])}-${pct(q[2])}%</text>`);
  parts.push(`<text transform="translate(16 ${f1(mt + PH / 2)}) rotate(-90)" text-anchor="middle">${esc(opts.label ?? 'V_rms (km/s)')}</text>`);
  parts.push('</svg>');
  return parts.join('\n');
}
