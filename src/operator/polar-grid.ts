/**
 * The elliptical polar grid on which V_rms^2 is computed before it is interpolated to sky points
 * or to the Cartesian grid of the PSF convolution (Cappellari 2008, App. A): radii log-spaced in
 * the elliptical radius r_ell = sqrt(x^2 + (y/q_med)^2), angles uniform in eccentric anomaly over
 * the first quadrant (the model is symmetric under x -> -x and y -> -y). The same grid with
 * q_med = 1 in units of R_e is the surrogate's theta-log r output grid (src/surrogate/grid.ts).
 * Lengths are in whatever unit the caller uses (arcsec for the JAM, R_e for the surrogate).
 */
import { applyWeights, bilinearAt, type Axis, type InterpWeights } from '../math/bilinear.ts';

export { applyWeights, type InterpWeights };

export interface PolarGrid {
  /** Axial ratio of the ellipses. */
  qMed: number;
  /** ln of the radii (grid length unit), increasing and uniformly spaced, nrad >= 2 values. */
  lnRad: Float64Array;
  /** Eccentric anomalies uniform over [0, pi/2], nang >= 2 values. */
  ang: Float64Array;
  /** Grid points (grid length unit), index iRad * nang + iAng. */
  x: Float64Array;
  y: Float64Array;
}

/**
 * q_med: the median observed axial ratio of the tracer Gaussians with sigma < maxAbsX (arcsec),
 * or of all of them when fewer than 3 qualify. A typical isophote flattening, used only to shape
 * the interpolation grid.
 */
export function medianQ(sigma: ArrayLike<number>, qobs: ArrayLike<number>, maxAbsX: number): number {
  let qs: number[] = [];
  for (let k = 0; k < sigma.length; k++) if (sigma[k] < maxAbsX) qs.push(qobs[k]);
  if (qs.length < 3) qs = Array.from(qobs);
  qs.sort((a, b) => a - b);
  const m = qs.length >> 1;
  return qs.length % 2 ? qs[m] : 0.5 * (qs[m - 1] + qs[m]);
}

/**
 * nrad radii log-spaced from rMin to rMax (0 < rMin < rMax, any length unit) and nang angles
 * uniform over [0, pi/2]; interpolation needs nrad >= 2 and nang >= 2.
 */
export function makePolarGrid(rMin: number, rMax: number, nrad: number, nang: number, qMed: number): PolarGrid {
  const lnRad = new Float64Array(nrad);
  const a = Math.log(rMin);
  const b = Math.log(rMax);
  for (let i = 0; i < nrad; i++) lnRad[i] = nrad === 1 ? a : a + ((b - a) * i) / (nrad - 1);
  const ang = new Float64Array(nang);
  for (let j = 0; j < nang; j++) ang[j] = nang === 1 ? 0 : ((Math.PI / 2) * j) / (nang - 1);
  const x = new Float64Array(nrad * nang);
  const y = new Float64Array(nrad * nang);
  for (let i = 0; i < nrad; i++) {
    const r = Math.exp(lnRad[i]);
    for (let j = 0; j < nang; j++) {
      x[i * nang + j] = r * Math.cos(ang[j]);
      y[i * nang + j] = r * Math.sin(ang[j]) * qMed;
    }
  }
  return { qMed, lnRad, ang, x, y };
}

/** The grid as a lattice for the bilinear interpolator: slow axis ln r_ell, fast axis eccentric anomaly. */
export function polarAxes(grid: PolarGrid): { lnR: Axis; ecc: Axis } {
  const { lnRad, ang } = grid;
  return {
    lnR: { n: lnRad.length, start: lnRad[0], step: lnRad[1] - lnRad[0] },
    ecc: { n: ang.length, start: 0, step: ang[1] - ang[0] },
  };
}

/**
 * Sparse bilinear interpolation weights from a polar grid to sky points (any quadrant, same
 * length unit as the grid): each point is folded into the first quadrant (|x|, |y|) and gets 4
 * (grid index, weight) pairs, bilinear in (ln r_ell, eccentric anomaly). Points outside the grid
 * take the nearest edge value (so r_ell below the first radius, including the centre, takes the
 * innermost ring's value; see `outsidePolarGrid`). Computed once per set of points, applied to
 * any number of models with `applyWeights`. The grid needs at least 2 radii and 2 angles.
 */
export function polarWeights(grid: PolarGrid, x: ArrayLike<number>, y: ArrayLike<number>): InterpWeights {
  const { lnR, ecc } = polarAxes(grid);
  const n = x.length;
  const index = new Int32Array(4 * n);
  const weight = new Float64Array(4 * n);
  for (let p = 0; p < n; p++) {
    const ax = Math.abs(x[p]);
    const ay = Math.abs(y[p]) / grid.qMed;
    bilinearAt(lnR, ecc, Math.log(Math.hypot(ax, ay)), Math.atan2(ay, ax), index, weight, 4 * p);
  }
  return { index, weight };
}

/**
 * Indices of the points whose elliptical radius lies outside the grid's radial range (below the
 * first ring, including the centre, or beyond the last, with 1e-12 relative slack for points on
 * a ring): there the interpolation is clamped, not interpolated.
 */
export function outsidePolarGrid(grid: PolarGrid, x: ArrayLike<number>, y: ArrayLike<number>): number[] {
  const rMin = Math.exp(grid.lnRad[0]) * (1 - 1e-12);
  const rMax = Math.exp(grid.lnRad[grid.lnRad.length - 1]) * (1 + 1e-12);
  const out: number[] = [];
  for (let p = 0; p < x.length; p++) {
    const r = Math.hypot(x[p], y[p] / grid.qMed);
    if (!(r >= rMin && r <= rMax)) out.push(p);
  }
  return out;
}

/** Bilinear interpolation of grid values (index iRad * nang + iAng) at sky points; see polarWeights. */
export function interpolatePolar(
  grid: PolarGrid,
  values: ArrayLike<number>,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  out: Float64Array = new Float64Array(x.length),
): Float64Array {
  return applyWeights(polarWeights(grid, x, y), values, out);
}
