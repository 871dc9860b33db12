/**
 * Shared checks for the sampler's statistical tests (not a test file itself).
 *
 * Tolerances: a moment is "recovered" when |estimate - truth| < 4 MCSE, with the MCSE from the
 * rank-normalised ESS over walkers (Vehtari et al. 2021). For a correct sampler a 4-sigma miss has
 * probability 6e-5 per comparison, so with the ~60 comparisons of the suite a false alarm is ~0.4 %
 * likely, while a bias of 4 MCSE is caught half the time; the seeds are fixed, so results do not
 * flicker. KS: the statistic D over the pooled draws of one marginal is compared with
 * 1.95 / sqrt(n_eff), the 0.1 % critical value of the Kolmogorov distribution, where n_eff is the
 * smaller of the bulk and tail ESS (autocorrelated draws carry that much independent information).
 */
import assert from 'node:assert/strict';
import { ensembleToChains, ess, mcse } from '../../samplers/diagnostics/index.ts';
import type { EnsembleSampler } from '../../samplers/index.ts';

export interface Truth {
  mean: readonly number[];
  sd: readonly number[];
  /** Marginal CDFs for the KS test, per dimension (omit to skip). */
  cdf?: readonly (((x: number) => number) | null)[];
}

export interface MomentReport {
  dim: number;
  mean: number;
  sd: number;
  mcseMean: number;
  mcseSd: number;
  essBulk: number;
  essTail: number;
  zMean: number;
  zSd: number;
  ks?: number;
  ksCrit?: number;
}

/**
 * Per-dimension moments with their MCSEs and z-scores against the truth.
 * @param thin - keep every thin-th step; with thin well below tau the thinned draws carry nearly
 *   all the information, and the ESS/MCSE are computed on exactly the draws used, so the check
 *   stays valid while the rank-based diagnostics run on far fewer draws.
 */
export function moments(s: EnsembleSampler, truth: Truth, thin = 1, discard = 0): MomentReport[] {
  const c = s.getChainArray({ discard, thin });
  const chains = ensembleToChains(c);
  return chains.map((walkers, d) => {
    let n = 0;
    let sum = 0;
    for (const w of walkers) for (let i = 0; i < w.length; i++) (sum += w[i]), n++;
    const mean = sum / n;
    let ss = 0;
    for (const w of walkers) for (let i = 0; i < w.length; i++) ss += (w[i] - mean) ** 2;
    const sd = Math.sqrt(ss / (n - 1));
    const mcseMean = mcse(walkers, 'mean');
    const mcseSd = mcse(walkers, 'sd');
    const essBulk = ess(walkers, 'bulk');
    const essTail = ess(walkers, 'tail');
    const r: MomentReport = {
      dim: d, mean, sd, mcseMean, mcseSd, essBulk, essTail,
      zMean: (mean - truth.mean[d]) / mcseMean,
      zSd: (sd - truth.sd[d]) / mcseSd,
    };
    const cdf = truth.cdf?.[d];
    if (cdf) {
      const all = new Float64Array(n);
      let i = 0;
      for (const w of walkers) for (let t = 0; t < w.length; t++) all[i++] = w[t];
      all.sort();
      let D = 0;
      for (let k = 0; k < n; k++) {
        const F = cdf(all[k]);
        D = Math.max(D, Math.abs(F - k / n), Math.abs((k + 1) / n - F));
      }
      r.ks = D;
      r.ksCrit = 1.95 / Math.sqrt(Math.min(essBulk, essTail));
    }
    return r;
  });
}

/** Asserts every moment within 4 MCSE and every KS statistic below its critical value. */
export function assertRecovered(label: string, reps: MomentReport[]): void {
  for (const r of reps) {
    const info = `${label} dim ${r.dim}: mean ${r.mean.toPrecision(5)} (z ${r.zMean.toFixed(2)}), sd ${r.sd.toPrecision(5)} (z ${r.zSd.toFixed(2)}), ESS bulk ${r.essBulk.toFixed(0)} tail ${r.essTail.toFixed(0)}${r.ks !== undefined ? `, KS ${r.ks.toFixed(4)} < ${r.ksCrit!.toFixed(4)}` : ''}`;
    assert.ok(Math.abs(r.zMean) < 4, info);
    assert.ok(Math.abs(r.zSd) < 4, info);
    // An ESS this small would make the 4-MCSE check toothless.
    assert.ok(r.essBulk > 400, info);
    if (r.ks !== undefined) assert.ok(r.ks < r.ksCrit!, info);
  }
}
