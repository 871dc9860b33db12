/**
 * The surrogate's output grid: V_rms on nRad radii log-spaced in [rMin, rMax] (units of R_e) times
 * nTheta polar angles uniform in [0, 90] deg from the major axis, point order iRad * nTheta + iTheta
 * (x = r cos theta, y = r sin theta). The default, 20 x 10 over 0.1..3 R_e, is the reference
 * set's polar grid (200 points, as in Simon et al.). The model's symmetry under x -> -x and
 * y -> -y maps every sky point into this quadrant.
 */
export interface ThetaLogRGrid {
  nRad: number;
  nTheta: number;
  rMin: number;
  rMax: number;
  /** Radii (R_e) and angles (radians). */
  r: Float64Array;
  theta: Float64Array;
  /** Grid points in R_e, order iRad * nTheta + iTheta. */
  x: Float64Array;
  y: Float64Array;
}

export const DEFAULT_GRID = { nRad: 20, nTheta: 10, rMin: 0.1, rMax: 3 } as const;

export function thetaLogRGrid(spec: { nRad: number; nTheta: number; rMin: number; rMax: number } = DEFAULT_GRID): ThetaLogRGrid {
  const { nRad, nTheta, rMin, rMax } = spec;
  if (!(Number.isInteger(nRad) && nRad >= 2 && Number.isInteger(nTheta) && nTheta >= 2 && rMin > 0 && rMax > rMin)) {
    throw new RangeError(`thetaLogRGrid: need integers nRad, nTheta >= 2 and 0 < rMin < rMax; got ${JSON.stringify(spec)}`);
  }
  const r = new Float64Array(nRad);
  for (let i = 0; i < nRad; i++) r[i] = rMin * (rMax / rMin) ** (i / (nRad - 1));
  const theta = new Float64Array(nTheta);
  for (let j = 0; j < nTheta; j++) theta[j] = ((Math.PI / 2) * j) / (nTheta - 1);
  const x = new Float64Array(nRad * nTheta);
  const y = new Float64Array(nRad * nTheta);
  for (let i = 0; i < nRad; i++) {
    for (let j = 0; j < nTheta; j++) {
      x[i * nTheta + j] = r[i] * Math.cos(theta[j]);
      y[i * nTheta + j] = r[i] * Math.sin(theta[j]);
    }
  }
  return { nRad, nTheta, rMin, rMax, r, theta, x, y };
}

/**
 * Sparse bilinear interpolation weights from the grid to sky points (units of R_e, any quadrant):
 * each point gets 4 (index, weight) pairs, bilinear in (ln r, theta). Points inside rMin or beyond
 * rMax take the nearest ring (clamped, like the reference code's 'nearest' mode); check coverage
 * with `outsideGrid` first. Computed once per galaxy: the likelihood applies it to every model.
 */
export interface InterpWeights {
  index: Int32Array;
  weight: Float64Array;
}

export function interpWeights(grid: ThetaLogRGrid, x: ArrayLike<number>, y: ArrayLike<number>): InterpWeights {
  const n = x.length;
  const index = new Int32Array(4 * n);
  const weight = new Float64Array(4 * n);
  const lr0 = Math.log(grid.rMin);
  const dlr = Math.log(grid.rMax / grid.rMin) / (grid.nRad - 1);
  const dth = Math.PI / 2 / (grid.nTheta - 1);
  for (let p = 0; p < n; p++) {
    const ax = Math.abs(x[p]);
    const ay = Math.abs(y[p]);
    const rr = Math.hypot(ax, ay);
    const fr = Math.min(Math.max(rr > 0 ? (Math.log(rr) - lr0) / dlr : 0, 0), grid.nRad - 1);
    const ft = Math.min(Math.max(Math.atan2(ay, ax) / dth, 0), grid.nTheta - 1);
    const i0 = Math.min(Math.floor(fr), grid.nRad - 2);
    const j0 = Math.min(Math.floor(ft), grid.nTheta - 2);
    const tr = fr - i0;
    const tt = ft - j0;
    const base = i0 * grid.nTheta + j0;
    index[4 * p] = base;
    index[4 * p + 1] = base + 1;
    index[4 * p + 2] = base + grid.nTheta;
    index[4 * p + 3] = base + grid.nTheta + 1;
    weight[4 * p] = (1 - tr) * (1 - tt);
    weight[4 * p + 1] = (1 - tr) * tt;
    weight[4 * p + 2] = tr * (1 - tt);
    weight[4 * p + 3] = tr * tt;
  }
  return { index, weight };
}

/** Applies interpolation weights to grid values (e.g. V_rms^2), one output per point. */
export function applyWeights(w: InterpWeights, values: ArrayLike<number>, out = new Float64Array(w.index.length / 4)): Float64Array {
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

/** Index of the first point outside [rMin, rMax] (R_e), or -1 when all are covered. */
export function outsideGrid(grid: ThetaLogRGrid, x: ArrayLike<number>, y: ArrayLike<number>): number {
  for (let p = 0; p < x.length; p++) {
    const r = Math.hypot(x[p], y[p]);
    if (r < grid.rMin * (1 - 1e-12) || r > grid.rMax * (1 + 1e-12)) return p;
  }
  return -1;
}
