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
 * - `smoothWeights`: a Gaussian of width 0.6 s (s the local bin spacing, itself interpolated by
 *   `weights`, so continuous), truncated at 3 widths with the value there subtracted. Why: on a
 *   grid the nearest-bin interpolant is exact at lattice points and smooths between them, so a
 *   statistic comparing a bin with an interpolated mirror prefers centres whose mirrors fall on
 *   bins (it snapped to the half-pixel lattice in the mocks); a Gaussian of 0.6 spacings has a
 *   lattice ripple of 2 exp(-2 pi^2 0.36) = 0.2%, and comparing smoothed with smoothed cancels the
 *   smoothing's bias. Used by the symmetry centre.
 *
 * A point also gets a taper t in [0, 1] saying whether it lies inside the data: t = 1 when the
 * nearest bin is within 0.75 s of it, 0 beyond 1.25 s, linear between, where s is that bin's
 * spacing (distance to its own nearest neighbour). On a square grid every interior point is
 * within s/sqrt(2) < 0.75 s of a bin, so the taper only acts across the edge of the field.
 */
import { InputError } from '../../core/errors.ts';

/** Weights of one point: bin indices and normalised weights (sum 1), with the field taper. */
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
    const bj: number[] = [];
    const bd: number[] = [];
    const consider = (s: number) => {
      const i = order[s];
      if (i === skip) return;
      const d = Math.hypot(xs[s] - px, ys[s] - py);
      if (bd.length === k && d >= bd[k - 1]) return;
      if (bd.length < k) {
        bd.push(d);
        bj.push(i);
      } else {
        bd[k - 1] = d;
        bj[k - 1] = i;
      }
      for (let m = bd.length - 1; m > 0 && bd[m - 1] > bd[m]; m--) {
        [bd[m - 1], bd[m]] = [bd[m], bd[m - 1]];
        [bj[m - 1], bj[m]] = [bj[m], bj[m - 1]];
      }
    };
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
      const lim = bd.length === k ? bd[k - 1] : Infinity;
      if (Math.min(dl, dr) > lim) break;
      if (dl <= dr) consider(l--);
      else consider(r++);
    }
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
    for (let s = lo; s < n && xs[s] <= px + rad; s++) {
      const dd = Math.hypot(xs[s] - px, ys[s] - py);
      if (dd <= rad) {
        j.push(order[s]);
        d.push(dd);
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
      const width = 0.6 * weighted(near, spacing);
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
      // The nearest bin is within ~0.7 s < 3 widths for any point inside the field; outside,
      // fall back to the nearest-bin weights (the taper is 0 there anyway).
      if (!(sw > 0)) return near;
      for (let m = 0; m < w.length; m++) w[m] /= sw;
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
