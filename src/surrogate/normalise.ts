/**
 * How physical quantities become the network's inputs and outputs, and back. Recorded in the
 * weights manifest (`inputs`: the network input names) so that inference uses exactly the
 * training-time transform.
 *
 * Raw inputs: features (n, q_L), then parameters (q_M, beta_z, inc_deg). Network inputs, in
 * order: the features' (ln n, q_L), then (q_M, beta_z, cos i) and, in the v2 input set, the
 * derived ln q_intr of the mass and of the light at that inclination; each then standardised
 * with the training set's mean and std. ln n spreads the small-n end, where the profile changes
 * fastest per unit n; cos i is what the projection formulae contain; ln q_intr because V_rms
 * changes fastest near the deprojection limit q' -> cos i (q_intr -> 0), where the v1 set left
 * the worst maps (measured on the held-out set: the maps with max error > 1% had median light
 * q_intr 0.23 against 0.62 overall, their worst point at 4 R_e on the minor axis). The same
 * 5-minute experiment (3 x 128 MLP, 20,000 maps) with the two derived inputs: 97.4% -> 99.35%
 * of maps with max error <= 1%.
 * Output: ln v on each grid point minus its training-set mean, divided by one common scale (the
 * RMS deviation over all points), so the loss is proportional to the squared relative error of v
 * at every point alike.
 */
import { intrinsicQ } from '../jam/deproject.ts';

export interface Normalisation {
  /** Names of the raw inputs, features first: ['n', 'q_L', 'q_M', 'beta_z', 'inc_deg']. */
  inputs: string[];
  inMean: number[];
  inStd: number[];
  outMean: Float32Array;
  outStd: Float32Array;
}

export const FEATURE_NAMES = ['n', 'q_L'] as const;
export const PARAM_NAMES = ['q_M', 'beta_z', 'inc_deg'] as const;
/** The raw inputs, features first (rows of raw arrays are [N x 5] in this order). */
export const INPUT_NAMES = [...FEATURE_NAMES, ...PARAM_NAMES];
/** Network input sets: v1 = the raw inputs transformed; v2 adds ln q_intr of mass and light. */
export const NETWORK_INPUTS_V1: readonly string[] = INPUT_NAMES;
export const NETWORK_INPUTS_V2: readonly string[] = [...INPUT_NAMES, 'ln_qintr_M', 'ln_qintr_L'];
const KNOWN = new Set(NETWORK_INPUTS_V2);

/**
 * q_intr floor inside ln q_intr: the domain keeps q_intr >= 0.05, so the floor only keeps a
 * point past the deprojection limit (which the prior rejects anyway) finite.
 */
const QINTR_FLOOR = 1e-3;

/** Checks a manifest's input names (each known, features first). Throws RangeError otherwise. */
export function checkInputNames(names: readonly string[]): void {
  if (names[0] !== 'n' || names[1] !== 'q_L' || names.some((n) => !KNOWN.has(n))) throw new RangeError(`unknown network inputs ${JSON.stringify(names)}; expected ${JSON.stringify(NETWORK_INPUTS_V2)} or its first 5`);
}

/**
 * Transformed (not yet standardised) network inputs of one raw row r = (n, q_L, q_M, beta_z,
 * inc_deg), in `names` order, into out[off..]. Pure; no range checks (the domain is checked
 * by the caller).
 */
export function transformRow(names: readonly string[], r: ArrayLike<number>, out: Float64Array | Float32Array, off = 0): void {
  for (let k = 0; k < names.length; k++) {
    let t: number;
    switch (names[k]) {
      case 'n': t = Math.log(r[0]); break;
      case 'q_L': t = r[1]; break;
      case 'q_M': t = r[2]; break;
      case 'beta_z': t = r[3]; break;
      case 'inc_deg': t = Math.cos((r[4] * Math.PI) / 180); break;
      case 'ln_qintr_M': t = Math.log(Math.max(intrinsicQ(r[2], r[4]), QINTR_FLOOR)); break;
      case 'ln_qintr_L': t = Math.log(Math.max(intrinsicQ(r[1], r[4]), QINTR_FLOOR)); break;
      default: throw new RangeError(`transformRow: unknown input ${names[k]}`);
    }
    out[off + k] = t;
  }
}

/**
 * Fits the normalisation to raw inputs [N x 5] (INPUT_NAMES order) and v [N x nOut], for the
 * network inputs `names` (default v2).
 */
export function fitNormalisation(raw: ArrayLike<number>, v: Float32Array, n: number, nOut: number, names: readonly string[] = NETWORK_INPUTS_V2): Normalisation {
  checkInputNames(names);
  const nIn = names.length;
  const inMean = new Array(nIn).fill(0);
  const inStd = new Array(nIn).fill(0);
  const t = new Float64Array(nIn);
  const nRaw = INPUT_NAMES.length;
  const r = new Float64Array(nRaw);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < nRaw; k++) r[k] = raw[i * nRaw + k];
    transformRow(names, r, t);
    for (let k = 0; k < nIn; k++) {
      inMean[k] += t[k];
      inStd[k] += t[k] * t[k];
    }
  }
  for (let k = 0; k < nIn; k++) {
    inMean[k] /= n;
    inStd[k] = Math.sqrt(Math.max(inStd[k] / n - inMean[k] ** 2, 0)) || 1;
  }
  const sum = new Float64Array(nOut);
  const sum2 = new Float64Array(nOut);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < nOut; j++) {
      const t = Math.log(v[i * nOut + j]);
      sum[j] += t;
      sum2[j] += t * t;
    }
  }
  const outMean = new Float32Array(nOut);
  let var_ = 0;
  for (let j = 0; j < nOut; j++) {
    outMean[j] = sum[j] / n;
    var_ += Math.max(sum2[j] / n - outMean[j] ** 2, 0);
  }
  // One scale for all points, so the loss is the mean squared relative error of v (a per-point
  // scale would weight the points unequally in relative error).
  const outStd = new Float32Array(nOut).fill(Math.sqrt(var_ / nOut) || 1);
  return { inputs: names.slice(), inMean, inStd, outMean, outStd };
}

/** Normalised network input [N x inputs.length] of raw rows [N x 5] (INPUT_NAMES order). */
export function encodeInputs(norm: Normalisation, raw: ArrayLike<number>, n: number): Float32Array {
  const nIn = norm.inputs.length;
  const nRaw = INPUT_NAMES.length;
  const out = new Float32Array(n * nIn);
  const r = new Float64Array(nRaw);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < nRaw; k++) r[k] = raw[i * nRaw + k];
    transformRow(norm.inputs, r, out, i * nIn);
    for (let k = 0; k < nIn; k++) out[i * nIn + k] = (out[i * nIn + k] - norm.inMean[k]) / norm.inStd[k];
  }
  return out;
}

/** Normalised targets (standardised ln v) of v [N x nOut]. */
export function encodeTargets(norm: Normalisation, v: Float32Array, n: number): Float32Array {
  const nOut = norm.outMean.length;
  const out = new Float32Array(n * nOut);
  for (let i = 0; i < n; i++) for (let j = 0; j < nOut; j++) out[i * nOut + j] = (Math.log(v[i * nOut + j]) - norm.outMean[j]) / norm.outStd[j];
  return out;
}

/** v from normalised outputs y [N x nOut], in place into `out` (default a new array). */
export function decodeOutputs(norm: Normalisation, y: ArrayLike<number>, n: number, out = new Float64Array(n * norm.outMean.length)): Float64Array {
  const nOut = norm.outMean.length;
  for (let i = 0; i < n; i++) for (let j = 0; j < nOut; j++) out[i * nOut + j] = Math.exp(y[i * nOut + j] * norm.outStd[j] + norm.outMean[j]);
  return out;
}
