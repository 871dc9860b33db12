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
 * 'profile' and 'marginal' need V_rms^2 ∝ M/L, so they are refused with a black hole.
 */
import { InputError } from '../core/errors.ts';
import { applyGridToBins, type GridToBins } from '../src/operator/grid-to-bins.ts';
import type { GridModel, GridParams } from './grid-model.ts';
import { marginal, profiled, type VrmsData } from './vrms-gaussian.ts';

export type MlMode = 'sample' | 'profile' | 'marginal';

export interface GridLikelihoodResult {
  logL: number;
  /** chi^2 of the model at the returned M/L. */
  chi2: number;
  /** M/L used ('sample'), best ('profile') or E[sqrt(M/L)]^2 ('marginal'). */
  ml: number;
}

export interface GridLikelihood {
  readonly nbins: number;
  readonly mlMode: MlMode;
  /**
   * log L at `p` (p.ml is used only in 'sample' mode). A DomainError from the model propagates
   * (wrap the posterior in domainSafe). Reuses internal buffers: not re-entrant.
   */
  evaluate(p: GridParams): GridLikelihoodResult;
  /** Model V_rms per bin (km/s) at `p`, as used by the last `evaluate` logic (a new array). */
  modelVrms(p: GridParams): Float64Array;
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
 * @throws InputError when the sizes disagree, or 'profile'/'marginal' with a non-linear model.
 */
export function gridLikelihood(data: VrmsData, op: GridToBins, model: GridModel, mlMode: MlMode = 'sample'): GridLikelihood {
  const ngrid = model.grid.x.length;
  if (op.ngrid !== ngrid) throw new InputError('operator', `has ${op.ngrid} grid columns but the model's grid has ${ngrid} nodes; build W on the model's grid`);
  const g = new Float64Array(ngrid);
  return binnedLikelihood(data, { nbins: op.nbins, linearInMl: model.linearInMl, vrms2Bins: (p, out) => applyGridToBins(op, model.vrms2(p, g), out) }, mlMode);
}

/** The likelihood of a {@link BinnedModel}: what gridLikelihood is once W is applied. */
export function binnedLikelihood(data: VrmsData, model: BinnedModel, mlMode: MlMode = 'sample'): GridLikelihood {
  if (model.nbins !== data.vrms.length) throw new InputError('operator', `maps to ${model.nbins} bins but the data have ${data.vrms.length}`);
  if (mlMode !== 'sample' && mlMode !== 'profile' && mlMode !== 'marginal') throw new InputError('--ml-mode', `is ${JSON.stringify(mlMode)}; use sample, profile or marginal`);
  if (mlMode !== 'sample' && !model.linearInMl) {
    throw new InputError('--ml-mode', `${mlMode} needs V_rms^2 proportional to M/L, which a fixed black-hole mass breaks; use --ml-mode sample`);
  }
  const b = new Float64Array(model.nbins);
  const q: GridParams = { betaZ: 0, qM: 1, incDeg: 90, ml: 1 };
  const vrmsAt = (p: GridParams): Float64Array => {
    q.betaZ = p.betaZ;
    q.qM = p.qM;
    q.incDeg = p.incDeg;
    q.ml = mlMode === 'sample' ? p.ml : 1;
    q.fDm = p.fDm;
    q.log10Rs = p.log10Rs;
    q.gamma = p.gamma;
    model.vrms2Bins(q, b);
    // W's rows are convex combinations of non-negative V_rms^2, so b < 0 only by round-off.
    for (let i = 0; i < b.length; i++) b[i] = Math.sqrt(Math.max(b[i], 0));
    return b;
  };
  return {
    nbins: model.nbins,
    mlMode,
    evaluate(p) {
      const m = vrmsAt(p);
      if (mlMode === 'profile') {
        const r = profiled(data, m);
        return { logL: r.logL, chi2: r.chi2, ml: r.scale * r.scale };
      }
      if (mlMode === 'marginal') {
        const r = marginal(data, m);
        const s = r.scaleMean;
        let chi2 = 0;
        for (let i = 0; i < m.length; i++) chi2 += ((data.vrms[i] - s * m[i]) / data.err[i]) ** 2;
        return { logL: r.logL, chi2, ml: s * s };
      }
      let chi2 = 0;
      for (let i = 0; i < m.length; i++) {
        const r = data.vrms[i] - m[i];
        chi2 += r * r * data.invVar[i];
      }
      // A model that is NaN anywhere gives NaN here, which the sampler counts and rejects.
      return { logL: data.logNorm - 0.5 * chi2, chi2, ml: p.ml };
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
