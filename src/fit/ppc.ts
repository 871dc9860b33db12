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
 *
 * A fit of V and sigma (`--moments v-sigma`, likelihoods/v-sigma.ts) is checked on what it fitted:
 * per moment (`moments.v`, `moments.sigma`) the bins' data, best model, posterior band, total
 * error (the likelihood's: formal error and systematic term on the model V_rms of the bin),
 * residual z and chi^2, and the moment's own discrepancy chi2_total with its posterior predictive
 * p-value (the same draws and replicates, each moment's N values alone), so that a model that
 * rotates wrongly shows in V while sigma may pass. The top-level summary is the joint check of
 * the 2 N values the likelihood sees (chi2_total, dof = 2 N - parameters, |z| > 3 among 2 N,
 * p-value of the sum); `bins` and `draws` stay the V_rms ones, the data's V_rms against the
 * model's, a derived view outside the discrepancy (the V_rms maps and bins_model.json use them).
 */
import { newGridParams } from '../../likelihoods/grid-model.ts';
import type { GridParams } from '../../likelihoods/grid-model.ts';
import { betaCdf, betaQuantile } from '../../samplers/diagnostics/beta.ts';
import { quantile } from '../../samplers/diagnostics/rank.ts';
import { Rng } from '../../samplers/rng.ts';
import type { FitProblem } from './fit-problem.ts';
import type { VSigmaLikelihood } from '../../likelihoods/v-sigma.ts';

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
  /** A v-sigma fit: the check of each moment (the summary above is then the joint one over 2 N values). */
  moments?: { v: PpcMomentSummary; sigma: PpcMomentSummary };
}

/** The check of one moment of a v-sigma fit over the bins in the fit (see the module header). */
export interface PpcMomentSummary {
  nbins: number;
  chi2_total: number;
  chi2_formal: number;
  chi2_per_bin: number;
  beyond_3sigma: { count: number; fraction: number; expected_fraction: number; expected_count: number; p_value: number };
  /** Posterior predictive p-value of this moment's chi2_total. */
  p_value: number;
}

/** One moment's check with its bins and the model per draw (problem.used order). */
export interface PpcMoment {
  summary: PpcMomentSummary;
  bins: PpcBin[];
  draws: Float64Array[];
}

export interface PpcResult {
  summary: PpcSummary;
  bins: PpcBin[];
  /** Model V_rms per modelled bin (problem.used order) for each draw. */
  draws: Float64Array[];
  /** A v-sigma fit: V and sigma, each checked on its own (see the module header). */
  moments?: { v: PpcMoment; sigma: PpcMoment };
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

/** One residual of the noise model in units of sigma: N(0,1), or a Student-t drawn through nu / (nu + T^2) ~ Beta(nu/2, 1/2) with a random sign. */
function residualDraw(noise: FitProblem['noise'], rng: Rng): () => number {
  return noise.likelihood === 'gaussian' ? () => rng.normal() : () => {
    const b = betaQuantile(rng.uniform(), noise.nu / 2, 0.5);
    const t = Math.sqrt((noise.nu * (1 - b)) / b);
    return rng.uniform() < 0.5 ? -t : t;
  };
}

const Q16 = 0.15865525393145707;
const Q84 = 0.8413447460685429;

/** Per-bin rows of one modelled quantity: data, errors, best model, the draws' 16-84% band, z. */
function ppcBins(problem: FitProblem, data: ArrayLike<number>, err: ArrayLike<number>, best: { m: ArrayLike<number>; s: ArrayLike<number> }, draws: Float64Array[], inFit: Uint8Array): PpcBin[] {
  const { spec, used } = problem;
  const sorted = new Float64Array(draws.length);
  return used.map((i, k) => {
    for (let d = 0; d < draws.length; d++) sorted[d] = draws[d][k];
    sorted.sort();
    const z = (data[i] - best.m[k]) / best.s[k];
    return {
      index: i, x: spec.x[i], y: spec.y[i], data: data[i], err: err[i], sigma_total: best.s[k], model_best: best.m[k],
      model_lo68: quantile(sorted, Q16), model_hi68: quantile(sorted, Q84), z, chi2: z * z, in_fit: inFit[k] === 1,
    };
  });
}

/** chi2_total, chi2_formal and the |z| > 3 count of the bins in the fit. */
function tally(bins: readonly PpcBin[]) {
  const fit = bins.filter((b) => b.in_fit);
  const n = fit.length;
  const count = fit.filter((b) => Math.abs(b.z) > 3).length;
  return {
    n,
    count,
    chi2Total: fit.reduce((a, b) => a + b.chi2, 0),
    chi2Formal: fit.reduce((a, b) => a + ((b.data - b.model_best) / b.err) ** 2, 0),
  };
}

const beyond3 = (count: number, n: number, pe: number) => ({ count, fraction: count / n, expected_fraction: pe, expected_count: pe * n, p_value: binomialUpperTail(count, n, pe) });

/** Runs the check (see the module header). Evaluates the model ndraws + 1 times. */
export function posteriorPredictive(problem: FitProblem, o: PpcOptions): PpcResult {
  if ('modelMoments' in problem.like) return vSigmaPredictive(problem, o);
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
  const draw = residualDraw(noise, rng);
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
  const bins = ppcBins(problem, spec.vrms, spec.err, best, draws, inFit);
  const pe = noise.tail(3);
  const t = tally(bins);
  const nparams = ndim + (problem.spec.mlMode === 'sample' ? 0 : 1);
  const dof = t.n - nparams;
  return {
    summary: {
      total_error: noise.label,
      nbins: t.n,
      nbins_clipped: bins.length - t.n,
      chi2_total: t.chi2Total,
      chi2_formal: t.chi2Formal,
      nparams,
      dof,
      chi2_per_dof: dof > 0 ? t.chi2Total / dof : NaN,
      beyond_3sigma: beyond3(t.count, t.n, pe),
      p_value: exceed / (ndraws * reps),
      ndraws,
      replicates: reps,
    },
    bins,
    draws,
  };
}

/**
 * The check of a v-sigma fit (see the module header): the likelihood's total error of each
 * moment, sqrt(g e^2 + a V_rms,model^2 + c), as likelihoods/v-sigma.ts evaluates it.
 */
function vSigmaPredictive(problem: FitProblem, o: PpcOptions): PpcResult {
  const { prior, noise, used, active, spec } = problem;
  const like = problem.like as VSigmaLikelihood;
  const { ndim, index } = drawIndices(problem, o);
  const ndraws = index.length;
  const reps = o.reps ?? 20;
  const inFit = new Uint8Array(used.length);
  for (const k of active) inFit[k] = 1;
  const dv = spec.v!, ev = spec.vErr!, ds = spec.sigma!, es = spec.sigmaErr!;
  const p: GridParams = newGridParams();
  const modelAt = (x: ArrayLike<number>) => {
    const mm = like.modelMoments(prior.unpack(x, p));
    const theta = prior.noiseValue(x);
    const tot = (e: ArrayLike<number>) => Float64Array.from(mm.vrms, (vr, k) => noise.sigma(e[used[k]], vr, theta));
    return { v: { m: mm.v, s: tot(ev) }, sigma: { m: mm.sigma, s: tot(es) }, vrms: { m: mm.vrms, s: tot(spec.err) } };
  };
  const best = modelAt(o.best);
  const rng = new Rng(`jamfit-ppc:${o.seed ?? 1}`);
  const draw = residualDraw(noise, rng);
  const draws = { v: [] as Float64Array[], sigma: [] as Float64Array[], vrms: [] as Float64Array[] };
  let exceedV = 0, exceedS = 0, exceedJ = 0;
  const n = active.length;
  for (let d = 0; d < ndraws; d++) {
    const i = index[d];
    const md = modelAt(o.samples.subarray(i * ndim, (i + 1) * ndim));
    draws.v.push(md.v.m);
    draws.sigma.push(md.sigma.m);
    draws.vrms.push(md.vrms.m);
    let obsV = 0, obsS = 0;
    for (const k of active) {
      obsV += ((dv[used[k]] - md.v.m[k]) / md.v.s[k]) ** 2;
      obsS += ((ds[used[k]] - md.sigma.m[k]) / md.sigma.s[k]) ** 2;
    }
    for (let r = 0; r < reps; r++) {
      let repV = 0, repS = 0;
      for (let k = 0; k < n; k++) repV += draw() ** 2;
      for (let k = 0; k < n; k++) repS += draw() ** 2;
      if (repV >= obsV) exceedV++;
      if (repS >= obsS) exceedS++;
      if (repV + repS >= obsV + obsS) exceedJ++;
    }
  }
  const pe = noise.tail(3);
  const nr = ndraws * reps;
  const moment = (data: number[], err: number[], b: { m: ArrayLike<number>; s: ArrayLike<number> }, dr: Float64Array[], exceed: number): PpcMoment => {
    const bins = ppcBins(problem, data, err, b, dr, inFit);
    const t = tally(bins);
    return { summary: { nbins: t.n, chi2_total: t.chi2Total, chi2_formal: t.chi2Formal, chi2_per_bin: t.chi2Total / t.n, beyond_3sigma: beyond3(t.count, t.n, pe), p_value: exceed / nr }, bins, draws: dr };
  };
  const mv = moment(dv, ev, best.v, draws.v, exceedV);
  const ms = moment(ds, es, best.sigma, draws.sigma, exceedS);
  const bins = ppcBins(problem, spec.vrms, spec.err, best.vrms, draws.vrms, inFit);
  const nparams = ndim;
  const nv = 2 * mv.summary.nbins;
  const chi2Total = mv.summary.chi2_total + ms.summary.chi2_total;
  const count = mv.summary.beyond_3sigma.count + ms.summary.beyond_3sigma.count;
  const dof = nv - nparams;
  return {
    summary: {
      total_error: noise.label,
      nbins: mv.summary.nbins,
      nbins_clipped: bins.length - mv.summary.nbins,
      chi2_total: chi2Total,
      chi2_formal: mv.summary.chi2_formal + ms.summary.chi2_formal,
      nparams,
      dof,
      chi2_per_dof: dof > 0 ? chi2Total / dof : NaN,
      beyond_3sigma: beyond3(count, nv, pe),
      p_value: exceedJ / nr,
      ndraws,
      replicates: reps,
      moments: { v: mv.summary, sigma: ms.summary },
    },
    bins,
    draws: draws.vrms,
    moments: { v: mv, sigma: ms },
  };
}
