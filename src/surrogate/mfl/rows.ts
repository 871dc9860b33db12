/**
 * The rows of a multi-component training set (src/surrogate/simulate/mfl-model.ts) in the form
 * training uses: per row the light MGE's polar image (src/photometry/polar-image.ts), the two
 * axial ratios that set how the model depends on inclination, the inclination, and P and Q
 * (v^2 = P + b Q). beta_z is not stored: a row serves every beta_z, and each epoch draws its own
 * (drawBetas), so the network never sees the same (photometry, beta_z) twice.
 */
import { Rng } from '../../../samplers/rng.ts';
import { intrinsicQ } from '../../jam/deproject.ts';
import { flattestQ, luminosityWeightedQ, type Mge } from '../../photometry/mge.ts';
import { polarImage, type PolarImageSpec } from '../../photometry/polar-image.ts';
import { MFL_COLUMNS, MFL_MAX_GAUSSIANS } from '../simulate/mfl-model.ts';
import type { TrainingSet } from '../simulate/reader.ts';

export interface MflRows {
  n: number;
  /** Grid points per map. */
  nG: number;
  /** [n x pixels] polar images (log10 Sigma / I_e). */
  images: Float32Array;
  pixels: number;
  /** Smallest and luminosity-weighted observed q' of each row's MGE. */
  qMin: Float64Array;
  qLw: Float64Array;
  incDeg: Float64Array;
  /** P and Q [n x nG] each. */
  P: Float32Array;
  Q: Float32Array;
}

/** The MGE (half-light units) of row `i` of a multi-component set. */
export function rowMge(ts: Pick<TrainingSet, 'params'>, i: number): Mge {
  const nc = MFL_COLUMNS.length;
  const base = i * nc;
  const nGauss = ts.params[base + MFL_COLUMNS.indexOf('n_gauss')];
  const s0 = base + MFL_COLUMNS.indexOf('surf_00');
  return {
    surf: ts.params.slice(s0, s0 + nGauss),
    sigma: ts.params.slice(s0 + MFL_MAX_GAUSSIANS, s0 + MFL_MAX_GAUSSIANS + nGauss),
    qobs: ts.params.slice(s0 + 2 * MFL_MAX_GAUSSIANS, s0 + 2 * MFL_MAX_GAUSSIANS + nGauss),
  };
}

/** Training rows of a multi-component set (throws RangeError for a v1 set). */
export function mflRows(ts: TrainingSet, spec: PolarImageSpec): MflRows {
  if (!ts.manifest.galaxies) throw new RangeError('mflRows: not a multi-component set');
  const n = ts.n;
  const nG = ts.grid.x.length;
  const pixels = spec.nRad * spec.nTheta;
  const images = new Float32Array(n * pixels);
  const qMin = new Float64Array(n);
  const qLw = new Float64Array(n);
  const incDeg = new Float64Array(n);
  const P = new Float32Array(n * nG);
  const Q = new Float32Array(n * nG);
  const nc = MFL_COLUMNS.length;
  const incCol = MFL_COLUMNS.indexOf('inc_deg');
  for (let i = 0; i < n; i++) {
    const m = rowMge(ts, i);
    images.set(polarImage(m, spec), i * pixels);
    qMin[i] = flattestQ(m);
    qLw[i] = luminosityWeightedQ(m);
    incDeg[i] = ts.params[i * nc + incCol];
    P.set(ts.v.subarray(2 * i * nG, (2 * i + 1) * nG), i * nG);
    Q.set(ts.v.subarray((2 * i + 1) * nG, (2 * i + 2) * nG), i * nG);
  }
  return { n, nG, images, pixels, qMin, qLw, incDeg, P, Q };
}

/** The anisotropy range of training: box and the Simon et al. limit beta_z < factor eps_intr. */
export interface BetaRange {
  lo: number;
  hi: number;
  /** beta_z < epsFactor (1 - q_intr) of the luminosity-weighted q' at the row's inclination. */
  epsFactor: number;
  /** V_rms^2 >= collapse x v^2(beta_z = lo) at every grid point (collapseBetaMax). */
  collapse: number;
}

/** Upper beta_z of a row: min(hi, epsFactor eps_intr of its luminosity-weighted q'). */
export function betaMax(r: BetaRange, qLw: number, incDeg: number): number {
  return Math.min(r.hi, r.epsFactor * (1 - intrinsicQ(qLw, incDeg)));
}

/**
 * Fraction of v^2(beta_z = lo) below which V_rms^2 counts as collapsed: one beta_z for every
 * Gaussian of a round bulge on an edge-on thin disc drives v_phi^2 < 0 above the disc (measured
 * on the training family: V_rms^2 of the constant-beta model crosses 0 inside 4 R_e for 10% of
 * rows at beta_z below the 0.7 eps_intr limit), and the exact model is unphysical there.
 */
export const COLLAPSE_FRACTION = 0.1;

export const MFL_BETA_RANGE: BetaRange = { lo: -0.45, hi: 0.45, epsFactor: 0.7, collapse: COLLAPSE_FRACTION };

/**
 * The largest beta_z at which V_rms^2 = P + b Q stays >= frac v^2(beta_z = lo) at every point:
 * P + b Q >= frac (P + b_lo Q) for every point with Q < 0 (b = 1/(1 - beta_z); the points with
 * Q >= 0 only grow). Returns 1 when no point limits it.
 */
export function collapseBeta(P: ArrayLike<number>, Q: ArrayLike<number>, lo: number, frac = COLLAPSE_FRACTION): number {
  const bLo = 1 / (1 - lo);
  let bMax = Infinity;
  for (let j = 0; j < P.length; j++) if (Q[j] < 0) bMax = Math.min(bMax, ((1 - frac) * P[j]) / -Q[j] + frac * bLo);
  return bMax === Infinity ? 1 : 1 - 1 / bMax;
}

/** collapseBeta of row i. */
export function collapseBetaMax(rows: Pick<MflRows, 'P' | 'Q' | 'nG'>, i: number, lo: number, frac = COLLAPSE_FRACTION): number {
  const nG = rows.nG;
  return collapseBeta(rows.P.subarray(i * nG, (i + 1) * nG), rows.Q.subarray(i * nG, (i + 1) * nG), lo, frac);
}

type BetaRows = Pick<MflRows, 'n' | 'qLw' | 'incDeg' | 'P' | 'Q' | 'nG'>;

/**
 * The upper beta_z of every row: the smallest of the box, the eps_intr limit (betaMax) and the
 * collapse limit (collapseBetaMax), never below r.lo. It depends on the row alone, so a trainer
 * computes it once and passes it to every epoch's drawBetas.
 */
export function betaHighs(rows: BetaRows, r: BetaRange): Float64Array {
  return Float64Array.from({ length: rows.n }, (_, i) => Math.max(r.lo, Math.min(betaMax(r, rows.qLw[i], rows.incDeg[i]), collapseBetaMax(rows, i, r.lo, r.collapse))));
}

/**
 * beta_z of each row for one epoch (or for a fixed validation draw): uniform in [lo, hi) with hi
 * from betaHighs (pass it in to avoid recomputing it), from a generator seeded with (seed, epoch)
 * alone, so a resumed run draws the same values.
 */
export function drawBetas(rows: BetaRows, r: BetaRange, seed: number, epoch: number, hi: ArrayLike<number> = betaHighs(rows, r)): Float64Array {
  const rng = new Rng(`jamfit-mfl-beta:${seed}:${epoch}`);
  const out = new Float64Array(rows.n);
  for (let i = 0; i < rows.n; i++) out[i] = r.lo + (hi[i] - r.lo) * rng.uniform();
  return out;
}

/**
 * Parameter inputs of the network, in order (features come first, from the image). The
 * inclination enters as cos^2 i: the exact maps depend on it only through cos^2 i and the
 * intrinsic q's (Cappellari 2008 eq. 13), so a network that reads cos^2 i is smooth in the
 * inclination table's variable t = ln sqrt(q'_min^2 - cos^2 i) up to i = 90, where cos i is not
 * (i - 90 goes as sqrt(t_90 - t)).
 */
export const MFL_PARAM_INPUTS = ['beta_z', 'cos2_i', 'ln_qintr_min', 'ln_qintr_lw'] as const;

/** The inputs of the first models (fixtures before 2026-12-06 read cos i); still read. */
export const MFL_PARAM_INPUTS_V1 = ['beta_z', 'cos_i', 'ln_qintr_min', 'ln_qintr_lw'] as const;

const QINTR_FLOOR = 1e-3;

/**
 * The untransformed-to-standardised parameter inputs of one (row, beta_z) into out[off..]: beta_z,
 * cos^2 i (cos i for a model whose `names` are MFL_PARAM_INPUTS_V1), ln q_intr of qMin and of qLw
 * (floored at 1e-3). incDeg in degrees, where the Gaussians deproject.
 */
export function paramInputs(beta: number, incDeg: number, qMin: number, qLw: number, out: Float32Array | Float64Array, off = 0, names: readonly string[] = MFL_PARAM_INPUTS): void {
  const c = Math.cos((incDeg * Math.PI) / 180);
  out[off] = beta;
  out[off + 1] = names[1] === 'cos_i' ? c : c * c;
  out[off + 2] = Math.log(Math.max(intrinsicQ(qMin, incDeg), QINTR_FLOOR));
  out[off + 3] = Math.log(Math.max(intrinsicQ(qLw, incDeg), QINTR_FLOOR));
}

/** ln v of row i at beta_z into out[off..off+nG]; v^2 <= 0 (never in the training range) gives ln of a tiny v. */
export function lnV(rows: Pick<MflRows, 'P' | 'Q' | 'nG'>, i: number, beta: number, out: Float32Array | Float64Array, off = 0): void {
  const b = 1 / (1 - beta);
  const nG = rows.nG;
  for (let j = 0; j < nG; j++) out[off + j] = 0.5 * Math.log(Math.max(rows.P[i * nG + j] + b * rows.Q[i * nG + j], 1e-30));
}
