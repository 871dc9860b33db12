/**
 * Dark haloes as Multi-Gaussian Expansions, for the exact JAM's mass model.
 *
 * Profiles (spherical): the generalised NFW density
 *     rho(r) = rho_s (r/r_s)^-gamma (1 + r/r_s)^(gamma - 3),
 * whose gamma = 1 case is NFW (Navarro, Frenk & White 1996): inner slope -gamma, outer -3.
 *
 * From a spherical density to the surface-density MGE JAM takes. A 1-D MGE fit of the 3-D
 * density (mgeFit1d, Cappellari 2002) gives rho(r) ~ sum_j w_j exp(-r^2/(2 s_j^2)) / (sqrt(2 pi) s_j),
 * i.e. 3-D spherical Gaussians of peak density w_j / (sqrt(2 pi) s_j) and mass (2 pi)^(3/2)
 * s_j^3 w_j / (sqrt(2 pi) s_j) = 2 pi s_j^2 w_j. Integrating a 3-D Gaussian along the line of
 * sight multiplies its peak by sqrt(2 pi) s_j and keeps s_j, so the projection is the 2-D MGE
 *     Sigma(R) = sum_j w_j exp(-R^2/(2 s_j^2)),   surf_j = w_j, sigma_j = s_j, q'_j = 1,
 * (the 1-D fit's `total`), which JAM deprojects back to the same round Gaussians at any
 * inclination (q' = 1 -> q = 1). The test checks this projection against the analytic NFW surface
 * density (Bartelmann 1996; Wright & Brainerd 2000) and enclosed mass.
 *
 * The fit is LINEAR: the dispersions are fixed, log-spaced over the radii the model needs, and
 * only the weights are fitted (non-negative least squares in relative residuals). The weights of
 * that problem (full column rank) are a continuous function of r_s and gamma, so the likelihood
 * is smooth in the halo parameters; a nonlinear fit could jump between local minima as they move.
 */
import { InputError } from '../../core/errors.ts';
import { erf } from '../math/erf.ts';
import { gaussLegendre } from '../math/quadrature.ts';
import { intrinsicQ } from '../jam/deproject.ts';
import type { Mge } from './mge.ts';
import { mgeFit1d } from './mge-fit-1d.ts';

export type HaloKind = 'nfw' | 'gnfw';

/** Inner slopes a gNFW halo may have: 0 (a core) up to 2 (an isothermal cusp); see gnfwMge. */
export const GAMMA_LIMITS: readonly [number, number] = [0, 2];

/**
 * gNFW density in units of rho_s at radius r (same length unit as rs, r > 0, rs > 0); gamma in
 * GAMMA_LIMITS. gamma = 1 is NFW.
 */
export function gnfwDensity(r: number, rs: number, gamma: number): number {
  const x = r / rs;
  return Math.pow(x, -gamma) * Math.pow(1 + x, gamma - 3);
}

export interface HaloMgeOptions {
  /** Inner end of the fitted radii (length unit of rs), > 0: the innermost radius the model needs, with margin. */
  rMin: number;
  /** Outer end of the fitted radii, > rMin: a few times the outermost radius the model needs. */
  rMax: number;
  /** Gaussians per decade of radius (default 5: density ripple ~0.4%, enclosed mass ~0.1%; see test/photometry/halo.test.ts). */
  perDecade?: number;
}

/** A round MGE of a halo for rho_s = 1 (units below), plus the fit quality. */
export interface HaloMge extends Mge {
  /** Peak surface density of each projected Gaussian: units of rho_s x length (w_j of the fit). */
  readonly surf: Float64Array;
  /** Dispersions, length unit of rs, ascending (the Gaussians with zero weight are dropped). */
  readonly sigma: Float64Array;
  /** All 1: the halo is spherical. */
  readonly qobs: Float64Array;
  /** max |1 - MGE/rho| over the fitted radii. */
  readonly maxRelErr: number;
}

/**
 * MGE of a gNFW halo of scale radius `rs` and inner slope `gamma` (NFW: gamma = 1), for
 * rho_s = 1. The density is sampled at 12 log-spaced radii per Gaussian over [rMin, rMax] and
 * fitted with ceil(perDecade x decades) Gaussians of fixed dispersions, log-spaced over
 * [rMin / 2, rMax / sqrt 3] (the outer bound as mgeFit1d's for an r^-3 fall-off; the inner one
 * lets the innermost Gaussian carry a cusp up to rMin). Outside [rMin, rMax] the MGE has a
 * core and a Gaussian cut-off: the mass inside rMin and beyond rMax is not that of the profile,
 * so give a range wider than the model's radii. Cost ~0.1 ms (one NNLS solve).
 * @throws InputError naming `rs`, `gamma`, `rMin`/`rMax` or `perDecade` for values outside
 *   rs > 0, gamma in GAMMA_LIMITS, 0 < rMin < rMax, perDecade > 0 (all finite).
 */
export function gnfwMge(rs: number, gamma: number, o: HaloMgeOptions): HaloMge {
  if (!(rs > 0 && Number.isFinite(rs))) throw new InputError('rs', `is ${rs}; the halo scale radius must be finite and > 0`);
  if (!(gamma >= GAMMA_LIMITS[0] && gamma <= GAMMA_LIMITS[1])) {
    throw new InputError('gamma', `is ${gamma}; the inner slope must lie in [${GAMMA_LIMITS[0]}, ${GAMMA_LIMITS[1]}]`);
  }
  const { rMin, rMax } = o;
  if (!(rMin > 0 && rMax > rMin && Number.isFinite(rMax))) throw new InputError('rMin/rMax', `is [${rMin}, ${rMax}]; give 0 < rMin < rMax, finite`);
  const perDecade = o.perDecade ?? 5;
  if (!(perDecade > 0 && Number.isFinite(perDecade))) throw new InputError('perDecade', `is ${perDecade}; give a number > 0`);
  const decades = Math.log10(rMax / rMin);
  const ngauss = Math.max(2, Math.ceil(perDecade * decades));
  const npoints = 12 * ngauss;
  const r = new Float64Array(npoints);
  const y = new Float64Array(npoints);
  for (let i = 0; i < npoints; i++) {
    r[i] = rMin * Math.pow(rMax / rMin, i / (npoints - 1));
    y[i] = gnfwDensity(r[i], rs, gamma);
  }
  const fit = mgeFit1d(r, y, { ngauss, linear: true, rbounds: [rMin / 2, rMax / Math.sqrt(3)] });
  return { surf: fit.total, sigma: fit.sigma, qobs: new Float64Array(fit.sigma.length).fill(1), maxRelErr: fit.maxRelErr };
}

/**
 * The dispersions gnfwMge fits with for these options, before zero-weight Gaussians are dropped:
 * ceil(perDecade x decades) values log-spaced at the centres of equal cells over
 * [rMin / 2, rMax / sqrt 3] (the same arithmetic as mgeFit1d's start values, so a dispersion of
 * gnfwMge's output equals one of these to the last bit). Every gNFW halo of a galaxy is a
 * weighted sum of these fixed Gaussians: what lets the tabulated engine precompute their maps.
 */
export function gnfwMgeSigmas(o: HaloMgeOptions): Float64Array {
  const perDecade = o.perDecade ?? 5;
  const ng = Math.max(2, Math.ceil(perDecade * Math.log10(o.rMax / o.rMin)));
  const lo = Math.log10(o.rMin / 2);
  const hi = Math.log10(o.rMax / Math.sqrt(3));
  return Float64Array.from({ length: ng }, (_, j) => Math.pow(10, lo + ((hi - lo) * (j + 0.5)) / ng));
}

/** Gauss-Legendre nodes for the polar-angle integral of mgeMassInSphere (see there). */
const MASS_NODES = 64;

/**
 * Mass of a deprojected MGE inside a sphere of radius `r` centred on the galaxy: the definition
 * of the dark-matter fraction inside R_e (likelihoods/grid-model.ts).
 *
 * Each Gaussian (peak surface density surf_k, dispersion sigma_k, observed axial ratio q'_k) is
 * deprojected at `incDeg` to an oblate Gaussian of intrinsic q_k (Cappellari 2008 eq. 13, as JAM
 * does) with density rho0 exp(-(R^2 + z^2/q^2) / (2 sigma^2)), rho0 = surf q' / (sqrt(2 pi) sigma q).
 * In spherical coordinates with u = cos(theta), e^2 = 1/q^2 - 1 and c(u) = (1 + e^2 u^2)/(2 sigma^2),
 *     M(<r) = 4 pi rho0 int_0^1 du int_0^r s^2 exp(-c s^2) ds
 *           = 4 pi rho0 int_0^1 [sqrt(pi/c) erf(r sqrt c) - 2 r exp(-c r^2)] / (4 c) du;
 * the u-integral is done by 64-point Gauss-Legendre (exact for a round Gaussian, where the
 * integrand is constant and M(<r) = M [erf(r/(sqrt 2 sigma)) - sqrt(2/pi)(r/sigma) exp(-r^2/(2 sigma^2))];
 * for the flattest q = 0.05 the tests measure a relative error below 1e-10).
 *
 * Units: r in the unit of sigma; the result in surf x sigma-unit^2 (Msun when surf is Msun/pc^2
 * and sigma, r are in pc). Assumes a checked MGE and an inclination in (0, 90] that deprojects
 * every Gaussian (a q' too flat for it is taken at the limit q -> 0.05 like deprojectMge); r >= 0
 * (r = 0 gives 0).
 */
export function mgeMassInSphere(mge: Mge, incDeg: number, r: number): number {
  if (!(r > 0)) return 0;
  const { x, w } = gaussLegendre(MASS_NODES);
  let total = 0;
  for (let k = 0; k < mge.surf.length; k++) {
    const s = mge.sigma[k];
    const qo = mge.qobs[k];
    const q = qo === 1 ? 1 : Math.max(intrinsicQ(qo, incDeg), 0.05);
    const rho0 = (mge.surf[k] * qo) / (Math.sqrt(2 * Math.PI) * s * q);
    const e2 = 1 / (q * q) - 1;
    let sum = 0;
    for (let i = 0; i < x.length; i++) {
      const u = 0.5 * (x[i] + 1);
      const c = (1 + e2 * u * u) / (2 * s * s);
      const sc = Math.sqrt(c);
      sum += 0.5 * w[i] * (Math.sqrt(Math.PI) / sc * erf(r * sc) - 2 * r * Math.exp(-c * r * r)) / (4 * c);
    }
    total += 4 * Math.PI * rho0 * sum;
  }
  return total;
}

/**
 * The factor A that scales a unit halo so that it makes the fraction `fDm` of the mass inside a
 * sphere: A M_halo,1(<r) / (A M_halo,1(<r) + M_stars(<r)) = fDm, i.e. A = fDm / (1 - fDm) x
 * M_stars(<r) / M_halo,1(<r). fDm in [0, 1); both masses > 0 in the same unit. fDm = 0 gives 0.
 */
export function haloScaleForFraction(fDm: number, starsInside: number, unitHaloInside: number): number {
  return (fDm / (1 - fDm)) * (starsInside / unitHaloInside);
}
