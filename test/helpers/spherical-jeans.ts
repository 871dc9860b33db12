/**
 * Independent reference for the spherical isotropic limit: the spherical Jeans equation
 *   nu sigma_r^2 (r) = G Int_r^inf nu(s) M(<s) / s^2 ds
 * projected along the line of sight, Sigma sigma_los^2 (R) = 2 Int_0^inf (nu sigma_r^2)(sqrt(R^2+z^2)) dz,
 * for round MGEs (q' = 1) plus an optional point mass. Nothing is shared with eq. 28: this uses the
 * enclosed mass of 3-D Gaussians, M(<r) = M [erf(r/(sqrt2 s)) - sqrt(2/pi)(r/s) exp(-r^2/(2 s^2))],
 * and nested composite Gauss-Legendre quadrature on log-spaced panels.
 */
import { erf } from '../../src/math/erf.ts';

const G = 0.004301;
// 8-point Gauss-Legendre on [-1, 1].
const X8 = [-0.9602898564975363, -0.7966664774136267, -0.525532409916329, -0.1834346424956498, 0.1834346424956498, 0.525532409916329, 0.7966664774136267, 0.9602898564975363];
const W8 = [0.1012285362903763, 0.2223810344533745, 0.3137066458778873, 0.362683783378362, 0.362683783378362, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763];

/** Int_a^b f, composite 8-point GL on `panels` panels equally spaced in ln(x - a + h) (h > 0). */
function integrate(f: (x: number) => number, a: number, b: number, h: number, panels: number): number {
  const l0 = Math.log(h);
  const l1 = Math.log(b - a + h);
  let s = 0;
  for (let p = 0; p < panels; p++) {
    const u0 = l0 + ((l1 - l0) * p) / panels;
    const u1 = l0 + ((l1 - l0) * (p + 1)) / panels;
    for (let i = 0; i < 8; i++) {
      const u = 0.5 * (u1 - u0) * X8[i] + 0.5 * (u0 + u1);
      const e = Math.exp(u);
      s += 0.5 * (u1 - u0) * W8[i] * e * f(a + e - h);
    }
  }
  return s;
}

export interface RoundMge {
  surf: number[];
  /** pc */
  sigma: number[];
}

/**
 * V_rms^2 in (km/s)^2 at projected radii R (pc) for a round tracer in a round mass model + point
 * mass (Msun), plus `extraMass(r)` (Msun inside the sphere of radius r pc; e.g. an analytic halo).
 */
export function sphericalIsotropicVrms2(lum: RoundMge, pot: RoundMge, mbh: number, R: number[], extraMass: (r: number) => number = () => 0): number[] {
  const nu = (r: number) => lum.surf.reduce((s, I, k) => s + (I / (Math.sqrt(2 * Math.PI) * lum.sigma[k])) * Math.exp((-r * r) / (2 * lum.sigma[k] ** 2)), 0);
  const mass = (r: number) =>
    mbh +
    extraMass(r) +
    pot.surf.reduce((s, I, j) => {
      const sg = pot.sigma[j];
      const M = 2 * Math.PI * I * sg * sg;
      return s + M * (erf(r / (Math.SQRT2 * sg)) - Math.sqrt(2 / Math.PI) * (r / sg) * Math.exp((-r * r) / (2 * sg * sg)));
    }, 0);
  const smax = 12 * Math.max(...lum.sigma);
  const smin = Math.min(...lum.sigma, ...pot.sigma) * 1e-3;
  const nuSr2 = (r: number) => (r >= smax ? 0 : G * integrate((s) => (nu(s) * mass(s)) / (s * s), r, smax, Math.max(smin, r * 1e-3), 60));
  return R.map((Rp) => {
    const proj = 2 * integrate((z) => nuSr2(Math.hypot(Rp, z)), 0, smax, Math.max(smin, Rp * 1e-3), 60);
    const sb = lum.surf.reduce((s, I, k) => s + I * Math.exp((-Rp * Rp) / (2 * lum.sigma[k] ** 2)), 0);
    return proj / sb;
  });
}

/**
 * The same with a constant anisotropy beta = 1 - sigma_t^2/sigma_r^2 (< 1): the anisotropic
 * spherical Jeans equation d(nu sigma_r^2)/dr + 2 beta nu sigma_r^2 / r = -nu G M(<r) / r^2 has
 *   nu sigma_r^2 (r) = r^(-2 beta) G Int_r^inf s^(2 beta) nu(s) M(<s) / s^2 ds,
 * and the line-of-sight projection weights it by (1 - beta R^2/r^2) (Binney & Mamon 1982):
 *   Sigma sigma_los^2 (R) = 2 Int_0^inf (1 - beta R^2/r^2) (nu sigma_r^2)(r) dz,  r = sqrt(R^2 + z^2).
 * Units as sphericalIsotropicVrms2 (pc, Msun, (km/s)^2); beta = 0 reproduces it. Nothing is shared
 * with the library's spherically aligned model (no MGE potential integrals, no characteristics).
 */
export function sphericalAnisotropicVrms2(lum: RoundMge, pot: RoundMge, mbh: number, beta: number, R: number[], panels = 60): number[] {
  const nu = (r: number) => lum.surf.reduce((s, I, k) => s + (I / (Math.sqrt(2 * Math.PI) * lum.sigma[k])) * Math.exp((-r * r) / (2 * lum.sigma[k] ** 2)), 0);
  const mass = (r: number) =>
    mbh +
    pot.surf.reduce((s, I, j) => {
      const sg = pot.sigma[j];
      const M = 2 * Math.PI * I * sg * sg;
      return s + M * (erf(r / (Math.SQRT2 * sg)) - Math.sqrt(2 / Math.PI) * (r / sg) * Math.exp((-r * r) / (2 * sg * sg)));
    }, 0);
  const smax = 12 * Math.max(...lum.sigma);
  const smin = Math.min(...lum.sigma, ...pot.sigma) * 1e-3;
  const nuSr2 = (r: number) =>
    r >= smax ? 0 : G * r ** (-2 * beta) * integrate((s) => (s ** (2 * beta) * nu(s) * mass(s)) / (s * s), r, smax, Math.max(smin, r * 1e-3), panels);
  return R.map((Rp) => {
    const proj = 2 * integrate((z) => {
      const r2 = Rp * Rp + z * z;
      return (1 - (beta * Rp * Rp) / r2) * nuSr2(Math.sqrt(r2));
    }, 0, smax, Math.max(smin, Rp * 1e-3), panels);
    const sb = lum.surf.reduce((s, I, k) => s + I * Math.exp((-Rp * Rp) / (2 * lum.sigma[k] ** 2)), 0);
    return proj / sb;
  });
}
