/**
 * The prior of a fit with the logistic anisotropy profile (src/jam/anisotropy-profile.ts;
 * `jamfit fit --beta-profile logistic`): the base prior's beta_z column becomes beta_0 (the inner
 * anisotropy, same range and limit), and two columns are appended:
 *  - log10_r_a: log10 of the transition radius in arcsec, uniform over `raRange` (default the
 *    light MGE's smallest to largest sigma: a transition outside the Gaussians' radii changes no
 *    beta_k and would only be a flat direction of the posterior);
 *  - beta_inf: the outer anisotropy, uniform over the same range as beta_0, under the same limit
 *    as every beta of the base prior (its logPrior is applied with beta_inf in beta_0's place).
 * alpha is fixed (LOGISTIC_ALPHA). unpack sets GridParams.logistic (and betaZ = beta_0).
 */
import { InputError } from '../core/errors.ts';
import { LOGISTIC_ALPHA } from '../src/jam/anisotropy-profile.ts';
import type { Rng } from '../samplers/rng.ts';
import type { FitPrior } from './fit-prior.ts';

/** The default r_a range (arcsec): the MGE's sigma range. */
export function defaultRaRange(sigma: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = 0;
  for (let k = 0; k < sigma.length; k++) [lo, hi] = [Math.min(lo, sigma[k]), Math.max(hi, sigma[k])];
  return lo < hi ? [lo, hi] : [lo / 2, hi * 2];
}

/**
 * @param raRange r_a range in arcsec, 0 < lo < hi.
 * @throws InputError naming ra_range (r_a <= 0, lo >= hi) or beta_groups (the base has several beta columns).
 */
export function withLogisticPrior(prior: FitPrior, raRange: readonly [number, number]): FitPrior {
  if (prior.names[0] !== 'beta_z') throw new InputError('beta_groups', 'and a logistic anisotropy profile both set the anisotropy of each Gaussian; give one of them');
  if (!(Array.isArray(raRange) && raRange.length === 2 && raRange[0] > 0 && Number.isFinite(raRange[1]) && raRange[0] < raRange[1])) {
    throw new InputError('ra_range', `is ${JSON.stringify(raRange)}; give lo,hi of the transition radius r_a in arcsec, 0 < lo < hi`);
  }
  const k = prior.names.length;
  const lra: [number, number] = [Math.log10(raRange[0]), Math.log10(raRange[1])];
  const bLo = prior.lo[0];
  const bHi = prior.hi[0];
  const swapped = new Float64Array(k);
  const names = ['beta_0', ...prior.names.slice(1), 'log10_r_a', 'beta_inf'];
  const logPrior = (x: ArrayLike<number>): number => {
    if (!(x[k] >= lra[0] && x[k] <= lra[1] && x[k + 1] >= bLo && x[k + 1] <= bHi)) return -Infinity;
    const lp = prior.logPrior(x);
    if (lp === -Infinity) return lp;
    for (let j = 0; j < k; j++) swapped[j] = x[j];
    swapped[0] = x[k + 1];
    return prior.logPrior(swapped) === -Infinity ? -Infinity : lp;
  };
  return {
    ...prior,
    names,
    lo: Float64Array.from([...prior.lo, lra[0], bLo]),
    hi: Float64Array.from([...prior.hi, lra[1], bHi]),
    logPrior,
    unpack(x, out) {
      const p = prior.unpack(x, out);
      const l = p.logistic ?? { rA: 1, beta0: 0, betaInf: 0, alpha: LOGISTIC_ALPHA };
      l.rA = 10 ** x[k];
      l.beta0 = x[0];
      l.betaInf = x[k + 1];
      l.alpha = LOGISTIC_ALPHA;
      p.logistic = l;
      return p;
    },
    draw(rng: Rng) {
      for (let t = 0; t < 100000; t++) {
        const base = prior.draw(rng);
        const x = new Float64Array(k + 2);
        x.set(base);
        x[k] = lra[0] + (lra[1] - lra[0]) * rng.uniform();
        x[k + 1] = bLo + (bHi - bLo) * rng.uniform();
        if (logPrior(x) > -Infinity) return x;
      }
      throw new InputError('prior', 'no draw of the logistic profile satisfies the beta limit; widen --beta-range or --inc-range');
    },
    constraints: [
      ...prior.constraints.map((c, j) => (j === prior.constraints.length - 1 && c.name.startsWith('beta_z') ? { ...c, name: c.name.replace('beta_z', 'beta_0') } : c)),
      ...prior.constraints.filter((c) => c.name.startsWith('beta_z')).map((c) => ({
        name: c.name.replace('beta_z', 'beta_inf'),
        slack: (x: ArrayLike<number>) => {
          const s = Array.from(x.length >= k ? Array.prototype.slice.call(x, 0, k) : x) as number[];
          s[0] = x[k + 1];
          return c.slack(s);
        },
      })),
    ],
  };
}
