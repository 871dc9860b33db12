/**
 * The posterior predictive check of a fit (in every run folder): how well the fitted model,
 * with its total errors (likelihoods/systematics.ts), accounts for the data, bin by bin.
 *
 * At the highest-posterior sample: per bin the residual in units of the total error
 * z = (data - model) / sigma_total and its chi^2 = z^2, for every modelled bin (those left out by
 * the clipping too, flagged `in_fit: false`); chi^2_total over the bins in the fit, the number
 * of parameters and dof; the count of |z| > 3 against the count the likelihood expects
 * (0.27% of the bins for the Gaussian, P(|T| > 3) for the Student-t), with the binomial
 * probability of seeing that many or more.
 *
 * Over `ndraws` posterior samples (evenly spaced through the post-burn-in chain, so no seed):
 * the model's 16-84% band per bin (the axis plot's band) and the posterior predictive p-value of
 * Gelman, Meng & Stern (1996) with discrepancy chi^2_total: for each draw theta_s, `reps`
 * replicated data sets y_rep ~ p(y | theta_s) (the same noise model), and
 * p = P(chi2(y_rep; theta_s) >= chi2(y; theta_s)). Values near 0 say the data scatter more than
 * the noise model allows (under-stated errors, outliers); near 1, less (over-stated errors).
 * For the Gaussian chi2(y_rep) ~ chi^2_n whatever theta is; the Monte-Carlo p-value is checked
 * against that in the tests. Replicates are seeded (`seed`), so a run is reproducible.
 */
import { newGridParams } from '../../likelihoods/grid-model.ts';
import type { GridParams } from '../../likelihoods/grid-model.ts';
import { betaCdf, betaQuantile } from '../../samplers/diagnostics/beta.ts';
import { quantile } from '../../samplers/diagnostics/rank.ts';
import { Rng } from '../../samplers/rng.ts';
import type { FitProblem } from './fit-problem.ts';

export interface PpcBin {
  /** Index into the fit spec's bins. */
  index: number;
  x: number;
  y: number;
  data: number;
  err: number;
  sigma_total: number;
  model_best: number;
  /** 16% and 84% of the model over the posterior draws. */
  model_lo68: number;
  model_hi68: number;
  z: number;
  chi2: number;
  /** False for a bin left out of the likelihood by the clipping. */
  in_fit: boolean;
}

export interface PpcSummary {
  total_error: string;
  nbins: number;
  nbins_clipped: number;
  chi2_total: number;
  chi2_formal: number;
  nparams: number;
  dof: number;
  chi2_per_dof: number;
  beyond_3sigma: { count: number; fraction: number; expected_fraction: number; expected_count: number; p_value: number };
  /** Posterior predictive p-value of chi2_total (see the module header). */
  p_value: number;
  ndraws: number;
  replicates: number;
}

export interface PpcResult {
  summary: PpcSummary;
  bins: PpcBin[];
  /** Model V_rms per modelled bin (problem.used order) for each draw. */
  draws: Float64Array[];
}

export interface PpcOptions {
  /** Post-burn-in samples, flat (n x ndim), the problem's columns. */
  samples: Float64Array;
  /** The highest-posterior vector. */
  best: ArrayLike<number>;
  /** Posterior draws for the band and the p-value (default 100, at most the samples). */
  ndraws?: number;
  /** Replicated data sets per draw (default 20). */
  reps?: number;
  seed?: number;
}

/** P(X >= k) for X ~ Binomial(n, p): 1 for k <= 0, else I_p(k, n - k + 1). */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  return betaCdf(p, k, n - k + 1);
}

/** The draws' sample indices: ndraws evenly spaced through the nsamp samples. */
function drawIndices(problem: FitProblem, o: PpcOptions): { ndim: number; index: number[] } {
  const ndim = problem.names.length;
  const nsamp = Math.floor(o.samples.length / ndim);
  const ndraws = Math.max(1, Math.min(o.ndraws ?? 100, nsamp));
  return { ndim, index: Array.from({ length: ndraws }, (_, d) => Math.floor(((d + 0.5) * nsamp) / ndraws)) };
}

/** The positions posteriorPredictive evaluates the model at: the best, then each draw. */
export function ppcPositions(problem: FitProblem, o: PpcOptions): ArrayLike<number>[] {
  const { ndim, index } = drawIndices(problem, o);
  return [o.best, ...index.map((i) => o.samples.subarray(i * ndim, (i + 1) * ndim))];
}

/** Runs the check (see the module header). Evaluates the model ndraws + 1 times. */
export function posteriorPredictive(problem: FitProblem, o: PpcOptions): PpcResult {
  const { prior, like, noise, used, active, spec } = problem;
  const { ndim, index } = drawIndices(problem, o);
  const ndraws = index.length;
  const reps = o.reps ?? 20;
  const inFit = new Uint8Array(used.length);
  for (const k of active) inFit[k] = 1;
  const p: GridParams = newGridParams();
  const modelAt = (x: ArrayLike<number>) => {
    const q = prior.unpack(x, p);
    const m = like.modelVrms(q);
    const theta = prior.noiseValue(x);
    const s = Float64Array.from(m, (v, k) => noise.sigma(spec.err[used[k]], v, theta));
    return { m, s };
  };
  const best = modelAt(o.best);
  const rng = new Rng(`jamfit-ppc:${o.seed ?? 1}`);
  // One residual of the noise model in units of sigma: N(0,1), or a Student-t drawn through
  // nu / (nu + T^2) ~ Beta(nu/2, 1/2) with a random sign.
  const draw = noise.likelihood === 'gaussian' ? () => rng.normal() : () => {
    const b = betaQuantile(rng.uniform(), noise.nu / 2, 0.5);
    const t = Math.sqrt((noise.nu * (1 - b)) / b);
    return rng.uniform() < 0.5 ? -t : t;
  };
  const draws: Float64Array[] = [];
  let exceed = 0;
  for (let d = 0; d < ndraws; d++) {
    const i = index[d];
    const { m, s } = modelAt(o.samples.subarray(i * ndim, (i + 1) * ndim));
    draws.push(m);
    let obs = 0;
    for (const k of active) obs += ((spec.vrms[used[k]] - m[k]) / s[k]) ** 2;
    for (let r = 0; r < reps; r++) {
      let rep = 0;
      for (let k = 0; k < active.length; k++) rep += draw() ** 2;
      if (rep >= obs) exceed++;
    }
  }
  const sorted = new Float64Array(ndraws);
  const bins: PpcBin[] = used.map((i, k) => {
    for (let d = 0; d < ndraws; d++) sorted[d] = draws[d][k];
    sorted.sort();
    const z = (spec.vrms[i] - best.m[k]) / best.s[k];
    return {
      index: i, x: spec.x[i], y: spec.y[i], data: spec.vrms[i], err: spec.err[i], sigma_total: best.s[k], model_best: best.m[k],
      model_lo68: quantile(sorted, 0.15865525393145707), model_hi68: quantile(sorted, 0.8413447460685429), z, chi2: z * z, in_fit: inFit[k] === 1,
    };
  });
  const fit = bins.filter((b) => b.in_fit);
  const n = fit.length;
  const chi2Total = fit.reduce((a, b) => a + b.chi2, 0);
  const chi2Formal = fit.reduce((a, b) => a + ((b.data - b.model_best) / b.err) ** 2, 0);
  const nparams = ndim + (problem.spec.mlMode === 'sample' ? 0 : 1);
  const count = fit.filter((b) => Math.abs(b.z) > 3).length;
  const pe = noise.tail(3);
  const dof = n - nparams;
  return {
    summary: {
      total_error: noise.label,
      nbins: n,
      nbins_clipped: bins.length - n,
      chi2_total: chi2Total,
      chi2_formal: chi2Formal,
      nparams,
      dof,
      chi2_per_dof: dof > 0 ? chi2Total / dof : NaN,
      beyond_3sigma: { count, fraction: count / n, expected_fraction: pe, expected_count: pe * n, p_value: binomialUpperTail(count, n, pe) },
      p_value: exceed / (ndraws * reps),
      ndraws,
      replicates: reps,
    },
    bins,
    draws,
  };
}
