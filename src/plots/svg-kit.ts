/**
 * Small SVG building blocks shared by the corner plot, the bin maps and the profile plot:
 * escaping, compact number formatting, polylines as path data, linear scales, tick marks
 * (ticks.ts), and a vertical colour bar drawn as one gradient. Pure string builders.
 */
import { fmtTick, niceTicks } from './ticks.ts';
import type { ContourLine } from './contour.ts';

export const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A pixel coordinate with 0.1 px resolution (enough for 1.5x rasterisation, keeps files small). */
export const f1 = (v: number): string => (Math.round(v * 10) / 10).toString();

/** Linear map from [d0, d1] (data) to [r0, r1] (pixels). */
export function linear(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const k = (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

/** Path data ("M x y L ...") of contour lines mapped to pixels; closed lines end with Z. */
export function linesPath(lines: readonly ContourLine[], sx: (v: number) => number, sy: (v: number) => number): string {
  const out: string[] = [];
  for (const l of lines) {
    const p = l.points;
    const n = l.closed ? p.length / 2 - 1 : p.length / 2;
    if (n < 2) continue;
    let d = `M${f1(sx(p[0]))} ${f1(sy(p[1]))}`;
    for (let k = 1; k < n; k++) d += `L${f1(sx(p[2 * k]))} ${f1(sy(p[2 * k + 1]))}`;
    out.push(l.closed ? d + 'Z' : d);
  }
  return out.join('');
}

/** niceTicks with at least 3 ticks inside [lo, hi] when possible (a panel with one labelled tick reads badly). */
export function panelTicks(lo: number, hi: number, count: number): number[] {
  const t = niceTicks(lo, hi, count);
  return t.length >= 3 ? t : niceTicks(lo, hi, 2 * count);
}

/** Tick marks and labels along the bottom (x) edge of a panel at pixel row `y`. */
export function xTicks(lo: number, hi: number, sx: (v: number) => number, y: number, opts: { count?: number; labels?: boolean; length?: number; inset?: number } = {}): string {
  const len = opts.length ?? 5;
  // `inset`: leave out ticks within this fraction of the range from either end, so that labels of
  // panels side by side (the corner plot) do not run into each other.
  const margin = (opts.inset ?? 0) * (hi - lo);
  let s = '';
  for (const t of panelTicks(lo, hi, opts.count ?? 4)) {
    if (t < lo + margin || t > hi - margin) continue;
    const x = f1(sx(t));
    s += `<line x1="${x}" y1="${f1(y)}" x2="${x}" y2="${f1(y + len)}" stroke="black"/>`;
    if (opts.labels !== false) s += `<text x="${x}" y="${f1(y + len + 12)}" text-anchor="middle">${esc(fmtTick(t))}</text>`;
  }
  return s;
}

/** Tick marks and labels along the left (y) edge of a panel at pixel column `x`. */
export function yTicks(lo: number, hi: number, sy: (v: number) => number, x: number, opts: { count?: number; labels?: boolean; length?: number } = {}): string {
  const len = opts.length ?? 5;
  let s = '';
  for (const t of panelTicks(lo, hi, opts.count ?? 4)) {
    const y = f1(sy(t));
    s += `<line x1="${f1(x - len)}" y1="${y}" x2="${f1(x)}" y2="${y}" stroke="black"/>`;
    if (opts.labels !== false) s += `<text x="${f1(x - len - 3)}" y="${f1(sy(t) + 4)}" text-anchor="end">${esc(fmtTick(t))}</text>`;
  }
  return s;
}

/**
 * A vertical colour bar at (x, y) of size w x h for values [vmin, vmax] under `cmap` (t in [0, 1]),
 * drawn as one linear gradient of 33 stops (the colour maps are piecewise linear with at most 11
 * anchors, so 33 stops reproduce them to the eye), ticks on the right and a rotated label. `id`
 * must be unique within the document (gradient ids are global).
 */
export function colourBar(id: string, x: number, y: number, w: number, h: number, vmin: number, vmax: number, cmap: (t: number) => string, label: string): string {
  let stops = '';
  for (let k = 0; k <= 32; k++) stops += `<stop offset="${(k / 32).toFixed(4)}" stop-color="${cmap(1 - k / 32)}"/>`;
  let s = `<defs><linearGradient id="${id}" x1="0" y1="0" x2="0" y2="1">${stops}</linearGradient></defs>`;
  s += `<rect x="${f1(x)}" y="${f1(y)}" width="${f1(w)}" height="${f1(h)}" fill="url(#${id})" stroke="black"/>`;
  const sy = linear(vmin, vmax, y + h, y);
  for (const t of niceTicks(vmin, vmax, 5)) {
    const ty = f1(sy(t));
    s += `<line x1="${f1(x + w)}" y1="${ty}" x2="${f1(x + w + 4)}" y2="${ty}" stroke="black"/>`;
    s += `<text x="${f1(x + w + 6)}" y="${f1(sy(t) + 4)}">${esc(fmtTick(t))}</text>`;
  }
  s += `<text transform="translate(${f1(x + w + 48)} ${f1(y + h / 2)}) rotate(-90)" text-anchor="middle">${esc(label)}</text>`;
  return s;
}

export function svgOpen(width: number, height: number, fontSize = 12): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.ceil(width)}" height="${Math.ceil(height)}" viewBox="0 0 ${Math.ceil(width)} ${Math.ceil(height)}" font-family="DejaVu Sans, sans-serif" font-size="${fontSize}"><rect width="100%" height="100%" fill="white"/>`;
}
