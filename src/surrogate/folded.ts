/**
 * The MLP rearranged for inference (what every engine runs): the input standardisation is folded
 * into the first layer and the output de-standardisation into the last, so an engine maps
 * transformed parameter-side inputs (q_M, beta_z, cos i, and in the v2 input set ln q_intr of
 * mass and light, which need the galaxy's q_L) straight to ln v; and the first layer is split into
 * its feature part and its parameter part, so that per galaxy the features' contribution
 * c = W_f^T t(f) + b is computed once (`featureBias`) and each evaluation costs
 * nParams * H + the remaining layers' multiply-adds.
 */
import type { Mlp, MlpLayer } from './mlp.ts';
import { INPUT_NAMES, checkInputNames, transformRow, type Normalisation } from './normalise.ts';

export interface FoldedMlp {
  /** Network input names (manifest order; features first). */
  inputs: readonly string[];
  nFeatures: number;
  /** Parameter-side network inputs (rows of W0p); the raw parameters are always 3. */
  nParams: number;
  nOut: number;
  /** Width of the first layer. */
  h0: number;
  /** SiLU after the first layer. */
  act0: boolean;
  /** Feature rows of the first layer [nFeatures x h0], standardisation folded in. */
  W0f: Float32Array;
  /** Parameter rows of the first layer [nParams x h0], standardisation folded in. */
  W0p: Float32Array;
  /** First-layer bias with the standardisation offsets folded in. */
  b0: Float32Array;
  /** Remaining layers; the last one outputs ln v. */
  rest: MlpLayer[];
}

export function foldMlp(m: Mlp, norm: Normalisation): FoldedMlp {
  const [first, ...others] = m.layers;
  const nF = m.arch.nFeatures;
  const nP = m.arch.nParams;
  const H = first.out;
  checkInputNames(norm.inputs);
  if (norm.inputs.length !== nF + nP) throw new RangeError(`foldMlp: ${norm.inputs.length} normalised inputs for an MLP with ${nF} + ${nP}`);
  const W0f = new Float32Array(nF * H);
  const W0p = new Float32Array(nP * H);
  const b0 = new Float64Array(first.b);
  for (let k = 0; k < nF + nP; k++) {
    const s = norm.inStd[k];
    const mu = norm.inMean[k];
    for (let j = 0; j < H; j++) {
      const w = first.W[k * H + j];
      if (k < nF) W0f[k * H + j] = w / s;
      else W0p[(k - nF) * H + j] = w / s;
      b0[j] -= (w * mu) / s;
    }
  }
  const rest = others.map((l) => ({ ...l, W: Float32Array.from(l.W), b: Float32Array.from(l.b) }));
  if (rest.length === 0) throw new RangeError('foldMlp: the MLP needs at least one hidden layer');
  const last = rest[rest.length - 1];
  for (let i = 0; i < last.in; i++) for (let j = 0; j < last.out; j++) last.W[i * last.out + j] *= norm.outStd[j];
  for (let j = 0; j < last.out; j++) last.b[j] = last.b[j] * norm.outStd[j] + norm.outMean[j];
  return { inputs: norm.inputs.slice(), nFeatures: nF, nParams: nP, nOut: m.arch.nOut, h0: H, act0: first.act, W0f, W0p, b0: Float32Array.from(b0), rest };
}

/** Per-galaxy first-layer bias c = b0 + W0f^T t(f) for raw features f = (n, q_L). */
export function featureBias(fm: FoldedMlp, f: ArrayLike<number>): Float32Array {
  const c = new Float64Array(fm.b0);
  // The feature-side inputs depend on (n, q_L) only; the parameter values here are placeholders.
  const t = new Float64Array(fm.nFeatures);
  transformRow(fm.inputs.slice(0, fm.nFeatures), [f[0], f[1], 1, 0, 90], t);
  for (let k = 0; k < fm.nFeatures; k++) for (let j = 0; j < fm.h0; j++) c[j] += fm.W0f[k * fm.h0 + j] * t[k];
  return Float32Array.from(c);
}

/**
 * Transformed parameter-side inputs [batch x nParams] of raw rows [batch x 3] (q_M, beta_z,
 * inc_deg) for the galaxy with raw features f = (n, q_L), into `out` (default a new array).
 */
export function transformParams(fm: FoldedMlp, p: ArrayLike<number>, batch: number, f: ArrayLike<number>, out = new Float32Array(batch * fm.nParams)): Float32Array {
  const names = fm.inputs.slice(fm.nFeatures);
  const raw = new Float64Array(INPUT_NAMES.length);
  raw[0] = f[0];
  raw[1] = f[1];
  for (let r = 0; r < batch; r++) {
    raw[2] = p[r * 3];
    raw[3] = p[r * 3 + 1];
    raw[4] = p[r * 3 + 2];
    transformRow(names, raw, out, r * fm.nParams);
  }
  return out;
}

/**
 * The per-row inputs of a call that mixes galaxies: transformed parameter-side inputs t
 * [rows x nParams] and first-layer biases c [rows x h0] for raw parameter rows [rows x 3] (q_M,
 * beta_z, inc_deg) and each row's raw features [rows x 2] (n, q_L). c is computed once per
 * distinct feature pair (a batch holds few galaxies and many walkers each).
 */
export function rowInputs(fm: FoldedMlp, params: ArrayLike<number>, features: ArrayLike<number>, rows: number): { t: Float32Array; c: Float32Array } {
  if (features.length < 2 * rows || params.length < 3 * rows) throw new RangeError(`rowInputs: ${rows} rows need ${3 * rows} parameters and ${2 * rows} features, got ${params.length} and ${features.length}`);
  const t = new Float32Array(rows * fm.nParams);
  const c = new Float32Array(rows * fm.h0);
  const bias = new Map<string, Float32Array>();
  for (let r = 0; r < rows; r++) {
    const f = [features[2 * r], features[2 * r + 1]];
    const key = `${f[0]},${f[1]}`;
    let cb = bias.get(key);
    if (!cb) bias.set(key, (cb = featureBias(fm, f)));
    c.set(cb, r * fm.h0);
    transformParams(fm, [params[3 * r], params[3 * r + 1], params[3 * r + 2]], 1, f, t.subarray(r * fm.nParams, (r + 1) * fm.nParams));
  }
  return { t, c };
}

/** A grid -> bins operator: M [nGrid x nBins] row-major (engine.ts GridOperator). */
type Operator = { matrix: Float32Array; nBins: number };

const usedCache = new WeakMap<Operator, Int32Array>();

/**
 * Grid nodes with a nonzero row in op.matrix, ascending: a node whose row is all zero (beyond the
 * data's field plus the PSF's reach) never reaches a bin. Cached per operator object.
 */
export function usedNodes(op: Operator): Int32Array {
  let u = usedCache.get(op);
  if (!u) {
    const nb = op.nBins;
    const list: number[] = [];
    for (let i = 0; i < op.matrix.length / nb; i++) if (op.matrix.subarray(i * nb, (i + 1) * nb).some((w) => w !== 0)) list.push(i);
    u = Int32Array.from(list);
    usedCache.set(op, u);
  }
  return u;
}

/** The rows `used` of op.matrix, in that order: [used.length x nBins]. */
function operatorRows(op: Operator, used: ArrayLike<number>): Operator {
  const nb = op.nBins;
  const m = new Float32Array(used.length * nb);
  for (let k = 0; k < used.length; k++) m.set(op.matrix.subarray(used[k] * nb, (used[k] + 1) * nb), k * nb);
  return { matrix: m, nBins: nb };
}

/** The operator restricted to its used nodes: the node list and those rows of M [nUsed x nBins]. */
export function compactOperator(op: Operator): { used: Int32Array; op: Operator } {
  const used = usedNodes(op);
  return { used, op: operatorRows(op, used) };
}

/**
 * The MLP and operator restricted to the grid nodes the operator uses (usedNodes): each unused
 * node's output unit and its row of M are dropped: the same binned v^2 (the dropped terms were
 * exact zeros; bit-identical in the JS forward, which keeps the summation order; float32
 * engines may block the shorter sum differently, ~1e-7) for ~30% fewer multiply-adds (typically
 * a third of the grid is unused). At least one node is kept. Returns the inputs themselves when
 * nothing can be dropped.
 */
export function pruneForOperator(fm: FoldedMlp, op: Operator): { fm: FoldedMlp; op: Operator } {
  const seen = usedNodes(op);
  const used = seen.length > 0 ? seen : Int32Array.of(0);
  if (used.length === fm.nOut) return { fm, op };
  const last = fm.rest[fm.rest.length - 1];
  const nu = used.length;
  const W = new Float32Array(last.in * nu);
  for (let i = 0; i < last.in; i++) for (let k = 0; k < nu; k++) W[i * nu + k] = last.W[i * last.out + used[k]];
  const pruned: MlpLayer = { ...last, out: nu, W, b: Float32Array.from(used, (g) => last.b[g]) };
  return { fm: { ...fm, nOut: nu, rest: [...fm.rest.slice(0, -1), pruned] }, op: operatorRows(op, used) };
}
