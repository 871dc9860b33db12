/**
 * DE-snooker move, derived from ter Braak & Vrugt (2008), "Differential Evolution Markov Chain
 * with snooker updater and fewer chains", Stat. Comput. 18, 435, section 3 and Fig. 1:
 *
 *  - pick three distinct complementary walkers z, z1, z2 (independent of the walker x updated);
 *  - let e = (x - z) / |x - z| be the UNIT vector of the snooker axis;
 *  - propose y = x + gamma ((z1 - z2) . e) e, i.e. the difference of the orthogonal projections of
 *    z1 and z2 on the line through x and z, scaled by gamma ~ U(gammaMin, gammaMax);
 *  - accept with min(1, p(y)/p(x) (|y - z| / |x - z|)^(d - 1)), the Jacobian of moving along a
 *    line through the fixed point z in d dimensions.
 *
 * emcee up to 3.1.6 normalises the axis by sqrt(|x - z|) instead of |x - z| (so the step scales
 * with the distance, which breaks the symmetry of the line proposal) and uses half the correct
 * exponent, 0.5 (d - 1); both are fixed here. The swap z1 <-> z2 is equally likely, which makes the
 * one-dimensional proposal along the line symmetric.
 */
import { InputError } from '../../core/errors.ts';
import type { Move, ProposalContext } from './move.ts';

/**
 * Creates a DE-snooker move.
 * @param opts.gammaMin - lower end of the uniform gamma range (default 1.2, ter Braak & Vrugt).
 * @param opts.gammaMax - upper end (default 2.2); gammaMin <= gammaMax, both > 0. Equal values give
 *   a fixed gamma (emcee uses 1.7).
 */
export function snookerMove(opts: { gammaMin?: number; gammaMax?: number } = {}): Move {
  const g1 = opts.gammaMin ?? 1.2;
  const g2 = opts.gammaMax ?? 2.2;
  if (!(g1 > 0 && g2 >= g1 && Number.isFinite(g2)))
    throw new InputError('snookerMove.gammaMin', `need 0 < gammaMin <= gammaMax < Infinity, got ${g1}, ${g2}`);
  return {
    name: `snooker(gamma=${g1}..${g2})`,
    setup(_nwalkers: number, _ndim: number, ncomp: number) {
      if (ncomp < 3) throw new InputError('moves', 'the snooker move needs at least 3 complementary walkers; use nwalkers >= 6');
    },
    propose(ctx: ProposalContext) {
      const { ndim, pos, s, c, prop, factors, rng } = ctx;
      const nc = c.length;
      for (let i = 0; i < s.length; i++) {
        const k = s[i];
        // Three distinct indices among nc by sequential rejection-free draws.
        const a = rng.int(nc);
        const b = rng.intExcept(nc, a);
        let m = rng.int(nc - 2);
        const lo = a < b ? a : b;
        const hi = a < b ? b : a;
        if (m >= lo) m++;
        if (m >= hi) m++;
        const gamma = g1 + (g2 - g1) * rng.uniform();
        const oz = c[a] * ndim;
        const o1 = c[b] * ndim;
        const o2 = c[m] * ndim;
        const ok = k * ndim;
        let norm2 = 0;
        let proj = 0;
        for (let d = 0; d < ndim; d++) {
          const e = pos[ok + d] - pos[oz + d];
          norm2 += e * e;
          proj += e * (pos[o1 + d] - pos[o2 + d]);
        }
        if (!(norm2 > 0)) {
          // x coincides with z: the axis is undefined; propose staying put (always accepted, harmless).
          for (let d = 0; d < ndim; d++) prop[ok + d] = pos[ok + d];
          factors[k] = 0;
          continue;
        }
        // y = x + gamma (proj / |e|^2) e  with e = x - z unnormalised.
        const f = (gamma * proj) / norm2;
        let n2y = 0;
        for (let d = 0; d < ndim; d++) {
          const e = pos[ok + d] - pos[oz + d];
          const y = pos[ok + d] + f * e;
          prop[ok + d] = y;
          const ey = y - pos[oz + d];
          n2y += ey * ey;
        }
        factors[k] = 0.5 * (ndim - 1) * Math.log(n2y / norm2);
      }
    },
  };
}
