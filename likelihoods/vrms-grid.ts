/**
 * The Gaussian V_rms likelihood of binned data through a grid model and the grid -> bins operator:
 *     grid model (params) -> V_rms^2 at the grid nodes -> W -> binned V_rms^2 -> sqrt -> Gaussian.
 * W (src/operator/grid-to-bins.ts: interpolation, surface-brightness weighting, PSF, pixel) is
 * built once per galaxy on the model's grid, so the same likelihood serves every engine.
 *
 * M/L handling (`mlMode`):
 *  - 'sample': M/L is a parameter (the prior, log-uniform by default, is in fit-prior.ts); the
 *    model is evaluated at that M/L.
 *  - 'profile': the model at M/L = 1, the scale s = sqrt(M/L) maximised analytically
 *    (vrms-gaussian.ts `profiled`); M/L = s*^2 is returned.
 *  - 'marginal': s integrated out analytically under a prior FLAT IN s = sqrt(M/L) on (0, inf),
 *    i.e. p(M/L) ∝ (M/L)^(-1/2), improper (vrms-gaussian.ts `marginal`). This is not the
 *    log-uniform M/L prior of 'sample' mode, and it shifts the other parameters' posteriors by a
 *    factor ≈ s*(θ); M/L = E[s]^2 is returned (a point value, not the posterior mean of M/L).
 * 'profile' and 'marginal' need V_rms^2 ∝ M/L, so they are refused with a black hole. They also
 * need a Gaussian with errors that do not depend on the parameters (chi^2 quadratic in s): with a
 * sampled systematic term ('fraction', 'floor') or the Student-t they are refused with one line
 * (use 'sample'); 'mitzkus' inflates fixed errors and keeps them.
 *
 * Noise (likelihoods/systematics.ts): the total error of each bin and the residual distribution;
 * default the formal errors and a Gaussian. `evaluate(p, theta)` takes the noise term's value
 * (f_sys, or the floor in km/s) when the noise model samples one.
 *
 * Active bins: `active` (indices into the data's bins, default all) are the bins in the likelihood;
 * the model is still computed at every bin W maps to, so clipped bins keep a model and a residual
 * (the clipping and the posterior predictive check need them).
 */
import { newGridParams } from './grid-model.ts';
import { InputError } from '../core/errors.ts';
import { applyGridToBins, type GridToBins } from '../src/operator/grid-to-bins.ts';
import type { GridModel, GridParams } from './grid-model.ts';
import { gaussianSums, noiseModel, type GaussianSums, type NoiseModel } from './systematics.ts';
import { checkVrmsData, marginal, profiled, type VrmsData } from './vrms-gaussian.ts';

export type MlMode = 'sample' | 'profile' | 'marginal';

export interface GridLikelihoodResult {
  logL: number;
  /** chi^2 of the model at the returned M/L against the formal errors, over the active bins. */
  chi2: number;
  /** sum of ((d - m) / sigma_total)^2 over the active bins (= chi2 without a systematic term). */
  chi2Total: number;
  /** M/L used ('sample'), best ('profile') or E[sqrt(M/L)]^2 ('marginal'). */
  ml: number;
}

export interface GridLikelihood {
  readonly nbins: number;
  readonly mlMode: MlMode;
  readonly noise: NoiseModel;
  /** Indices of the bins in the likelihood (into the data's bins), increasing. */
  readonly active: Int32Array;
  /**
   * log L at `p` (p.ml is used only in 'sample' mode); `theta` is the noise term (f_sys or km/s)
   * when the noise model samples one, else ignored. A DomainError from the model propagates
   * (wrap the posterior in domainSafe). Reuses internal buffers: not re-entrant.
   */
  evaluate(p: GridParams, theta?: number): GridLikelihoodResult;
  /** Model V_rms at every bin (km/s) at `p`, as used by `evaluate` (a new array). */
  modelVrms(p: GridParams): Float64Array;
}

export interface GridLikelihoodOptions {
  /** Default: the formal errors, Gaussian. */
  noise?: NoiseModel;
  /** Bins in the likelihood (indices into data's bins, distinct, in range); default all. */
  active?: ArrayLike<number>;
}

/**
 * A model that yields binned V_rms^2 directly: the grid model composed with W (below), or an
 * engine that applies W itself (the surrogate's MLP + operator in one call).
 */
export interface BinnedModel {
  readonly nbins: number;
  /** As GridModel.linearInMl. */
  readonly linearInMl: boolean;
  /** Fills `out` (length nbins) with binned V_rms^2 in (km/s)^2 at `p` and returns it. */
  vrms2Bins(p: GridParams, out: Float64Array): Float64Array;
}

/**
 * @param data   checked V_rms data of the bins W maps to (same order, same count).
 * @param op     W built on `model.grid`.
 * @param model  the grid model.
 * @throws InputError when the sizes disagree, or 'profile'/'marginal' with a non-linear model or a
 *   noise model whose errors are not fixed.
 */
export function gridLikelihood(data: VrmsData, op: GridToBins, model: GridModel, mlMode: MlMode = 'sample', opts: GridLikelihoodOptions = {}): GridLikelihood {
  const ngrid = model.grid.x.length;
  if (op.ngrid !== ngrid) throw new InputError('operator', `has ${op.ngrid} grid columns but the model's grid has ${ngrid} nodes; build W on the model's grid`);
  const g = new Float64Array(ngrid);
  return binnedLikelihood(data, { nbins: op.nbins, linearInMl: model.linearInMl, vrms2Bins: (p, out) => applyGridToBins(op, model.vrms2(p, g), out) }, mlMode, opts);
}

/** The likelihood of a {@link BinnedModel}: what gridLikelihood is once W is applied. */
export function binnedLikelihood(data: VrmsData, model: BinnedModel, mlMode: MlMode = 'sample', opts: GridLikelihoodOptions = {}): GridLikelihood {
  const op = { nbins: model.nbins };
  if (op.nbins !== data.vrms.length) throw new InputError('operator', `maps to ${op.nbins} bins but the data have ${data.vrms.length}`);
  if (mlMode !== 'sample' && mlMode !== 'profile' && mlMode !== 'marginal') throw new InputError('ml_mode', `is ${JSON.stringify(mlMode)}; use sample, profile or marginal`);
  if (mlMode !== 'sample' && !model.linearInMl) {
    throw new InputError('ml_mode', `${mlMode} needs V_rms^2 proportional to M/L, which a fixed black-hole mass breaks; use --ml-mode sample`);
  }
  const nb = data.vrms.length;
  const active = opts.active ? Int32Array.from(opts.active) : Int32Array.from({ length: nb }, (_, i) => i);
  for (let k = 0; k < active.length; k++) {
    if (!(Number.isInteger(active[k]) && active[k] >= 0 && active[k] < nb) || (k > 0 && !(active[k] > active[k - 1]))) {
      throw new InputError('active bins', `entry ${k} is ${active[k]}; give distinct increasing bin indices in 0..${nb - 1}`);
    }
  }
  if (active.length === 0) throw new InputError('active bins', 'none; keep at least one bin in the likelihood');
  const noise = opts.noise ?? noiseModel({ systematics: 'none', likelihood: 'gaussian' }, active.length);
  if (mlMode !== 'sample' && (noise.param || noise.likelihood !== 'gaussian')) {
    const why = noise.param ? `--systematics ${noise.systematics} samples ${noise.param.name}, so the errors change with it` : 'the Student-t is not quadratic in the scale';
    throw new InputError('ml_mode', `${mlMode} solves M/L analytically for a Gaussian with fixed errors, but ${why}; use --ml-mode sample (or --systematics none|mitzkus with --likelihood gaussian)`);
  }
  // The bins in the likelihood, and (profile/marginal) their errors as the noise model fixes them.
  const act = checkVrmsData(Array.from(active, (i) => data.vrms[i]), Array.from(active, (i) => data.err[i]));
  const actInflated = noise.inflation === 1 ? act : checkVrmsData(act.vrms, act.err.map((e) => e * noise.inflation));
  const mAct = new Float64Array(active.length);
  const b = new Float64Array(op.nbins);
  const q: GridParams = newGridParams();
  const vrmsAt = (p: GridParams): Float64Array => {
    q.betaZ = p.betaZ;
    q.qM = p.qM;
    q.incDeg = p.incDeg;
    q.ml = mlMode === 'sample' ? p.ml : 1;
    q.fDm = p.fDm;
    q.log10Rs = p.log10Rs;
    q.gamma = p.gamma;
    q.betaGroups = p.betaGroups;
    q.logistic = p.logistic;
    q.mbh = p.mbh;
    model.vrms2Bins(q, b);
    // W's rows are convex combinations of non-negative V_rms^2, so b < 0 only by round-off.
    for (let i = 0; i < b.length; i++) b[i] = Math.sqrt(Math.max(b[i], 0));
    return b;
  };
  const invVar = Float64Array.from(act.err, (e) => 1 / (e * e));
  const allActive = active.length === nb;
  const sums: GaussianSums = { logL: 0, chi2Total: 0, chi2: 0 };
  // chi^2 against the formal errors of the active model at scale s.
  const chi2At = (s: number) => {
    let c = 0;
    for (let k = 0; k < mAct.length; k++) {
      const r = act.vrms[k] - s * mAct[k];
      c += r * r * invVar[k];
    }
    return c;
  };
  return {
    nbins: op.nbins,
    mlMode,
    noise,
    active,
    evaluate(p, theta = NaN) {
      const m = vrmsAt(p);
      if (mlMode === 'sample' && noise.likelihood === 'gaussian') {
        const [g, a, c] = noise.variance(theta);
        const r = gaussianSums(act.vrms, act.err, m, allActive ? null : active, g, a, c, invVar, sums);
        return { logL: r.logL, chi2: r.chi2, chi2Total: r.chi2Total, ml: p.ml };
      }
      for (let k = 0; k < active.length; k++) mAct[k] = m[active[k]];
      if (mlMode === 'profile') {
        const r = profiled(actInflated, mAct);
        const chi2 = chi2At(r.scale);
        return { logL: r.logL, chi2, chi2Total: chi2 / noise.inflation ** 2, ml: r.scale * r.scale };
      }
      if (mlMode === 'marginal') {
        const r = marginal(actInflated, mAct);
        const chi2 = chi2At(r.scaleMean);
        return { logL: r.logL, chi2, chi2Total: chi2 / noise.inflation ** 2, ml: r.scaleMean * r.scaleMean };
      }
      // A model that is NaN anywhere gives NaN here, which the sampler counts and rejects.
      const r = noise.logL(act.vrms, act.err, mAct, theta);
      return { logL: r.logL, chi2: chi2At(1), chi2Total: r.chi2Total, ml: p.ml };
    },
    modelVrms(p) {
      const m = vrmsAt(p).slice();
      if (mlMode === 'sample') return m;
      const s = Math.sqrt(this.evaluate(p).ml);
      for (let i = 0; i < m.length; i++) m[i] *= s;
      return m;
    },
  };
}
