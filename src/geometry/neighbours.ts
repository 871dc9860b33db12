/**
 * Values of a binned map at arbitrary points, for the symmetry estimators (reflected bin
 * positions rarely coincide with another bin). Two linear interpolants, both with weights that
 * are continuous in the point (so a statistic built on them varies smoothly with a trial centre
 * or angle and its minimum can be refined by a parabola), and both linear in the data with few
 * weights (so the weights are stored once per trial geometry and reused for every Monte-Carlo
 * realisation):
 *
 * - `weights`: a Nadaraya-Watson average of the three nearest bins with the biweight kernel
 *   w = (1 - (d/h)^2)^2, h the distance to the FOURTH nearest bin (when two bins swap ranks at
 *   the 3rd/4th place both are at distance h, where w = 0: continuous). Exact at a bin of a
 *   regular grid; used by the kinematic PA, whose model is written in the data themselves.
 * - `smoothWeights`: a Gaussian of width max(0.6 s, d_3 / 2) (s the local bin spacing, itself
 *   interpolated by `weights`, d_3 the distance to the third nearest bin; both continuous),
 *   truncated at 3 widths with the value there subtracted, then corrected to local-linear
 *   regression (exact for a linear map, also at the edge of the field). Why: on a
 *   grid the nearest-bin interpolant is exact at lattice points and smooths between them, so a
 *   statistic comparing a bin with an interpolated mirror prefers centres whose mirrors fall on
 *   bins (it snapped to the half-pixel lattice in the mocks); the smooth local-linear weights
 *   have no lattice phase for a linear map and only a curvature term (the same at a point and
 *   its mirror for a point-symmetric map) otherwise. Used by the symmetry centre.
 *
 * A point also gets a taper t in [0, 1] saying whether it lies inside the data: t = 1 when the
 * nearest bin is within 0.75 s of it, 0 beyond 1.25 s, linear between, where s is that bin's
 * spacing (distance to its own nearest neighbour). On a square grid every interior point is
 * within s/sqrt(2) < 0.75 s of a bin, so the taper only acts across the edge of the field.
 */
import { InputError } from '../../core/errors.ts';

/** Weights of one point: bin indices and normalised weights (sum 1; local-linear ones may be < 0), with the field taper. */
export interface PointWeights {
  readonly idx: readonly number[];
  readonly w: readonly number[];
  /** 1 inside the field, 0 outside (see the module comment). */
  readonly taper: number;
  /** Distance (arcsec) from the point to the nearest bin, and that bin's index. */
  readonly dNearest: number;
  readonly nearest: number;
}

/** Scattered bins with a sorted-by-x index for nearest-neighbour queries. */
export interface BinIndex {
  readonly n: number;
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** Distance from each bin to its nearest other bin, arcsec (> 0: duplicates are refused). */
  readonly spacing: Float64Array;
  /** The three-nearest-bins interpolant at (px, py); see the module comment. */
  weights(px: number, py: number): PointWeights;
  /** The Gaussian interpolant at (px, py); see the module comment. */
  smoothWeights(px: number, py: number): PointWeights;
}

/**
 * Builds the index of bins at (x[i], y[i]) (arcsec). Needs at least 5 bins (a point's value uses
 * 3 bins and the bandwidth a 4th) at distinct positions; throws InputError otherwise.
 * `where` names the data in errors.
 */
export function binIndex(x: ArrayLike<number>, y: ArrayLike<number>, where = 'bins'): BinIndex {
  const n = x.length;
  if (y.length !== n) throw new InputError(where, `has ${n} x but ${y.length} y values`);
  if (n < 5) throw new InputError(where, `has ${n} bins; the symmetry estimators need at least 5`);
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a] - x[b] || y[a] - y[b]);
  const xs = Float64Array.from(order, (i) => x[i]);
  const ys = Float64Array.from(order, (i) => y[i]);

  // The k nearest bins to (px, py): scan outward in x from the insertion point and stop once the
  // x distance alone exceeds the current k-th best (so a query costs ~sqrt(n), not n).
  const knn = (px: number, py: number, k: number, skip = -1): { j: number[]; d: number[] } => {
    // Squared distances while scanning (Math.hypot is slow); roots at the end.
    const bj: number[] = [];
    const bd: number[] = [];
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (xs[mid] < px) lo = mid + 1;
      else hi = mid;
    }
    let l = lo - 1;
    let r = lo;
    while (l >= 0 || r < n) {
      const dl = l >= 0 ? px - xs[l] : Infinity;
      const dr = r < n ? xs[r] - px : Infinity;
      const dx = dl <= dr ? dl : dr;
      if (bd.length === k && dx * dx > bd[k - 1]) break;
      const s = dl <= dr ? l-- : r++;
      const i = order[s];
      if (i === skip) continue;
      const ey = ys[s] - py;
      const d2 = dx * dx + ey * ey;
      if (bd.length === k) {
        if (d2 >= bd[k - 1]) continue;
        bd[k - 1] = d2;
        bj[k - 1] = i;
      } else {
        bd.push(d2);
        bj.push(i);
      }
      for (let m = bd.length - 1; m > 0 && bd[m - 1] > bd[m]; m--) {
        const td = bd[m - 1];
        bd[m - 1] = bd[m];
        bd[m] = td;
        const tj = bj[m - 1];
        bj[m - 1] = bj[m];
        bj[m] = tj;
      }
    }
    for (let m = 0; m < bd.length; m++) bd[m] = Math.sqrt(bd[m]);
    return { j: bj, d: bd };
  };

  // Every bin within radius rad of (px, py) (same scan, stopping at |dx| > rad).
  const within = (px: number, py: number, rad: number): { j: number[]; d: number[] } => {
    const j: number[] = [];
    const d: number[] = [];
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (xs[mid] < px - rad) lo = mid + 1;
      else hi = mid;
    }
    const r2 = rad * rad;
    for (let s = lo; s < n && xs[s] <= px + rad; s++) {
      const ex = xs[s] - px;
      const ey = ys[s] - py;
      const d2 = ex * ex + ey * ey;
      if (d2 <= r2) {
        j.push(order[s]);
        d.push(Math.sqrt(d2));
      }
    }
    return { j, d };
  };

  const spacing = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const d = knn(x[i], y[i], 1, i).d[0];
    if (!(d > 0)) throw new InputError(where, `bins ${i} and another share the position (${x[i]}, ${y[i]}); remove the duplicate`);
    spacing[i] = d;
  }
  const bx = Float64Array.from(x);
  const by = Float64Array.from(y);

  const taperAt = (j: number, d: number) => {
    const sp = spacing[j];
    return Math.min(1, Math.max(0, (1.25 * sp - d) / (0.5 * sp)));
  };
  const nearest3 = (px: number, py: number): PointWeights => {
    const { j, d } = knn(px, py, 4);
    const h = d[3];
    const w = [0, 0, 0];
    let sw = 0;
    for (let m = 0; m < 3; m++) {
      w[m] = (1 - (d[m] / h) ** 2) ** 2;
      sw += w[m];
    }
    // All four at the same distance (the centre of a grid square): the limit depends on the
    // direction of approach; the plain mean is the symmetric choice.
    for (let m = 0; m < 3; m++) w[m] = sw > 0 ? w[m] / sw : 1 / 3;
    return { idx: j.slice(0, 3), w, taper: taperAt(j[0], d[0]), dNearest: d[0], nearest: j[0] };
  };

  return {
    n,
    x: bx,
    y: by,
    spacing,
    weights: nearest3,
    smoothWeights(px, py) {
      const near = nearest3(px, py);
      // At least half the 3rd-nearest distance, so the three nearest bins always lie inside the
      // support (3 widths) and the normalisation never runs out of bins in a hole of the field
      // (which would make the weights jump); both terms are continuous in p, so is their max.
      const width = Math.max(0.6 * weighted(near, spacing), 0.5 * knn(px, py, 3).d[2]);
      const cut = Math.exp(-4.5);
      const { j, d } = within(px, py, 3 * width);
      const idx: number[] = [];
      const w: number[] = [];
      let sw = 0;
      for (let m = 0; m < j.length; m++) {
        const k = Math.exp(-0.5 * (d[m] / width) ** 2) - cut;
        if (!(k > 0)) continue;
        idx.push(j[m]);
        w.push(k);
        sw += k;
      }
      for (let m = 0; m < w.length; m++) w[m] /= sw;
      // Local-linear correction: l_j = w_j [1 + (r_j - r̄)^T C^-1 (p - r̄)], r̄ and C the weighted
      // mean and covariance of the bins used, makes the estimate exact for a linear map, so a
      // kernel cut by the edge of the field does not report the value at its centroid instead
      // of at p (a linear map was off by 1.5 at the edge of a mock field without it, 0.02 with
      // it). C gets (0.03 width)^2 on its diagonal so that a near-collinear set of bins cannot
      // blow the weights up.
      let mx = 0;
      let my = 0;
      for (let m = 0; m < w.length; m++) {
        mx += w[m] * bx[idx[m]];
        my += w[m] * by[idx[m]];
      }
      let cxx = (0.03 * width) ** 2;
      let cyy = cxx;
      let cxy = 0;
      for (let m = 0; m < w.length; m++) {
        const ex = bx[idx[m]] - mx;
        const ey = by[idx[m]] - my;
        cxx += w[m] * ex * ex;
        cyy += w[m] * ey * ey;
        cxy += w[m] * ex * ey;
      }
      const det = cxx * cyy - cxy * cxy;
      const gx = (cyy * (px - mx) - cxy * (py - my)) / det;
      const gy = (cxx * (py - my) - cxy * (px - mx)) / det;
      for (let m = 0; m < w.length; m++) w[m] *= 1 + (bx[idx[m]] - mx) * gx + (by[idx[m]] - my) * gy;
      return { idx, w, taper: near.taper, dNearest: near.dNearest, nearest: near.nearest };
    },
  };
}

/** sum_m w_m a[idx_m]: the map `a` at a point with weights `p`. */
export function weighted(p: PointWeights, a: ArrayLike<number>): number {
  let s = 0;
  for (let m = 0; m < p.idx.length; m++) s += p.w[m] * a[p.idx[m]];
  return s;
}

/** sum_m w_m^2 e[idx_m]^2: the variance of `weighted` for independent errors e. */
export function weightedVariance(p: PointWeights, e: ArrayLike<number>): number {
  let s = 0;
  for (let m = 0; m < p.idx.length; m++) s += (p.w[m] * e[p.idx[m]]) ** 2;
  return s;
}

/**
 * Many points' weights in compressed rows, for evaluating the same interpolation on many data
 * vectors (Monte-Carlo realisations) without re-querying the index.
 */
export class WeightRows {
  private start: number[] = [0];
  private idx: number[] = [];
  private w: number[] = [];
  private packed: { start: Int32Array; idx: Int32Array; w: Float64Array } | null = null;

  /** Appends a point's weights; returns its row number. */
  push(p: PointWeights): number {
    if (this.packed) throw new Error('WeightRows: push after value()');
    for (let m = 0; m < p.idx.length; m++) {
      this.idx.push(p.idx[m]);
      this.w.push(p.w[m]);
    }
    this.start.push(this.idx.length);
    return this.start.length - 2;
  }

  /** The interpolated value of map `a` at row `r`. */
  value(r: number, a: ArrayLike<number>): number {
    const pk = (this.packed ??= { start: Int32Array.from(this.start), idx: Int32Array.from(this.idx), w: Float64Array.from(this.w) });
    let s = 0;
    for (let k = pk.start[r]; k < pk.start[r + 1]; k++) s += pk.w[k] * a[pk.idx[k]];
    return s;
  }
}

/**
 * Variance of the linear combination c0 a[i0] + Σ_k c_k (map a at point k) for independent errors
 * e: the coefficients of each bin are summed first (a bin that appears in several terms, or is
 * i0 itself, is correlated with itself), then Σ_j coef_j^2 e_j^2. Exact, unlike summing the
 * terms' variances; the estimators need it so that E[z^2] = 1 at every trial geometry (otherwise
 * the noise alone moves the minimum: it biased the kinematic PA by ~1 sigma in the mocks).
 */
export function combinationVariance(i0: number, c0: number, parts: readonly { p: PointWeights; c: number }[], e: ArrayLike<number>): number {
  const idx: number[] = [i0];
  const coef: number[] = [c0];
  for (const { p, c } of parts) {
    if (c === 0) continue;
    for (let m = 0; m < p.idx.length; m++) {
      const j = p.idx[m];
      let k = idx.indexOf(j);
      if (k < 0) {
        k = idx.length;
        idx.push(j);
        coef.push(0);
      }
      coef[k] += c * p.w[m];
    }
  }
  let s = 0;
  for (let k = 0; k < idx.length; k++) s += (coef[k] * e[idx[k]]) ** 2;
  return s;
}
