/**
 * Goodman & Weare (2010) affine-invariant stretch move: walker x moves along the line to a random
 * complementary walker c, y = c + z (x - c), with z ~ g(z) proportional to 1/sqrt(z) on [1/a, a].
 * The Hastings factor is z^(ndim - 1) (G&W eq. 7), so log factor = (ndim - 1) log z.
 */
import { InputError } from '../../core/errors.ts';
import type { Move, ProposalContext } from './move.ts';

/**
 * Creates a stretch move.
 * @param opts.a - scale parameter, a > 1 (default 2, as in G&W and emcee). Larger a takes longer
 *   but more often rejected steps.
 * @returns the move; z is drawn by inverting the CDF of g: z = ((a - 1) u + 1)^2 / a, u ~ U(0,1).
 */
export function stretchMove(opts: { a?: number } = {}): Move {
  const a = opts.a ?? 2;
  if (!(a > 1) || !Number.isFinite(a)) throw new InputError('stretchMove.a', `must be a finite number > 1, got ${a}`);
  const am1 = a - 1;
  return {
    name: `stretch(a=${a})`,
    setup(_nwalkers: number, _ndim: number, ncomp: number) {
      if (ncomp < 1) throw new InputError('moves', 'the stretch move needs at least one complementary walker; use nwalkers >= 2');
    },
    propose(ctx: ProposalContext) {
      const { ndim, pos, s, c, prop, factors, rng } = ctx;
      const nc = c.length;
      const dm1 = ndim - 1;
      for (let i = 0; i < s.length; i++) {
        const k = s[i];
        const t = am1 * rng.uniform() + 1;
        const z = (t * t) / a;
        const j = c[rng.int(nc)];
        factors[k] = dm1 * Math.log(z);
        const ok = k * ndim;
        const oj = j * ndim;
        // Same operation order as emcee (c - (c - x) z) so results agree to the last bit for equal draws.
        for (let d = 0; d < ndim; d++) {
          const cj = pos[oj + d];
          prop[ok + d] = cj - (cj - pos[ok + d]) * z;
        }
      }
    },
  };
}
