/**
 * Independent geometry for the plot tests (not the code under test): even-odd point-in-polygon
 * and the area moments of a polygon by Green's theorem.
 */
import type { ContourLine } from '../../src/plots/contour.ts';

/** Even-odd rule over all rings (flat [x0, y0, ...], first point repeated or not). */
export function insideRings(rings: readonly ArrayLike<number>[], x: number, y: number): boolean {
  let inside = false;
  for (const p of rings) {
    const n = p.length / 2;
    for (let a = 0, b = n - 1; a < n; b = a++) {
      const xa = p[2 * a], ya = p[2 * a + 1], xb = p[2 * b], yb = p[2 * b + 1];
      if (ya > y !== yb > y && x < ((xb - xa) * (y - ya)) / (yb - ya) + xa) inside = !inside;
    }
  }
  return inside;
}

export const ringsOf = (lines: readonly ContourLine[]): Float64Array[] => lines.map((l) => l.points);

/**
 * Area, centroid and central second moments (Ixx, Iyy, Ixy per unit area) of a simple polygon,
 * by Green's theorem over its edges; orientation-independent (signs fixed by the area's sign).
 */
export function polygonMoments(p: ArrayLike<number>): { area: number; cx: number; cy: number; xx: number; yy: number; xy: number } {
  const n = p.length / 2;
  let A = 0, Sx = 0, Sy = 0, Sxx = 0, Syy = 0, Sxy = 0;
  for (let a = 0; a < n; a++) {
    const b = (a + 1) % n;
    const x0 = p[2 * a], y0 = p[2 * a + 1], x1 = p[2 * b], y1 = p[2 * b + 1];
    const cr = x0 * y1 - x1 * y0;
    A += cr;
    Sx += (x0 + x1) * cr;
    Sy += (y0 + y1) * cr;
    Sxx += (x0 * x0 + x0 * x1 + x1 * x1) * cr;
    Syy += (y0 * y0 + y0 * y1 + y1 * y1) * cr;
    Sxy += (x0 * y1 + 2 * x0 * y0 + 2 * x1 * y1 + x1 * y0) * cr;
  }
  A /= 2;
  const cx = Sx / (6 * A);
  const cy = Sy / (6 * A);
  return { area: Math.abs(A), cx, cy, xx: Sxx / (12 * A) - cx * cx, yy: Syy / (12 * A) - cy * cy, xy: Sxy / (24 * A) - cx * cy };
}

/** Angle (degrees, in (-90, 90]) of the major principal axis of second moments. */
export const principalAngleDeg = (xx: number, yy: number, xy: number): number => (0.5 * Math.atan2(2 * xy, xx - yy) * 180) / Math.PI;
