/**
 * The elliptical polar grid on which V_rms^2 is computed before it is interpolated to sky points
 * or to the Cartesian grid of the PSF convolution (Cappellari 2008, App. A): radii log-spaced in
 * the elliptical radius r_ell = sqrt(x^2 + (y/q_med)^2), angles uniform in eccentric anomaly over
 * the first quadrant (the model is symmetric under x -> -x and y -> -y).
 */

export interface PolarGrid {
  /** Axial ratio of the ellipses. */
  qMed: number;
  /** ln of the radii (arcsec), increasing, nrad values. */
  lnRad: Float64Array;
  /** Eccentric anomalies in [0, pi/2], nang values. */
  ang: Float64Array;
  /** Grid points (arcsec), index iRad * nang + iAng. */
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

/** nrad radii log-spaced from rMin to rMax (arcsec, 0 < rMin < rMax) and nang angles over [0, pi/2]. */
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

/**
 * Bilinear interpolation of grid values (index iRad * nang + iAng) in (ln r_ell, eccentric
 * anomaly) at sky points (any quadrant). Points outside the grid take the nearest edge value
 * (so r_ell below the first radius, including the centre, takes the innermost ring's value).
 */
export function interpolatePolar(
  grid: PolarGrid,
  values: ArrayLike<number>,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  out: Float64Array = new Float64Array(x.length),
): Float64Array {
  const { lnRad, ang, qMed } = grid;
  const nrad = lnRad.length;
  const nang = ang.length;
  const lr0 = lnRad[0];
  const dlr = nrad > 1 ? lnRad[1] - lnRad[0] : 1;
  const da = nang > 1 ? ang[1] - ang[0] : 1;
  for (let p = 0; p < x.length; p++) {
    const ax = Math.abs(x[p]);
    const ay = Math.abs(y[p]) / qMed;
    const rr = Math.hypot(ax, ay);
    let fr = rr > 0 ? (Math.log(rr) - lr0) / dlr : 0;
    let fa = (Math.atan2(ay, ax)) / da;
    fr = Math.min(Math.max(fr, 0), nrad - 1);
    fa = Math.min(Math.max(fa, 0), nang - 1);
    const i0 = Math.min(Math.floor(fr), Math.max(nrad - 2, 0));
    const j0 = Math.min(Math.floor(fa), Math.max(nang - 2, 0));
    const tr = nrad > 1 ? fr - i0 : 0;
    const ta = nang > 1 ? fa - j0 : 0;
    const i1 = Math.min(i0 + 1, nrad - 1);
    const j1 = Math.min(j0 + 1, nang - 1);
    out[p] =
      (1 - tr) * ((1 - ta) * values[i0 * nang + j0] + ta * values[i0 * nang + j1]) +
      tr * ((1 - ta) * values[i1 * nang + j0] + ta * values[i1 * nang + j1]);
  }
  return out;
}
