/**
 * The network's map as the physics says it must depend on beta_z. In the cylindrically aligned
 * JAM with one beta_z, V_rms^2 = P + b Q at every point, b = 1/(1 - beta_z) (Cappellari 2008
 * eq. 28; src/surrogate/simulate/mfl-model.ts), so for a galaxy at one inclination the exact maps
 * form a line in b. The network learns ln v(beta_z) freely; sampling it at a few b across the
 * trained range and fitting that line by least squares gives the galaxy's P and Q at this
 * inclination: one (P, Q) pair then serves every beta_z (a table in inclination alone, as the
 * tabulated exact engine keeps), and the part of the network's error that is not linear in b is
 * projected out.
 *
 * The trained range of beta_z at an inclination is [lo, min(hi, epsFactor eps_intr, collapse)]
 * (rows.ts betaHighs). The line is fitted over ONE range per galaxy, the part of [lo, hi] that is
 * trained at every inclination of the prior (fitRange): a range that moved with the inclination
 * would make P and Q jump where the network is not exactly linear, and the inclination table
 * (src/engines/tabulated/table.ts) needs maps smooth in the inclination. Above it the line is the
 * physics' own extrapolation.
 */
import { betaMax, collapseBeta, type BetaRange } from './rows.ts';
import { mflLnVPrepared, type MflPrepared, type MflSurrogate } from './model.ts';

/** Samples of b per fit: Chebyshev-Lobatto points of the trained b range. */
export const PROJECTION_SAMPLES = 5;

/** Narrowest beta_z range fitted (a galaxy whose trained range is narrower is fitted over this, from lo). */
const MIN_SPAN = 0.05;

export interface ProjectedMaps {
  /** v^2 = P + b Q on the model's grid (units G M/L I_e R_e), float64. */
  P: Float64Array;
  Q: Float64Array;
  /** The collapse limit alone (collapseBeta of P, Q; 1 where no point collapses). */
  collapse: number;
}

/** The least-squares line v^2 = P + b Q through the network's maps at K beta_z in [lo, hi]. */
function fitLine(s: MflSurrogate, g: MflPrepared, incDeg: number, lo: number, hi: number, K: number): { P: Float64Array; Q: Float64Array } {
  const bLo = 1 / (1 - lo);
  const bHi = 1 / (1 - hi);
  const bs = Array.from({ length: K }, (_, k) => 0.5 * (bLo + bHi) - 0.5 * (bHi - bLo) * Math.cos((Math.PI * k) / (K - 1)));
  const bMean = bs.reduce((a, b) => a + b, 0) / K;
  const sbb = bs.reduce((a, b) => a + (b - bMean) ** 2, 0);
  const nG = s.manifest.grid.nRad * s.manifest.grid.nTheta;
  const mean = new Float64Array(nG);
  const cov = new Float64Array(nG);
  for (const b of bs) {
    const y = mflLnVPrepared(s, g, 1 - 1 / b, incDeg);
    for (let j = 0; j < nG; j++) {
      const v2 = Math.exp(2 * y[j]);
      mean[j] += v2 / K;
      cov[j] += (b - bMean) * v2;
    }
  }
  const Q = Float64Array.from(cov, (c) => c / sbb);
  const P = Float64Array.from(mean, (m, j) => m - bMean * Q[j]);
  return { P, Q };
}

/**
 * P and Q of a prepared galaxy at inclination `incDeg` (degrees, where its light deprojects),
 * from K >= 2 network maps (default PROJECTION_SAMPLES) over beta_z in [r.lo, fitHi].
 */
export function projectedMaps(s: MflSurrogate, g: MflPrepared, incDeg: number, fitHi: number, r: BetaRange = s.manifest.betaRange, K = PROJECTION_SAMPLES): ProjectedMaps {
  if (!(K >= 2)) throw new RangeError(`projectedMaps: K is ${K}; at least 2 samples fit a line`);
  if (!(fitHi > r.lo)) throw new RangeError(`projectedMaps: fitHi ${fitHi} is not above lo ${r.lo}`);
  const fit = fitLine(s, g, incDeg, r.lo, fitHi, K);
  const collapse = collapseBeta(fit.P, fit.Q, r.lo, r.collapse);
  return { ...fit, collapse };
}

/** Inclinations scanned by fitRange. */
const SCAN = 7;

/**
 * The beta_z range [r.lo, returned] trained at every inclination in [incLo, incHi] (degrees): the
 * smallest over SCAN inclinations of the box, the eps_intr limit and the collapse limit of the
 * maps fitted at each inclination's own range; never narrower than MIN_SPAN.
 */
export function fitRange(s: MflSurrogate, g: MflPrepared, incLo: number, incHi: number, r: BetaRange = s.manifest.betaRange): number {
  let hi = r.hi;
  for (let k = 0; k < SCAN; k++) {
    const inc = incLo + ((incHi - incLo) * k) / (SCAN - 1);
    const top = Math.max(r.lo + MIN_SPAN, betaMax(r, g.qLw, inc));
    hi = Math.min(hi, top, projectedMaps(s, g, inc, top, r).collapse);
  }
  return Math.max(hi, r.lo + MIN_SPAN);
}
