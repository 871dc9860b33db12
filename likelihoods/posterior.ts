/**
 * Building a log-posterior for the sampler from a prior and a model likelihood.
 *
 * A sampler proposes points anywhere its moves reach; some lie outside the model's domain (an
 * inclination too low for the observed flattening q', beta_z >= 1), where the model throws a
 * DomainError. The posterior is zero there, so these map to -Infinity and the move is rejected.
 * Any other exception (a NaN parameter, a malformed MGE, a TypeError) is a bug and propagates, so
 * the sampler stops and names the walker instead of silently rejecting every proposal.
 */
import { DomainError } from '../core/errors.ts';

/** A log-density of a position x (and, for the sampler, an optional blob to fill). */
export type LogDensity = (x: Float64Array, blob: Float64Array) => number;

/**
 * Wraps `fn` so that a DomainError thrown by it gives -Infinity (zero density); every other error
 * is rethrown unchanged. No allocation on the normal path.
 */
export function domainSafe(fn: LogDensity): LogDensity {
  return (x, blob) => {
    try {
      return fn(x, blob);
    } catch (e) {
      if (e instanceof DomainError) return -Infinity;
      throw e;
    }
  };
}

/**
 * log p(x | data) = logPrior(x) + logLike(x) up to a constant, for `EnsembleSampler({ logProb })`.
 * The prior is evaluated first: outside it (-Infinity) the likelihood is not called (it may be
 * expensive or undefined there); a NaN prior is returned as NaN, which the sampler counts and reports. The likelihood is wrapped in `domainSafe`, so a
 * DomainError inside it gives -Infinity and any other error propagates.
 *
 * @param logPrior  log prior density (e.g. `boxPrior(...).logPrior`); -Infinity outside its support.
 * @param logLike   log likelihood of the model at x (e.g. `marginal(data, jamVrms(...)).logL`).
 */
export function logPosterior(logPrior: (x: Float64Array) => number, logLike: LogDensity): LogDensity {
  const like = domainSafe(logLike);
  return (x, blob) => {
    const lp = logPrior(x);
    if (!(lp > -Infinity)) return lp;
    return lp + like(x, blob);
  };
}
