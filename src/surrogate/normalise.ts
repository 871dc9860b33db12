/**
 * How physical quantities become the network's inputs and outputs, and back. Recorded in the
 * weights manifest so that inference uses exactly the training-time transform.
 *
 * Inputs, in order: features (n, q_L) -> (ln n, q_L), then parameters (q_M, beta_z, inc_deg) ->
 * (q_M, beta_z, cos i); each then standardised with the training set's mean and std. ln n
 * spreads the small-n end, where the profile changes fastest per unit n; cos i is what the
 * projection formulae contain.
 * Output: ln v on each grid point minus its training-set mean, divided by one common scale (the
 * RMS deviation over all points), so the loss is proportional to the squared relative error of v
 * at every point alike.
 */
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
export const INPUT_NAMES = [...FEATURE_NAMES, ...PARAM_NAMES];

/** The fixed transform of one raw input (before standardisation). */
export function transformInput(k: number, x: number): number {
  if (k === 0) return Math.log(x);
  if (k === 4) return Math.cos((x * Math.PI) / 180);
  return x;
}

/** Fits the normalisation to raw inputs [N x 5] (INPUT_NAMES order) and v [N x nOut]. */
export function fitNormalisation(raw: ArrayLike<number>, v: Float32Array, n: number, nOut: number): Normalisation {
  const nIn = INPUT_NAMES.length;
  const inMean = new Array(nIn).fill(0);
  const inStd = new Array(nIn).fill(0);
  for (let k = 0; k < nIn; k++) {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const t = transformInput(k, raw[i * nIn + k]);
      s += t;
      s2 += t * t;
    }
    inMean[k] = s / n;
    inStd[k] = Math.sqrt(Math.max(s2 / n - inMean[k] ** 2, 0)) || 1;
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
  return { inputs: INPUT_NAMES.slice(), inMean, inStd, outMean, outStd };
}

/** Normalised network input of raw rows [N x 5] (INPUT_NAMES order). */
export function encodeInputs(norm: Normalisation, raw: ArrayLike<number>, n: number): Float32Array {
  const nIn = norm.inMean.length;
  const out = new Float32Array(n * nIn);
  for (let i = 0; i < n; i++) for (let k = 0; k < nIn; k++) out[i * nIn + k] = (transformInput(k, raw[i * nIn + k]) - norm.inMean[k]) / norm.inStd[k];
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
