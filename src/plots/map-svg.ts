/**
 * A kinematic map as SVG: square pixels coloured by value, axes in arcsec, a colour bar.
 * Pure function of its inputs (no I/O); see png.ts to rasterise.
 */
import { viridis } from './colormap.ts';
import { fmtTick, niceTicks } from './ticks.ts';

export interface MapImage {
  /** Row-major values, ny rows of nx; NaN = no data. */
  values: ArrayLike<number>;
  nx: number;
  ny: number;
  /** Centre of pixel (0, 0) and the pixel size, arcsec. */
  x0: number;
  y0: number;
  step: number;
}

export interface MapStyle {
  title: string;
  /** Colour-bar label, e.g. "V_rms (km/s)". */
  label: string;
  /** Colour range; default min..max of the finite values. */
  vmin?: number;
  vmax?: number;
  /** Plot size in px (the map panel's longer side). Default 480. */
  size?: number;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function mapSvg(img: MapImage, style: MapStyle): string {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < img.values.length; i++) {
    const v = img.values[i];
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  const vmin = style.vmin ?? lo;
  const vmax = style.vmax ?? (hi > lo ? hi : lo + 1);
  const size = style.size ?? 480;
  const wArc = img.nx * img.step;
  const hArc = img.ny * img.step;
  const scale = size / Math.max(wArc, hArc);
  const pw = wArc * scale;
  const ph = hArc * scale;
  const ml = 60;
  const mt = 40;
  const mb = 50;
  const cbw = 16;
  const width = ml + pw + 30 + cbw + 60;
  const height = mt + ph + mb;
  const xL = img.x0 - img.step / 2;
  const yB = img.y0 - img.step / 2;
  const sx = (x: number) => ml + (x - xL) * scale;
  const sy = (y: number) => mt + ph - (y - yB) * scale;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width.toFixed(0)}" height="${height.toFixed(0)}" font-family="DejaVu Sans, sans-serif" font-size="12">`);
  parts.push(`<rect width="100%" height="100%" fill="white"/>`);
  parts.push(`<text x="${ml + pw / 2}" y="24" text-anchor="middle" font-size="14">${esc(style.title)}</text>`);
  parts.push(`<g shape-rendering="crispEdges">`);
  const px = img.step * scale;
  for (let iy = 0; iy < img.ny; iy++) {
    for (let ix = 0; ix < img.nx; ix++) {
      const v = img.values[iy * img.nx + ix];
      const x = sx(img.x0 + (ix - 0.5) * img.step);
      const y = sy(img.y0 + (iy + 0.5) * img.step);
      parts.push(`<rect x="${x.toFixed(2)}" y="${y.toFixed(2)}" width="${(px + 0.05).toFixed(2)}" height="${(px + 0.05).toFixed(2)}" fill="${viridis((v - vmin) / (vmax - vmin))}"/>`);
    }
  }
  parts.push(`</g>`);
  parts.push(`<rect x="${ml}" y="${mt}" width="${pw}" height="${ph}" fill="none" stroke="black"/>`);
  for (const t of niceTicks(xL, xL + wArc)) {
    parts.push(`<line x1="${sx(t)}" y1="${mt + ph}" x2="${sx(t)}" y2="${mt + ph + 5}" stroke="black"/>`);
    parts.push(`<text x="${sx(t)}" y="${mt + ph + 18}" text-anchor="middle">${fmtTick(t)}</text>`);
  }
  for (const t of niceTicks(yB, yB + hArc)) {
    parts.push(`<line x1="${ml - 5}" y1="${sy(t)}" x2="${ml}" y2="${sy(t)}" stroke="black"/>`);
    parts.push(`<text x="${ml - 8}" y="${sy(t) + 4}" text-anchor="end">${fmtTick(t)}</text>`);
  }
  parts.push(`<text x="${ml + pw / 2}" y="${height - 10}" text-anchor="middle">x (arcsec, major axis)</text>`);
  parts.push(`<text transform="translate(16 ${mt + ph / 2}) rotate(-90)" text-anchor="middle">y (arcsec)</text>`);
  // Colour bar.
  const cx = ml + pw + 30;
  const nSteps = 64;
  for (let i = 0; i < nSteps; i++) {
    const y = mt + ph - ((i + 1) * ph) / nSteps;
    parts.push(`<rect x="${cx}" y="${y.toFixed(2)}" width="${cbw}" height="${(ph / nSteps + 0.5).toFixed(2)}" fill="${viridis((i + 0.5) / nSteps)}" shape-rendering="crispEdges"/>`);
  }
  parts.push(`<rect x="${cx}" y="${mt}" width="${cbw}" height="${ph}" fill="none" stroke="black"/>`);
  for (const t of niceTicks(vmin, vmax)) {
    const y = mt + ph - ((t - vmin) / (vmax - vmin)) * ph;
    parts.push(`<line x1="${cx + cbw}" y1="${y}" x2="${cx + cbw + 4}" y2="${y}" stroke="black"/>`);
    parts.push(`<text x="${cx + cbw + 7}" y="${y + 4}">${fmtTick(t)}</text>`);
  }
  parts.push(`<text transform="translate(${width - 8} ${mt + ph / 2}) rotate(-90)" text-anchor="middle">${esc(style.label)}</text>`);
  parts.push(`</svg>`);
  return parts.join('\n');
}
