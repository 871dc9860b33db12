/**
 * The separable form of the cylindrically aligned line-of-sight second moment (Cappellari 2008,
 * eq. 28): for one inclination, Sigma <v_los^2> at a sky point is a sum over pairs (luminous
 * Gaussian k, mass Gaussian j) whose integrand is affine in b_k = 1 / (1 - beta_k) (eqs 22-23:
 * D and F are affine in b_k, the weight and the exponent do not depend on it) and proportional to
 * the mass Gaussian's central density. Group the luminous Gaussians into anisotropy groups g (one
 * b per group) and the mass Gaussians into components c (one amplitude per component: the stars'
 * M/L, the black hole's mass, each halo Gaussian's weight); then
 *     Sigma <v_los^2>(x, y) = sum_{g, c} a_c (P_gc(x, y) + b_g Q_gc(x, y))
 * with P, Q independent of every b and a. This module computes the P and Q maps in one pass over
 * the quadrature terms, at the cost of about one model evaluation.
 *
 * Units as in los-moment.ts: lengths in pc, results in (tracer surf units) x (km/s)^2 per unit
 * amplitude of the mass Gaussians as given (their surf as deprojected into `pot`).
 */
import type { Deprojected } from './deproject.ts';
import { pairTerms, SKIP_EXPONENT } from './los-moment.ts';
import { graded, transformedRule } from '../math/quadrature.ts';

export interface BasisKernel {
  nGroups: number;
  nComps: number;
  /** Terms of pair p = k * nPot + j are [pairStart[p], pairStart[p + 1]), in increasing u. */
  pairStart: Int32Array;
  /** Output slot (g * nComps + c) of each pair. */
  pairSlot: Int32Array;
  alpha: Float64Array;
  gamma: Float64Array;
  /** b-independent part: exp(-z) (P0 + Q0 x^2). */
  P0: Float64Array;
  Q0: Float64Array;
  /** b-slope: exp(-z) (P1 + Q1 x^2). */
  P1: Float64Array;
  Q1: Float64Array;
}

/**
 * Precomputes the separable kernel at one inclination.
 * @param lum deprojected tracer MGE (rho0 = nu0).
 * @param pot deprojected mass MGE: every Gaussian of every component, each with the density of
 *   unit amplitude of its component.
 * @param group anisotropy group (0..nGroups-1) of each luminous Gaussian.
 * @param comp component (0..nComps-1) of each mass Gaussian.
 * @param incDeg inclination in degrees, (0, 90].
 * @param nodes Gauss-Legendre nodes of the u-integral (48: ~1e-7, as los-moment.ts).
 * @param rMaxPc largest sky radius (pc) the kernel is evaluated at: every mass Gaussian narrower
 *   than rMaxPc / 8 gets the graded rule (regardless of its mass, unlike the direct kernel, which
 *   grades by mass share: the amplitudes are not known here), so the basis is at least as accurate.
 */
export function prepareBasisKernel(
  lum: Deprojected,
  pot: Deprojected,
  group: ArrayLike<number>,
  nGroups: number,
  comp: ArrayLike<number>,
  nComps: number,
  incDeg: number,
  nodes = 48,
  rMaxPc = 0,
): BasisKernel {
  const incRad = (incDeg * Math.PI) / 180;
  const cos2 = Math.cos(incRad) ** 2;
  const sin2 = Math.sin(incRad) ** 2;
  const nLum = lum.q.length;
  const nPot = pot.q.length;
  const rules = Array.from({ length: nPot }, (_, j) => {
    const rho = rMaxPc / pot.sigmaPc[j];
    return rho > 8 ? graded(rho, nodes) : transformedRule(nodes);
  });
  let n = 0;
  const pairStart = new Int32Array(nLum * nPot + 1);
  const pairSlot = new Int32Array(nLum * nPot);
  for (let p = 0; p < nLum * nPot; p++) {
    const k = Math.floor(p / nPot);
    const j = p % nPot;
    n += rules[j].u.length;
    pairStart[p + 1] = n;
    pairSlot[p] = group[k] * nComps + comp[j];
  }
  const alpha = new Float64Array(n);
  const gamma = new Float64Array(n);
  const P0 = new Float64Array(n);
  const Q0 = new Float64Array(n);
  const P1 = new Float64Array(n);
  const Q1 = new Float64Array(n);
  let t = 0;
  for (let k = 0; k < nLum; k++) {
    for (let j = 0; j < nPot; j++) {
      const { u, weight } = rules[j];
      for (let m = 0; m < u.length; m++, t++) {
        // F0 and F1 are affine in b: their values at b = 0 and b = 1 give intercept and slope.
        const c0 = pairTerms(u[m], lum, pot, k, j, 0, cos2, sin2);
        const c1 = pairTerms(u[m], lum, pot, k, j, 1, cos2, sin2);
        const w = c0.weight * weight[m];
        alpha[t] = c0.A;
        gamma[t] = c0.gammaCoef;
        P0[t] = w * c0.F0;
        Q0[t] = w * c0.F1;
        P1[t] = w * (c1.F0 - c0.F0);
        Q1[t] = w * (c1.F1 - c0.F1);
      }
    }
  }
  return { nGroups, nComps, pairStart, pairSlot, alpha, gamma, P0, Q0, P1, Q1 };
}

/**
 * The P and Q maps at sky points (pc; any sign, (0, 0) allowed).
 * @returns Float64Array laid out [slot][part][point]: slot = g * nComps + c, part 0 = P (the
 *   b-independent term), 1 = Q (the coefficient of b_g); length nGroups * nComps * 2 * npoints.
 */
export function losBasisMoments(kernel: BasisKernel, xPc: ArrayLike<number>, yPc: ArrayLike<number>): Float64Array {
  const { alpha, gamma, P0, Q0, P1, Q1, pairStart, pairSlot } = kernel;
  const npts = xPc.length;
  const nSlots = kernel.nGroups * kernel.nComps;
  const out = new Float64Array(nSlots * 2 * npts);
  const acc = new Float64Array(nSlots * 2);
  const nPairs = pairStart.length - 1;
  for (let i = 0; i < npts; i++) {
    const x2 = xPc[i] * xPc[i];
    const y2 = yPc[i] * yPc[i];
    acc.fill(0);
    for (let p = 0; p < nPairs; p++) {
      const end = pairStart[p + 1];
      let s0 = 0;
      let s1 = 0;
      for (let t = pairStart[p]; t < end; t++) {
        const z = alpha[t] * x2 + gamma[t] * y2;
        if (z > SKIP_EXPONENT) break;
        const e = Math.exp(-z);
        s0 += e * (P0[t] + Q0[t] * x2);
        s1 += e * (P1[t] + Q1[t] * x2);
      }
      const slot = pairSlot[p];
      acc[2 * slot] += s0;
      acc[2 * slot + 1] += s1;
    }
    for (let s = 0; s < nSlots; s++) {
      out[(2 * s) * npts + i] = acc[2 * s];
      out[(2 * s + 1) * npts + i] = acc[2 * s + 1];
    }
  }
  return out;
}
