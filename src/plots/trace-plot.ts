/**
 * Trace plot of an ensemble chain: one panel per parameter, value against step, every walker a
 * thin line (a few coloured, the rest grey), the burn-in (steps before `discard`) shaded and the
 * post-burn-in median dashed. Long chains are decimated to at most `maxPoints` points per walker
 * (every k-th step, the last step kept), so the SVG size does not grow with the chain: 32 walkers
 * x 5 parameters is about 200 kB. Pure string builder (svg-kit.ts).
 */
import { InputError } from '../../core/errors.ts';
import { esc, f1, linear, svgOpen, xTicks, yTicks } from './svg-kit.ts';

export interface TraceInput {
  /** Chain as chain.npy stores it: (nsteps, nwalkers, ndim) row-major. */
  readonly chain: ArrayLike<number>;
  readonly nsteps: number;
  readonly nwalkers: number;
  readonly ndim: number;
  /** Panel labels, one per dimension. */
  readonly labels: readonly string[];
  /** Steps discarded as burn-in (shaded); default 0. */
  readonly discard?: number;
  /** Per-dimension map applied to the values before plotting (e.g. 10^x for a log10 column). */
  readonly transform?: readonly (((v: number) => number) | null)[];
}

export interface TraceOptions {
  title?: string;
  /** Panel width in px (default 640) and height (default 90). */
  panelWidth?: number;
  panelHeight?: number;
  /** Points per walker at most (default 150). */
  maxPoints?: number;
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e'];

/** The trace plot's SVG (see the module header). */
export function traceSvg(t: TraceInput, opts: TraceOptions = {}): string {
  const { nsteps, nwalkers: nw, ndim } = t;
  if (!(nsteps >= 1 && nw >= 1 && ndim >= 1) || t.chain.length < nsteps * nw * ndim) throw new InputError('trace plot', `chain of ${t.chain.length} values is shorter than ${nsteps} steps x ${nw} walkers x ${ndim} parameters`);
  if (t.labels.length !== ndim) throw new InputError('trace plot', `${t.labels.length} labels for ${ndim} parameters`);
  const PW = opts.panelWidth ?? 640;
  const PH = opts.panelHeight ?? 90;
  const ml = 150, mr = 16, mt = opts.title ? 40 : 14, gap = 14, mb = 40;
  const W = ml + PW + mr;
  const H = mt + ndim * PH + (ndim - 1) * gap + mb;
  const discard = Math.min(Math.max(t.discard ?? 0, 0), nsteps);
  const stride = Math.max(1, Math.ceil(nsteps / (opts.maxPoints ?? 150)));
  const steps: number[] = [];
  for (let s = 0; s < nsteps; s += stride) steps.push(s);
  if (steps[steps.length - 1] !== nsteps - 1) steps.push(nsteps - 1);
  const sx = linear(0, Math.max(nsteps - 1, 1), ml, ml + PW);
  const parts: string[] = [svgOpen(W, H, 11)];
  parts.push(`<desc>Trace of ${nw} walkers over ${nsteps} steps (every ${stride}${stride === 1 ? 'st' : 'th'} step drawn); shaded: burn-in (${discard} steps); dashed: median after burn-in.</desc>`);
  if (opts.title) parts.push(`<text x="${f1(W / 2)}" y="22" text-anchor="middle" font-size="14">${esc(opts.title)}</text>`);
  for (let d = 0; d < ndim; d++) {
    const f = t.transform?.[d] ?? null;
    const val = (s: number, w: number) => {
      const v = t.chain[(s * nw + w) * ndim + d];
      return f ? f(v) : v;
    };
    let lo = Infinity, hi = -Infinity;
    for (const s of steps) for (let w = 0; w < nw; w++) {
      const v = val(s, w);
      if (Number.isFinite(v)) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    if (!(hi > lo)) [lo, hi] = Number.isFinite(lo) ? [lo - 0.5 * (Math.abs(lo) || 1), lo + 0.5 * (Math.abs(lo) || 1)] : [0, 1];
    const pad = 0.05 * (hi - lo);
    lo -= pad;
    hi += pad;
    const y0 = mt + d * (PH + gap);
    const sy = linear(lo, hi, y0 + PH, y0);
    if (discard > 0) parts.push(`<rect x="${ml}" y="${y0}" width="${f1(sx(discard) - ml)}" height="${PH}" fill="#eeeeee"/>`);
    // Grey walkers first, the coloured few on top.
    const colourEvery = Math.max(1, Math.floor(nw / COLOURS.length));
    const coloured: string[] = [];
    let grey = '';
    for (let w = 0; w < nw; w++) {
      let p = '';
      let pen = false;
      for (const s of steps) {
        const v = val(s, w);
        if (!Number.isFinite(v)) {
          pen = false;
          continue;
        }
        p += `${pen ? 'L' : 'M'}${f1(sx(s))} ${f1(sy(v))}`;
        pen = true;
      }
      const ci = w % colourEvery === 0 ? w / colourEvery : -1;
      if (ci >= 0 && ci < COLOURS.length) coloured.push(`<path d="${p}" fill="none" stroke="${COLOURS[ci]}" stroke-width="0.9" stroke-opacity="0.9"/>`);
      else grey += p;
    }
    if (grey) parts.push(`<path d="${grey}" fill="none" stroke="#888888" stroke-width="0.6" stroke-opacity="0.45"/>`);
    parts.push(...coloured);
    // Median after burn-in.
    const post = new Float64Array((nsteps - discard) * nw);
    for (let s = discard, k = 0; s < nsteps; s++) for (let w = 0; w < nw; w++) post[k++] = val(s, w);
    post.sort(); // typed-array sort: numeric, NaN last
    if (post.length) {
      const med = post[post.length >> 1];
      parts.push(`<line x1="${ml}" y1="${f1(sy(med))}" x2="${ml + PW}" y2="${f1(sy(med))}" stroke="black" stroke-dasharray="5 3"/>`);
    }
    parts.push(`<rect x="${ml}" y="${y0}" width="${PW}" height="${PH}" fill="none" stroke="black"/>`);
    parts.push(yTicks(lo, hi, sy, ml, { count: 3 }));
    parts.push(`<text x="${ml - 48}" y="${f1(y0 + PH / 2 + 4)}" text-anchor="end" font-size="12">${esc(t.labels[d])}</text>`);
    if (d === ndim - 1) parts.push(xTicks(0, Math.max(nsteps - 1, 1), sx, y0 + PH, { count: 6 }));
  }
  parts.push(`<text x="${f1(ml + PW / 2)}" y="${H - 6}" text-anchor="middle">step</text>`);
  parts.push('</svg>');
  return parts.join('\n');
}
