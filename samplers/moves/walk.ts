/**
 * Goodman & Weare (2010) walk move, scaled as in emcee's WalkMove: y = x + W with W normal of
 * covariance equal to the sample covariance of a random subset S of `s` complementary walkers.
 * Drawn without forming or factoring the covariance: W = sum_j Z_j (c_j - mean_S) / sqrt(s - 1),
 * Z_j ~ N(0, 1), which has exactly that covariance and works even when it is singular.
 * Symmetric, so the log Hastings factor is 0.
 */
import { InputError } from '../../core/errors.ts';
import type { Move, ProposalContext } from './move.ts';

/**
 * Creates a walk move.
 * @param opts.s - subset size, 2 <= s <= number of complementary walkers; default: all of them.
 *   Small s gives cheaper but less affine-adapted steps (G&W use s = 3 for their tests).
 */
export function walkMove(opts: { s?: number } = {}): Move {
  if (opts.s !== undefined && !(Number.isInteger(opts.s) && opts.s >= 2))
    throw new InputError('walkMove.s', `must be an integer >= 2, got ${opts.s}`);
  let idx = new Int32Array(0);
  let mean = new Float64Array(0);
  return {
    name: `walk(s=${opts.s ?? 'all'})`,
    setup(nwalkers: number, ndim: number, ncomp: number) {
      const need = opts.s ?? 2;
      if (ncomp < need)
        throw new InputError('moves', `the walk move with s = ${need} needs ${need} complementary walkers but has ${ncomp}; use nwalkers >= ${2 * need} or a smaller s`);
      idx = new Int32Array(nwalkers);
      mean = new Float64Array(ndim);
    },
    propose(ctx: ProposalContext) {
      const { ndim, pos, s, c, prop, factors, rng } = ctx;
      const nc = c.length;
      const ns = opts.s ?? nc;
      const scale = 1 / Math.sqrt(ns - 1);
      for (let i = 0; i < nc; i++) idx[i] = c[i];
      for (let i = 0; i < s.length; i++) {
        const k = s[i];
        if (ns < nc) {
          // Partial Fisher-Yates: the first ns entries become a uniform subset without replacement.
          for (let m = 0; m < ns; m++) {
            const r = m + rng.int(nc - m);
            const t = idx[m];
            idx[m] = idx[r];
            idx[r] = t;
          }
        }
        mean.fill(0);
        for (let m = 0; m < ns; m++) {
          const o = idx[m] * ndim;
          for (let d = 0; d < ndim; d++) mean[d] += pos[o + d];
        }
        for (let d = 0; d < ndim; d++) mean[d] /= ns;
        const ok = k * ndim;
        for (let d = 0; d < ndim; d++) prop[ok + d] = pos[ok + d];
        for (let m = 0; m < ns; m++) {
          const zm = scale * rng.normal();
          const o = idx[m] * ndim;
          for (let d = 0; d < ndim; d++) prop[ok + d] += zm * (pos[o + d] - mean[d]);
        }
        factors[k] = 0;
      }
    },
  };
}
