/**
 * The kinematic centre: the point about which a map that an axisymmetric galaxy makes
 * point-symmetric (V_rms or sigma: V^2 and sigma^2 are even under (x', y') -> (-x', -y')) is most
 * symmetric.
 *
 * For a trial centre c, the map smoothed at each bin, M̃(r_i), is compared with the map smoothed
 * at the bin's mirror point 2c - r_i (the Gaussian interpolant of neighbours.ts, which does not
 * prefer mirrors that land on bins): z_i = (M̃(r_i) - M̃(2c - r_i)) / sqrt(Var M̃(r_i) +
 * Var M̃(2c - r_i)), and the statistic is S(c) = Σ t_i z_i^2 / Σ t_i, t_i the taper of the
 * mirror point (0 off the field). The variance is the sum of the two (see centreTerms on why not
 * the exact variance of the difference). Trial centres that pair fewer than half as many bins as the
 * best-paired point of the first search grid are not admissible (a mean over few pairs can be
 * small by chance: without this the search ran to the edge of a small field).
 * The mean, not the sum: a centre pushed towards an edge mirrors more bins off the field, and a
 * sum would reward it. S is tabulated on a square grid around a first guess, the grid recentred
 * on its minimum while that lies on the edge, and the minimum refined by the least-squares
 * quadratic over its 5 x 5 neighbourhood (grid-minimum.ts), then again on a 9 x 9 grid at a
 * quarter of the step around that estimate.
 *
 * Uncertainty: a perturbation bootstrap, as for the kinematic PA (kinematic-pa.ts, which says
 * why not a bootstrap about a symmetrised model): fresh noise with the bins' errors (times
 * sqrt(S_min) when S_min > 1: the data scatter more than their errors about a symmetric map) is
 * added to the data and the estimator re-run on the same grid; the errors are the RMS offsets in
 * x and y. To first order the offset is the estimator's response to one noise realisation, about
 * the real map rather than a model of it. The curvature of S is not used because each pair of
 * bins enters twice (as i and as its mirror), so Δχ^2 = 1 would understate the error by about
 * sqrt(2), and the smoothing correlates neighbouring terms further.
 */
import { InputError } from '../../core/errors.ts';
import { Rng } from '../../samplers/rng.ts';
import { quadraticVertex2d } from './grid-minimum.ts';
import { binIndex, weightedVariance, WeightRows, type BinIndex } from './neighbours.ts';

export interface SymmetricMap {
  /** Bin centres in input coordinates, arcsec. */
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  /** The map (V_rms or sigma, km/s) and its 1-sigma errors (> 0). */
  readonly value: ArrayLike<number>;
  readonly err: ArrayLike<number>;
  /** 1 = use the bin (default all). */
  readonly good?: ArrayLike<number>;
}

export interface SymmetryCentreOptions {
  /** Where the search starts (input coordinates, arcsec), e.g. the flux peak; default (0, 0). */
  readonly guess?: readonly [number, number];
  /** Half-width of the search box, arcsec; default max(3 s, 0.1 R), s the median bin spacing, R the field's radius about the guess. */
  readonly halfWidth?: number;
  /** Grid step, arcsec; default max(s_min / 4, halfWidth / 12) (at most 25 x 25 points), s_min the smallest bin spacing. */
  readonly step?: number;
  /** Bootstrap realisations; default 100. */
  readonly nmc?: number;
  readonly seed?: number | string;
}

export interface SymmetryCentreResult {
  /** Centre in input coordinates, arcsec. */
  readonly centre: [number, number];
  /** 1-sigma bootstrap errors in x and y, arcsec, and their correlation. */
  readonly err: [number, number];
  readonly corr: number;
  /** S at the minimum (≈ 1 for a symmetric map with correct errors). */
  readonly statMin: number;
  readonly nUsed: number;
  /** The search grid finally used: its centre, step and points per side. */
  readonly grid: { x0: number; y0: number; step: number; n: number };
  readonly nmc: number;
}

/** The mirror weights of every bin for one trial centre. */
interface CentreTerms {
  rows: WeightRows;
  t: Float64Array;
  ivar: Float64Array;
  /** Σ t_i: how many bins have a mirror inside the field. */
  paired: number;
}

/** The map smoothed at the bins themselves: fixed, whatever the centre. */
interface Smoothed {
  rows: WeightRows;
  variance: Float64Array;
}

function smoothedAtBins(ix: BinIndex, err: Float64Array): Smoothed {
  const own: Smoothed = { rows: new WeightRows(), variance: new Float64Array(ix.n) };
  for (let i = 0; i < ix.n; i++) {
    const p = ix.smoothWeights(ix.x[i], ix.y[i]);
    own.rows.push(p);
    own.variance[i] = weightedVariance(p, err);
  }
  return own;
}

function centreTerms(ix: BinIndex, err: Float64Array, own: Smoothed, cx: number, cy: number): CentreTerms {
  const n = ix.n;
  const rows = new WeightRows();
  const t = new Float64Array(n);
  const ivar = new Float64Array(n);
  let paired = 0;
  for (let i = 0; i < n; i++) {
    const p = ix.smoothWeights(2 * cx - ix.x[i], 2 * cy - ix.y[i]);
    rows.push(p);
    t[i] = p.taper;
    paired += p.taper;
    // The sum of the two variances, though near the trial centre a bin and its mirror are
    // smoothed from shared bins (their difference varies less). The exact variance was tried:
    // it weights those few central pairs so heavily that the kernels' small differences at the
    // V_rms peak biased the mock centres by 3 sigma; the overestimate only down-weights them.
    ivar[i] = 1 / (own.variance[i] + weightedVariance(p, err));
  }
  return { rows, t, ivar, paired };
}

/** S(c) for the smoothed map `ms` (ms[i] = M̃(r_i)) and the data v. */
function statistic(ct: CentreTerms, v: Float64Array, ms: Float64Array): number {
  let s = 0;
  let st = 0;
  for (let i = 0; i < v.length; i++) {
    const t = ct.t[i];
    if (t === 0) continue;
    s += t * ct.ivar[i] * (ms[i] - ct.rows.value(i, v)) ** 2;
    st += t;
  }
  return st > 0 ? s / st : Infinity;
}

interface Grid {
  x0: number;
  y0: number;
  step: number;
  n: number;
  terms: CentreTerms[];
  /** Trial centres pairing fewer bins than this are not admissible (Infinity). */
  minPaired: number;
}

function makeGrid(ix: BinIndex, err: Float64Array, own: Smoothed, x0: number, y0: number, step: number, n: number, minPaired: number | null): Grid {
  const h = (n - 1) / 2;
  const terms: CentreTerms[] = [];
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) terms.push(centreTerms(ix, err, own, x0 + (a - h) * step, y0 + (b - h) * step));
  // Default: half the best pairing on this grid. A centre near the field's edge pairs few bins,
  // and a mean over few terms can be small by chance; the true centre of a field that is to be
  // fitted pairs most of it.
  return { x0, y0, step, n, terms, minPaired: minPaired ?? 0.5 * Math.max(...terms.map((t) => t.paired)) };
}

/** Grid minimum (a, b) and the refined centre. */
function gridMinimum(g: Grid, v: Float64Array, own: Smoothed): { a: number; b: number; centre: [number, number]; s: Float64Array } {
  const ms = Float64Array.from(v, (_, i) => own.rows.value(i, v));
  const s = Float64Array.from(g.terms, (ct) => (ct.paired >= g.minPaired ? statistic(ct, v, ms) : Infinity));
  let k = 0;
  for (let j = 1; j < s.length; j++) if (s[j] < s[k]) k = j;
  const a = Math.floor(k / g.n);
  const b = k % g.n;
  let du = 0;
  let dv = 0;
  // The widest neighbourhood (2 or 1 steps) that fits inside the grid.
  const m = Math.min(2, a, b, g.n - 1 - a, g.n - 1 - b);
  if (m >= 1) {
    const span = Array.from({ length: 2 * m + 1 }, (_, j) => j - m);
    [du, dv] = quadraticVertex2d(span.map((da) => span.map((db) => s[(a + da) * g.n + (b + db)])));
  }
  const h = (g.n - 1) / 2;
  return { a, b, s, centre: [g.x0 + (a + du - h) * g.step, g.y0 + (b + dv - h) * g.step] };
}

function median(a: ArrayLike<number>): number {
  const s = Float64Array.from(a).sort();
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/**
 * Kinematic centre from point symmetry (see the module comment). Throws InputError for fewer than
 * 5 good bins, non-finite values or errors <= 0, bad options, or a minimum that keeps to the edge
 * of the search box after 4 moves (the map is not point-symmetric about any point near the guess).
 */
export function symmetryCentre(map: SymmetricMap, opts: SymmetryCentreOptions = {}): SymmetryCentreResult {
  const keep: number[] = [];
  for (let i = 0; i < map.x.length; i++) if (!map.good || map.good[i]) keep.push(i);
  for (const i of keep) {
    if (!Number.isFinite(map.value[i])) throw new InputError('vrms', `bin ${i} has value ${map.value[i]}; give finite values`);
    if (!(map.err[i] > 0)) throw new InputError('vrms_err', `bin ${i} has error ${map.err[i]}; errors must be > 0`);
  }
  const ix = binIndex(keep.map((i) => map.x[i]), keep.map((i) => map.y[i]), 'symmetry map');
  const v = Float64Array.from(keep, (i) => map.value[i]);
  const err = Float64Array.from(keep, (i) => map.err[i]);
  const n = v.length;
  const nmc = opts.nmc ?? 100;
  if (!Number.isInteger(nmc) || nmc < 10) throw new InputError('nmc', `is ${nmc}; give at least 10 bootstrap realisations`);
  let [gx, gy] = opts.guess ?? [0, 0];
  if (!Number.isFinite(gx) || !Number.isFinite(gy)) throw new InputError('centre guess', `is (${gx}, ${gy}); give finite coordinates`);
  let rField = 0;
  for (let i = 0; i < n; i++) rField = Math.max(rField, Math.hypot(ix.x[i] - gx, ix.y[i] - gy));
  let sMin = Infinity;
  for (const s of ix.spacing) sMin = Math.min(sMin, s);
  const halfWidth = opts.halfWidth ?? Math.max(3 * median(ix.spacing), 0.1 * rField);
  if (!(halfWidth > 0 && Number.isFinite(halfWidth))) throw new InputError('halfWidth', `is ${halfWidth}; give a search half-width > 0 arcsec`);
  const step = opts.step ?? Math.max(sMin / 4, halfWidth / 12);
  if (!(step > 0 && step <= halfWidth)) throw new InputError('step', `is ${step}; give a grid step in (0, halfWidth] arcsec`);
  const np = 2 * Math.round(halfWidth / step) + 1;

  const own = smoothedAtBins(ix, err);
  let grid = makeGrid(ix, err, own, gx, gy, step, np, null);
  const minPaired = grid.minPaired;
  const boundary = (b: { a: number; b: number; s: Float64Array }) => {
    for (let da = -1; da <= 1; da++) {
      for (let db = -1; db <= 1; db++) {
        const a = b.a + da;
        const c = b.b + db;
        if (a >= 0 && a < np && c >= 0 && c < np && b.s[a * np + c] === Infinity) return true;
      }
    }
    return false;
  };
  let best = gridMinimum(grid, v, own);
  for (let move = 0; ; move++) {
    const onEdge = best.a === 0 || best.a === np - 1 || best.b === 0 || best.b === np - 1;
    if (!onEdge && !boundary(best)) break;
    // Against the inadmissible (poorly paired) region too: no centre inside the data.
    if (move === 4 || boundary(best)) {
      throw new InputError('centre', `the map is most symmetric at the edge of the search (or of the region pairing enough bins), near (${best.centre[0].toFixed(2)}, ${best.centre[1].toFixed(2)}) arcsec; give --centre X,Y`);
    }
    const h = (np - 1) / 2;
    gx += (best.a - h) * step;
    gy += (best.b - h) * step;
    grid = makeGrid(ix, err, own, gx, gy, step, np, minPaired);
    best = gridMinimum(grid, v, own);
  }
  // Fine stage: 9 x 9 points at a quarter of the step around the coarse estimate. The statistic
  // is quadratic only close to its minimum: refined on the coarse grid alone, the noise-free
  // centre of a mock shifted by 1.4" came out 0.09" off; on the fine grid, 0.003".
  const fine = makeGrid(ix, err, own, best.centre[0], best.centre[1], step / 4, 9, minPaired);
  const estimate = (vv: Float64Array): [number, number] => {
    const c = gridMinimum(grid, vv, own);
    const f = gridMinimum(fine, vv, own);
    const inside = f.a > 0 && f.a < 8 && f.b > 0 && f.b < 8;
    // A realisation whose minimum leaves the fine box keeps its coarse estimate.
    return inside ? f.centre : c.centre;
  };
  const centre = estimate(v);

  const ct = centreTerms(ix, err, own, centre[0], centre[1]);
  const statMin = statistic(ct, v, Float64Array.from(v, (_, i) => own.rows.value(i, v)));
  const scale = Math.sqrt(Math.max(1, statMin));
  const rng = new Rng(`jamfit-symmetry-centre:${opts.seed ?? 1}`);
  const vs = new Float64Array(n);
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let r = 0; r < nmc; r++) {
    for (let i = 0; i < n; i++) vs[i] = v[i] + scale * err[i] * rng.normal();
    const c = estimate(vs);
    const dx = c[0] - centre[0];
    const dy = c[1] - centre[1];
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  const ex = Math.sqrt(sxx / nmc);
  const ey = Math.sqrt(syy / nmc);
  return {
    centre,
    err: [ex, ey],
    corr: ex > 0 && ey > 0 ? sxy / nmc / (ex * ey) : 0,
    statMin,
    nUsed: n,
    grid: { x0: gx, y0: gy, step, n: np },
    nmc,
  };
}


/**
 * S(c) of the module comment at one trial centre (input coordinates, arcsec), for diagnostics
 * and tests: ≈ 1 at the true centre of a point-symmetric map with correct errors, larger away.
 */
export function symmetryStatistic(map: SymmetricMap, centre: readonly [number, number]): number {
  const keep: number[] = [];
  for (let i = 0; i < map.x.length; i++) if (!map.good || map.good[i]) keep.push(i);
  const ix = binIndex(keep.map((i) => map.x[i]), keep.map((i) => map.y[i]), 'symmetry map');
  const v = Float64Array.from(keep, (i) => map.value[i]);
  const err = Float64Array.from(keep, (i) => map.err[i]);
  const own = smoothedAtBins(ix, err);
  const ms = Float64Array.from(v, (_, i) => own.rows.value(i, v));
  return statistic(centreTerms(ix, err, own, centre[0], centre[1]), v, ms);
}
