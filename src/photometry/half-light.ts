/**
 * The half-light isophote of a Multi-Gaussian Expansion: the contour Sigma(x', y') = I_e that
 * encloses half of the total light. It defines the scale of the canonical frame (src/photometry/
 * canonical-image.ts) and of the surrogate's dimensionless velocity, for a Sérsic and for any MGE
 * alike, so that both are measured the same way:
 *  - `aMajor`: the isophote's semi-major axis (where it crosses the projected major axis). For an
 *    MGE whose Gaussians share one q' (an MGE of a Sérsic) the isophote is an ellipse of that q'
 *    and `aMajor` is the Sérsic R_e, which is the canonical length unit of this project.
 *  - `rCirc`: the circularised radius sqrt(area / pi) of the same isophote (= R_e sqrt(q') for one
 *    q'), reported for comparison with catalogues that quote circularised radii.
 *  - `level`: I_e, the surface brightness on the isophote (so also at (aMajor, 0)).
 * Caveat (measured): an MGE of a Sérsic fitted over 0.01..10 R_e (sersicToMge's defaults) lacks
 * the light beyond 10 R_e, so its aMajor is 0.9995 (n = 2), 0.972 (n = 4) and 0.903 (n = 6) times
 * the Sérsic R_e. Training and inference both measure the MGE, so they agree; only an exactly
 * rendered Sérsic of n > 2 sits on a slightly different scale.
 * The isophote is well defined for any MGE with surf >= 0: along every ray from the centre each
 * Gaussian, hence the sum, decreases monotonically.
 */
import { checkMge, type Mge } from './mge.ts';

export interface HalfLight {
  /** Semi-major axis of the half-light isophote (unit of the MGE's sigma, arcsec here). */
  aMajor: number;
  /** Circularised radius sqrt(area / pi) of the same isophote (same unit). */
  rCirc: number;
  /** Surface brightness on the isophote, I_e (unit of surf). */
  level: number;
  /** Total light sum_k 2 pi surf_k sigma_k^2 q'_k (unit of surf x sigma^2). */
  total: number;
}

/**
 * Rays over one quadrant (midpoint rule): the enclosed light is a smooth function of the polar
 * angle, even about 0 and pi/2, so the midpoint rule converges spectrally; 48 rays are exact to
 * ~1e-14 for q' >= 0.3 (checked in the tests against the closed form for a single q').
 */
const RAYS = 48;

/**
 * Half-light isophote of an MGE (peak surf, sigma, qobs; see mge.ts). Validated with checkMge
 * (`where` = `name`). Relative accuracy ~1e-12 in aMajor. Cost ~1 ms for 15 Gaussians.
 */
export function mgeHalfLight(mge: Mge, name = 'mge'): HalfLight {
  const m = checkMge(mge, name);
  const nG = m.surf.length;
  let total = 0;
  let peak = 0;
  for (let k = 0; k < nG; k++) {
    total += 2 * Math.PI * m.surf[k] * m.sigma[k] ** 2 * m.qobs[k];
    peak += m.surf[k];
  }
  // c[r * nG + k] = (cos^2 t / sigma^2 + sin^2 t / (q sigma)^2): Sigma along ray r is
  // sum_k surf_k exp(-s c_k / 2) with s = radius^2.
  const c = new Float64Array(RAYS * nG);
  const theta = new Float64Array(RAYS);
  for (let r = 0; r < RAYS; r++) {
    const t = ((r + 0.5) * Math.PI) / 2 / RAYS;
    theta[r] = t;
    const ct = Math.cos(t) ** 2;
    const st = Math.sin(t) ** 2;
    for (let k = 0; k < nG; k++) c[r * nG + k] = (ct + st / m.qobs[k] ** 2) / m.sigma[k] ** 2;
  }
  const s2 = new Float64Array(RAYS);

  // Radius^2 along a ray where Sigma = level. Sigma(s) is convex and decreasing in s, so Newton
  // started at s = 0 (Sigma(0) = peak > level) approaches the root monotonically from below.
  const rootAlong = (ck: Float64Array | number[], off: number, level: number): number => {
    let s = 0;
    for (let it = 0; it < 200; it++) {
      let f = -level;
      let df = 0;
      for (let k = 0; k < nG; k++) {
        const e = m.surf[k] * Math.exp(-0.5 * s * ck[off + k]);
        f += e;
        df -= 0.5 * ck[off + k] * e;
      }
      if (f <= 0 || df === 0) break;
      const step = -f / df;
      s += step;
      if (step <= 1e-15 * s) break;
    }
    return s;
  };

  // Light inside the isophote at `level`: sum_k surf_k * 4 * int_0^{pi/2} (1 - exp(-s c_k/2)) / c_k dt.
  const enclosed = (level: number): number => {
    let sum = 0;
    for (let r = 0; r < RAYS; r++) {
      const s = rootAlong(c, r * nG, level);
      s2[r] = s;
      for (let k = 0; k < nG; k++) {
        const ck = c[r * nG + k];
        sum += (m.surf[k] * -Math.expm1(-0.5 * s * ck)) / ck;
      }
    }
    return 4 * sum * (Math.PI / 2 / RAYS);
  };

  // Bisection in ln(level): enclosed light decreases as the level rises.
  let lo = Math.log(peak) - 200;
  let hi = Math.log(peak);
  for (let it = 0; it < 80 && hi - lo > 1e-14; it++) {
    const mid = 0.5 * (lo + hi);
    if (enclosed(Math.exp(mid)) > 0.5 * total) lo = mid;
    else hi = mid;
  }
  const level = Math.exp(0.5 * (lo + hi));
  enclosed(level);
  let area = 0;
  for (let r = 0; r < RAYS; r++) area += 0.5 * s2[r];
  area *= 4 * (Math.PI / 2 / RAYS);
  const major = new Float64Array(nG);
  for (let k = 0; k < nG; k++) major[k] = 1 / m.sigma[k] ** 2;
  const aMajor = Math.sqrt(rootAlong(major, 0, level));
  return { aMajor, rCirc: Math.sqrt(area / Math.PI), level, total };
}

/**
 * The MGE in units of its own half-light isophote (surf / I_e, sigma / R_e, q' unchanged: the
 * scale-free form the multi-component surrogate's training rows and inputs use), with that
 * isophote. Validated as mgeHalfLight (`name` in errors).
 */
export function inHalfLightUnits(mge: Mge, name = 'mge'): { mge: Mge; hl: HalfLight } {
  const hl = mgeHalfLight(mge, name);
  return {
    mge: { surf: Float64Array.from(mge.surf, (s) => s / hl.level), sigma: Float64Array.from(mge.sigma, (s) => s / hl.aMajor), qobs: Float64Array.from(mge.qobs) },
    hl,
  };
}
