/**
 * Differential-evolution move (ter Braak 2006; Nelson et al. 2014 as in emcee's DEMove):
 * y = x + gamma (c_j - c_k) for two distinct complementary walkers j != k, with
 * gamma = gamma0 (1 + sigma N(0,1)). Symmetric, so the log Hastings factor is 0.
 */
import { InputError } from '../../core/errors.ts';
import type { Move, ProposalContext } from './move.ts';

/**
 * Creates a differential-evolution move.
 * @param opts.gamma0 - mean step scale; default 2.38 / sqrt(2 ndim), optimal for Gaussian targets.
 * @param opts.sigma - relative spread of gamma (default 1e-5, emcee's); a small jitter makes the
 *   chain irreducible when walkers are few.
 */
export function deMove(opts: { gamma0?: number; sigma?: number } = {}): Move {
  const sigma = opts.sigma ?? 1e-5;
  if (!(sigma >= 0) || !Number.isFinite(sigma)) throw new InputError('deMove.sigma', `must be a finite number >= 0, got ${sigma}`);
  if (opts.gamma0 !== undefined && !(opts.gamma0 > 0 && Number.isFinite(opts.gamma0)))
    throw new InputError('deMove.gamma0', `must be a finite number > 0, got ${opts.gamma0}`);
  let g0 = opts.gamma0 ?? NaN;
  return {
    name: `de(sigma=${sigma})`,
    setup(_nwalkers: number, ndim: number, ncomp: number) {
      if (ncomp < 2) throw new InputError('moves', 'the DE move needs at least 2 complementary walkers; use nwalkers >= 4');
      if (opts.gamma0 === undefined) g0 = 2.38 / Math.sqrt(2 * ndim);
    },
    propose(ctx: ProposalContext) {
      const { ndim, pos, s, c, prop, factors, rng } = ctx;
      const nc = c.length;
      for (let i = 0; i < s.length; i++) {
        const k = s[i];
        // A uniformly chosen ordered pair j != k among the complement.
        const a = rng.int(nc);
        const b = rng.intExcept(nc, a);
        const oj = c[a] * ndim;
        const ol = c[b] * ndim;
        const gamma = g0 * (1 + sigma * rng.normal());
        const ok = k * ndim;
        for (let d = 0; d < ndim; d++) prop[ok + d] = pos[ok + d] + gamma * (pos[ol + d] - pos[oj + d]);
        factors[k] = 0;
      }
    },
  };
}
