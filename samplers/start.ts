/**
 * Starting ensembles: validation of a user's starting positions, and helpers that build them
 * (a Gaussian ball around a point, or a ball shaped by the curvature at an optimum).
 */
import { InputError } from '../core/errors.ts';
import { symmetricEigen } from './linalg.ts';
import { Rng } from './rng.ts';

/** Condition number of the walkers' correlation matrix above which the start is called degenerate. */
export const MAX_START_CONDITION = 1e8;

/**
 * Converts and validates starting positions.
 * @param initial - nwalkers rows of ndim finite numbers (number[][] or a flat row-major Float64Array).
 * @returns a fresh flat row-major Float64Array.
 * @throws InputError naming `initial[k]` or `initial[k][d]` for a wrong shape or a non-finite value.
 */
export function toPositions(initial: ArrayLike<ArrayLike<number>> | Float64Array, nwalkers: number, ndim: number): Float64Array {
  const out = new Float64Array(nwalkers * ndim);
  if (initial instanceof Float64Array) {
    if (initial.length !== nwalkers * ndim)
      throw new InputError('initial', `flat array has ${initial.length} values; need nwalkers x ndim = ${nwalkers} x ${ndim}`);
    out.set(initial);
  } else {
    if (!initial || initial.length !== nwalkers)
      throw new InputError('initial', `has ${initial?.length} rows; need one row per walker (nwalkers = ${nwalkers})`);
    for (let k = 0; k < nwalkers; k++) {
      const row = initial[k];
      if (!row || row.length !== ndim) throw new InputError(`initial[${k}]`, `has ${row?.length} values; need ndim = ${ndim}`);
      for (let d = 0; d < ndim; d++) out[k * ndim + d] = row[d];
    }
  }
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i]))
      throw new InputError(`initial[${Math.floor(i / ndim)}][${i % ndim}]`, `is ${out[i]}; starting positions must be finite`);
  }
  return out;
}

/**
 * Rejects a degenerate starting ensemble: walkers that all share one value of a parameter, or
 * lie (numerically) on a lower-dimensional subspace. The stretch and walk moves never leave the
 * affine hull of the ensemble, so such a start can never explore the full space.
 * Uses the correlation matrix, so parameters on very different scales are not flagged.
 * @param pos - flat nwalkers x ndim positions.
 * @param names - optional parameter names for messages.
 * @throws InputError('initial', ...) naming the parameter or the degenerate combination.
 */
export function checkDegenerate(pos: Float64Array, nwalkers: number, ndim: number, names?: readonly string[]): void {
  const name = (d: number) => (names?.[d] ? `${names[d]} (parameter ${d})` : `parameter ${d}`);
  const mean = new Float64Array(ndim);
  for (let k = 0; k < nwalkers; k++) for (let d = 0; d < ndim; d++) mean[d] += pos[k * ndim + d];
  for (let d = 0; d < ndim; d++) mean[d] /= nwalkers;
  const cov = new Float64Array(ndim * ndim);
  for (let k = 0; k < nwalkers; k++)
    for (let i = 0; i < ndim; i++) {
      const di = pos[k * ndim + i] - mean[i];
      for (let j = 0; j <= i; j++) cov[i * ndim + j] += di * (pos[k * ndim + j] - mean[j]);
    }
  const sd = new Float64Array(ndim);
  for (let d = 0; d < ndim; d++) {
    sd[d] = Math.sqrt(cov[d * ndim + d]);
    // Spread below ~1e-14 of the magnitude is rounding noise, not spread.
    if (!(sd[d] > 1e-14 * Math.sqrt(nwalkers) * Math.max(Math.abs(mean[d]), 1e-300)))
      throw new InputError('initial', `all walkers have the same value of ${name(d)}; give every parameter some spread, e.g. with ball(center, scale, { nwalkers })`);
  }
  const corr = new Float64Array(ndim * ndim);
  for (let i = 0; i < ndim; i++)
    for (let j = 0; j <= i; j++) corr[i * ndim + j] = corr[j * ndim + i] = cov[i * ndim + j] / (sd[i] * sd[j]);
  const { values, vectors } = symmetricEigen(corr, ndim);
  let imin = 0;
  let vmax = 0;
  for (let i = 0; i < ndim; i++) {
    if (values[i] < values[imin]) imin = i;
    vmax = Math.max(vmax, values[i]);
  }
  const cond = vmax / Math.max(values[imin], 0);
  if (cond > MAX_START_CONDITION) {
    // Name the combination: the weights of the near-null eigenvector (in standardised units).
    const terms: string[] = [];
    const order = Array.from({ length: ndim }, (_, d) => d).sort((a, b) => Math.abs(vectors[b * ndim + imin]) - Math.abs(vectors[a * ndim + imin]));
    for (const d of order.slice(0, 4)) {
      const w = vectors[d * ndim + imin];
      if (Math.abs(w) > 0.05) terms.push(`${w.toFixed(2)}*${names?.[d] ?? `p${d}`}`);
    }
    throw new InputError(
      'initial',
      `walkers lie on a lower-dimensional subspace (correlation-matrix condition number ${cond.toExponential(1)} > ${MAX_START_CONDITION.toExponential(0)}, along ${terms.join(' + ')} in standardised units); start from a ball with independent scatter in every parameter`,
    );
  }
}

/** Options of {@link ball}. */
export interface BallOptions {
  /** Number of walkers (>= 1). */
  nwalkers: number;
  /** Seed for the scatter (default 0, so the start itself is reproducible). */
  seed?: number | string;
  /**
   * If given, walkers whose log-probability is not finite are redrawn (up to `maxTries` times each),
   * so the ball can straddle a prior boundary.
   */
  logProb?: (x: Float64Array, blob: Float64Array) => number;
  /** Redraws per walker before giving up (default 1000). */
  maxTries?: number;
}

/**
 * A Gaussian ball of walkers: x_kd = center_d + scale_d N(0, 1).
 * @param center - the point (ndim finite values).
 * @param scale - per-parameter standard deviation (> 0), or one number for all.
 * @returns nwalkers rows of ndim numbers.
 * @throws InputError for a bad center/scale, or when a walker cannot be placed where logProb is finite.
 */
export function ball(center: readonly number[], scale: number | readonly number[], opts: BallOptions): number[][] {
  const ndim = center.length;
  const { nwalkers } = opts;
  if (!(Number.isInteger(nwalkers) && nwalkers >= 1)) throw new InputError('nwalkers', `must be an integer >= 1, got ${nwalkers}`);
  if (ndim < 1) throw new InputError('center', 'is empty; give one value per parameter');
  center.forEach((c, d) => {
    if (!Number.isFinite(c)) throw new InputError(`center[${d}]`, `is ${c}; must be finite`);
  });
  const sc = typeof scale === 'number' ? new Array<number>(ndim).fill(scale) : scale;
  if (sc.length !== ndim) throw new InputError('scale', `has ${sc.length} values; need one per parameter (${ndim}) or a single number`);
  sc.forEach((s, d) => {
    if (!(s > 0 && Number.isFinite(s))) throw new InputError(`scale[${d}]`, `is ${s}; must be a finite number > 0`);
  });
  const rng = new Rng(opts.seed ?? 0);
  const maxTries = opts.maxTries ?? 1000;
  const x = new Float64Array(ndim);
  const blob = new Float64Array(64);
  const out: number[][] = [];
  for (let k = 0; k < nwalkers; k++) {
    for (let t = 0; ; t++) {
      for (let d = 0; d < ndim; d++) x[d] = center[d] + sc[d] * rng.normal();
      if (!opts.logProb || Number.isFinite(opts.logProb(x, blob))) break;
      if (t + 1 >= maxTries)
        throw new InputError('center', `no finite log-probability in ${maxTries} draws around it for walker ${k}; move the center inside the prior or shrink the scale`);
    }
    out.push(Array.from(x));
  }
  return out;
}

/** Options of {@link fromOptimum}. */
export interface FromOptimumOptions {
  nwalkers: number;
  seed?: number | string;
  /** Initial simplex size per parameter for the optimiser (default 0.1 max(|x0_d|, 1)). */
  step?: number | readonly number[];
  /** Maximum log-probability evaluations of the optimiser (default 2000 ndim). */
  maxEvals?: number;
  /** Ball width as a fraction of the Laplace (curvature) standard deviation (default 0.1). */
  widthFraction?: number;
}

/**
 * Maximises `logProb` from `x0` (Nelder-Mead), estimates each parameter's Laplace standard
 * deviation from the diagonal curvature at the optimum (finite differences), and returns a ball of
 * walkers `widthFraction` times that wide, kept inside the support.
 * @param logProb - per-walker log-probability (as for the sampler).
 * @param x0 - starting point with finite log-probability.
 * @returns the walkers, the optimum and its log-probability, and the curvature scales.
 * @throws InputError when logProb(x0) is not finite.
 */
export function fromOptimum(
  logProb: (x: Float64Array, blob: Float64Array) => number,
  x0: readonly number[],
  opts: FromOptimumOptions,
): { initial: number[][]; optimum: number[]; logProb: number; scale: number[] } {
  const ndim = x0.length;
  const blob = new Float64Array(64);
  const f = (x: Float64Array) => {
    const v = logProb(x, blob);
    return Number.isNaN(v) ? -Infinity : v;
  };
  const start = Float64Array.from(x0);
  if (!Number.isFinite(f(start))) throw new InputError('x0', `log-probability is ${logProb(start, blob)} there; start the optimiser inside the prior`);
  const steps = opts.step === undefined ? x0.map((v) => 0.1 * Math.max(Math.abs(v), 1)) : typeof opts.step === 'number' ? new Array<number>(ndim).fill(opts.step) : opts.step;
  const best = nelderMeadMax(f, start, steps, opts.maxEvals ?? 2000 * ndim);
  const fbest = f(best);
  // Laplace scale per parameter from the second difference; fall back to the simplex step.
  const scale: number[] = [];
  const y = new Float64Array(ndim);
  for (let d = 0; d < ndim; d++) {
    let h = 1e-3 * Math.max(Math.abs(best[d]), steps[d] * 10, 1e-8);
    let sd = NaN;
    for (let tries = 0; tries < 20; tries++) {
      y.set(best);
      y[d] = best[d] + h;
      const fp = f(y);
      y[d] = best[d] - h;
      const fm = f(y);
      const curv = (fp - 2 * fbest + fm) / (h * h);
      if (Number.isFinite(curv) && curv < 0) {
        sd = 1 / Math.sqrt(-curv);
        break;
      }
      h /= 4;
    }
    scale.push(Number.isFinite(sd) ? sd : steps[d] * 1e-2);
  }
  const frac = opts.widthFraction ?? 0.1;
  const initial = ball(Array.from(best), scale.map((s) => frac * s), { nwalkers: opts.nwalkers, seed: opts.seed, logProb });
  return { initial, optimum: Array.from(best), logProb: fbest, scale };
}

/** Nelder-Mead maximisation (standard coefficients 1, 2, 0.5, 0.5); returns the best vertex. */
function nelderMeadMax(f: (x: Float64Array) => number, x0: Float64Array, steps: readonly number[], maxEvals: number): Float64Array {
  const n = x0.length;
  const pts: Float64Array[] = [];
  const val: number[] = [];
  for (let i = 0; i <= n; i++) {
    const p = Float64Array.from(x0);
    if (i > 0) p[i - 1] += steps[i - 1];
    pts.push(p);
    val.push(-f(p));
  }
  let evals = n + 1;
  const cen = new Float64Array(n);
  const tryPt = (coef: number, worst: Float64Array) => {
    const p = new Float64Array(n);
    for (let d = 0; d < n; d++) p[d] = cen[d] + coef * (worst[d] - cen[d]);
    return p;
  };
  while (evals < maxEvals) {
    const ord = val.map((_, i) => i).sort((a, b) => val[a] - val[b]);
    const sp = ord.map((i) => pts[i]);
    const sv = ord.map((i) => val[i]);
    pts.splice(0, pts.length, ...sp);
    val.splice(0, val.length, ...sv);
    if (Math.abs(val[n] - val[0]) <= 1e-10 * (Math.abs(val[0]) + 1e-10)) break;
    cen.fill(0);
    for (let i = 0; i < n; i++) for (let d = 0; d < n; d++) cen[d] += pts[i][d] / n;
    const xr = tryPt(-1, pts[n]);
    const fr = -f(xr);
    evals++;
    if (fr < val[0]) {
      const xe = tryPt(-2, pts[n]);
      const fe = -f(xe);
      evals++;
      if (fe < fr) { pts[n] = xe; val[n] = fe; } else { pts[n] = xr; val[n] = fr; }
    } else if (fr < val[n - 1]) {
      pts[n] = xr;
      val[n] = fr;
    } else {
      const xc = fr < val[n] ? tryPt(-0.5, pts[n]) : tryPt(0.5, pts[n]);
      const fc = -f(xc);
      evals++;
      if (fc < Math.min(fr, val[n])) {
        pts[n] = xc;
        val[n] = fc;
      } else {
        for (let i = 1; i <= n; i++) {
          for (let d = 0; d < n; d++) pts[i][d] = pts[0][d] + 0.5 * (pts[i][d] - pts[0][d]);
          val[i] = -f(pts[i]);
          evals++;
        }
      }
    }
  }
  let b = 0;
  for (let i = 1; i <= n; i++) if (val[i] < val[b]) b = i;
  return pts[b];
}
