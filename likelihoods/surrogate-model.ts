/**
 * The surrogate as a binned model of the V_rms likelihood: MLP (features set once per galaxy)
 * -> v on the theta-log r grid -> W (the same grid -> bins operator as the exact JAM's, built on
 * the surrogate's grid in arcsec) -> binned V_rms^2 = v2Scale * M/L * (W v^2).
 *
 * Two paths give the same numbers (float32 weights either way):
 *  - batched (the sampler's): an engine (onnxruntime when present) runs MLP and W for a whole
 *    half-ensemble in one call (src/fit/surrogate-evaluator.ts) and hands each walker's row to
 *    `setRow` before that walker's log-probability is taken;
 *  - direct (start draws, the best model, tests): with no row set, the plain-JS forward
 *    (runFoldedJs) computes the one model synchronously.
 * Domain: parameters outside the training domain (box, q_intr >= qIntrMin of light and mass,
 * beta_z < 0.7 eps_intr) are a DomainError (-> -Infinity in the posterior), never extrapolated.
 */
import { DomainError, InputError } from '../core/errors.ts';
import type { GridToBins } from '../src/operator/grid-to-bins.ts';
import { domainViolation, type TrainingDomain } from '../src/surrogate/domain.ts';
import type { GridOperator } from '../src/surrogate/engine.ts';
import { runFoldedJs } from '../src/surrogate/engine-js.ts';
import { featureBias, foldMlp, pruneForOperator, type FoldedMlp } from '../src/surrogate/folded.ts';
import type { SurrogateGalaxy } from '../src/surrogate/galaxy.ts';
import type { Surrogate } from '../src/surrogate/model-files.ts';
import type { GridParams } from './grid-model.ts';
import type { BinnedModel } from './vrms-grid.ts';

/** W as the engines take it: float32 [ngrid x nbins] (the transpose of W's nbins x ngrid). */
export function engineOperator(op: GridToBins): GridOperator {
  const M = new Float32Array(op.ngrid * op.nbins);
  if (op.dense) {
    for (let b = 0; b < op.nbins; b++) for (let g = 0; g < op.ngrid; g++) M[g * op.nbins + b] = op.dense[b * op.ngrid + g];
  } else {
    const w = op.sparse!;
    for (let b = 0; b < op.nbins; b++) for (let k = 4 * b; k < 4 * b + 4; k++) M[w.index[k] * op.nbins + b] += w.weight[k];
  }
  return { matrix: M, nBins: op.nbins };
}

export interface SurrogateBinnedModel extends BinnedModel {
  readonly label: string;
  readonly fm: FoldedMlp;
  readonly operator: GridOperator;
  readonly galaxy: SurrogateGalaxy;
  readonly domain: TrainingDomain;
  /**
   * The engine's dimensionless binned v^2 (W v^2, length nbins) for the next `vrms2Bins` call,
   * or null for the direct path. The caller sets it, takes the walker's log-probability, and
   * clears it.
   */
  setRow(row: ArrayLike<number> | null): void;
  /**
   * Engine rows for the direct path: `rows` (n x nbins, as `setRow` takes them) computed by the
   * engine at `params` (n x [q_M, beta_z, inc_deg], float32). A later direct-path call at one of
   * these parameter vectors (equal in float32) uses its row instead of the plain-JS forward, so
   * the start draws and the posterior predictive check cost one engine call, not hundreds of JS
   * forwards. Replaces any earlier table; n = 0 clears it.
   */
  cacheRows(params: Float32Array, rows: Float32Array, n: number): void;
}

const rowKey = (qM: number, betaZ: number, incDeg: number) => `${Math.fround(qM)},${Math.fround(betaZ)},${Math.fround(incDeg)}`;

/**
 * @param op  W built on surrogateGridArcsec(s, galaxy.reArcsec) for the used bins.
 * @throws InputError when the galaxy's features (n, q_L) lie outside the training domain.
 */
export function surrogateBinnedModel(s: Surrogate, galaxy: SurrogateGalaxy, op: GridToBins, source = 'photometry'): SurrogateBinnedModel {
  const domain = s.manifest.domain;
  const [n, qL] = galaxy.features;
  const box = domain.box;
  const how = galaxy.featureSource === 'cnn' ? ' (as the CNN reads the MGE)' : '';
  if (!(n >= box.n[0] && n <= box.n[1])) throw new InputError(source, `Sérsic n = ${n.toPrecision(4)}${how} is outside the surrogate's training domain ${box.n[0]}..${box.n[1]}; fit with --exact`);
  if (!(qL >= box.q_L[0] && qL <= box.q_L[1])) throw new InputError(source, `the light's axial ratio q = ${qL.toPrecision(4)}${how} is outside the surrogate's training domain ${box.q_L[0]}..${box.q_L[1]} (flatter photometry needs --exact)`);
  const fm = foldMlp(s.mlp, s.norm);
  if (fm.nOut !== op.ngrid) throw new RangeError(`surrogateBinnedModel: W has ${op.ngrid} grid columns, the MLP ${fm.nOut} outputs`);
  const operator = engineOperator(op);
  const direct = pruneForOperator(fm, operator); // the JS path's network, as the engines prune it
  const c = featureBias(fm, galaxy.features);
  const raw = new Float64Array(5);
  raw[0] = n;
  raw[1] = qL;
  const pr = new Float64Array(3);
  let row: ArrayLike<number> | null = null;
  let cached = new Map<string, Float32Array>();
  return {
    nbins: op.nbins,
    linearInMl: true,
    label: `surrogate (MLP ${s.mlp.arch.hidden.join('x')}, features n ${n.toPrecision(4)} q_L ${qL.toPrecision(4)} from the ${galaxy.featureSource === 'cnn' ? 'CNN reading the MGE' : 'Sérsic photometry'}), ${s.manifest.grid.nRad} x ${s.manifest.grid.nTheta} grid over ${s.manifest.grid.rMin}..${s.manifest.grid.rMax} R_e (R_e ${galaxy.reArcsec.toPrecision(4)}")`,
    fm,
    operator,
    galaxy,
    domain,
    setRow(r) {
      row = r;
    },
    cacheRows(params, rows, n) {
      cached = new Map();
      const nb = op.nbins;
      for (let i = 0; i < n; i++) cached.set(rowKey(params[3 * i], params[3 * i + 1], params[3 * i + 2]), rows.slice(i * nb, (i + 1) * nb));
    },
    vrms2Bins(p: GridParams, out: Float64Array) {
      raw[2] = p.qM;
      raw[3] = p.betaZ;
      raw[4] = p.incDeg;
      const bad = domainViolation(domain, raw);
      if (bad) throw new DomainError('parameters', `${bad}: outside the surrogate's training domain`);
      if (!(p.ml > 0)) throw new DomainError('ml', `is ${p.ml}; M/L must be > 0`);
      const k = galaxy.v2Scale * p.ml;
      let r = row;
      if (r === null && cached.size) r = cached.get(rowKey(p.qM, p.betaZ, p.incDeg)) ?? null;
      if (r === null) {
        pr[0] = p.qM;
        pr[1] = p.betaZ;
        pr[2] = p.incDeg;
        r = runFoldedJs(direct.fm, c, galaxy.features, pr, 1, direct.op);
      }
      for (let i = 0; i < out.length; i++) out[i] = k * r[i];
      return out;
    },
  };
}
