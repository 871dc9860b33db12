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
 * Sparse bilinear interpolation weights from a polar grid to sky points (any quadrant): each point
 * gets 4 (grid index, weight) pairs, bilinear in (ln r_ell, eccentric anomaly). Points outside the
 * grid take the nearest edge value (so r_ell below the first radius, including the centre, takes
 * the innermost ring's value). Computed once per set of points, applied to any number of models.
 * The grid needs at least 2 radii and 2 angles.
 */
export interface InterpWeights {
  index: Int32Array;
  weight: Float64Array;
}

export function polarWeights(grid: PolarGrid, x: ArrayLike<number>, y: ArrayLike<number>): InterpWeights {
  const { lnRad, ang, qMed } = grid;
  const nrad = lnRad.length;
  const nang = ang.length;
  const lr0 = lnRad[0];
  const dlr = lnRad[1] - lnRad[0];
  const da = ang[1] - ang[0];
  const n = x.length;
  const index = new Int32Array(4 * n);
  const weight = new Float64Array(4 * n);
  for (let p = 0; p < n; p++) {
    const ax = Math.abs(x[p]);
    const ay = Math.abs(y[p]) / qMed;
    const rr = Math.hypot(ax, ay);
    const fr = Math.min(Math.max(rr > 0 ? (Math.log(rr) - lr0) / dlr : 0, 0), nrad - 1);
    const fa = Math.min(Math.max(Math.atan2(ay, ax) / da, 0), nang - 1);
    const i0 = Math.min(Math.floor(fr), nrad - 2);
    const j0 = Math.min(Math.floor(fa), nang - 2);
    const tr = fr - i0;
    const ta = fa - j0;
    const base = i0 * nang + j0;
    const k = 4 * p;
    index[k] = base;
    index[k + 1] = base + 1;
    index[k + 2] = base + nang;
    index[k + 3] = base + nang + 1;
    weight[k] = (1 - tr) * (1 - ta);
    weight[k + 1] = (1 - tr) * ta;
    weight[k + 2] = tr * (1 - ta);
    weight[k + 3] = tr * ta;
  }
  return { index, weight };
}

/** Applies interpolation weights to grid values (e.g. V_rms^2), one output per point. */
export function applyWeights(w: InterpWeights, values: ArrayLike<number>, out: Float64Array = new Float64Array(w.index.length / 4)): Float64Array {
  for (let p = 0; p < out.length; p++) {
    const k = 4 * p;
    out[p] =
      w.weight[k] * values[w.index[k]] +
      w.weight[k + 1] * values[w.index[k + 1]] +
      w.weight[k + 2] * values[w.index[k + 2]] +
      w.weight[k + 3] * values[w.index[k + 3]];
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
