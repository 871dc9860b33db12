/**
 * Independent reference for the first moment of the cylindrically aligned JAM (Cappellari 2008
 * Sec. 3.2), by brute-force quadrature of the cylindrical Jeans equations, sharing no code with
 * src/jam/first-moment.ts (which does the z- and R-steps analytically):
 *   - forces Phi_R, Phi_z of each mass Gaussian from the MGE potential's u-integral
 *     (C08 Sec. 3.1), 32-point Gauss-Legendre over [0, min(1, 12 sigma_j / r)];
 *   - [nu <v_z^2>]_k(R, z) = Int_z^inf nu_k Phi_z dz' (composite Gauss-Legendre in z');
 *   - [nu <v_phi^2>]_k - b_k [nu <v_z^2>]_k = b_k R d[nu v_z^2]_k/dR + nu_k R Phi_R, the R-derivative by a
 *     central difference (step 1e-4 R);
 *   - [nu <v_phi>]_k = kappa_k sqrt(nu_k max(..., 0)), projected with n.e_phi = x' sin i / R
 *     (composite Gauss-Legendre in s over |s| <= 12 max sigma) and divided by the MGE surface brightness.
 * Lengths in pc, V in km/s; slow (seconds per point for a few Gaussians): a test oracle.
 */
import { gaussLegendre } from '../../src/math/quadrature.ts';
import { mgeSurfaceDensity } from '../../src/photometry/mge.ts';
import type { PreparedModel } from '../../src/jam/model.ts';

const G = 0.004301;

export function bruteFirstMoment(model: PreparedModel, xArc: number[], yArc: number[], kappa: number[]): number[] {
  const lum = model.lumDeproj;
  const pot = model.potDeproj;
  const g64 = gaussLegendre(32);
  const g8 = gaussLegendre(8);
  const force = (R: number, z: number): [number, number] => {
    let fR = 0;
    let fz = 0;
    const r = Math.hypot(R, z);
    for (let j = 0; j < pot.q.length; j++) {
      const s = pot.sigmaPc[j];
      const e2 = 1 - pot.q[j] ** 2;
      const U = Math.min(1, (12 * s) / Math.max(r, 1e-300));
      const amp = 4 * Math.PI * G * pot.q[j] * pot.rho0[j];
      for (let n = 0; n < 32; n++) {
        const u = 0.5 * U * (1 + g64.x[n]);
        const wt = 0.5 * U * g64.w[n];
        const om = 1 - e2 * u * u;
        const ex = Math.exp((-u * u * (R * R + (z * z) / om)) / (2 * s * s));
        fR += amp * wt * ((u * u) / Math.sqrt(om)) * R * ex;
        fz += amp * wt * ((u * u) / om ** 1.5) * z * ex;
      }
    }
    return [fR, fz];
  };
  const nuK = (k: number, R: number, z: number) =>
    lum.rho0[k] * Math.exp(-(R * R + (z * z) / lum.q[k] ** 2) / (2 * lum.sigmaPc[k] ** 2));
  const nuVz2 = (k: number, R: number, z: number) => {
    const L = 12 * lum.sigmaPc[k] * lum.q[k];
    const panels = 12;
    let s = 0;
    for (let p = 0; p < panels; p++) {
      for (let n = 0; n < 8; n++) {
        const zp = z + (L * (p + 0.5 + 0.5 * g8.x[n])) / panels;
        s += ((0.5 * L) / panels) * g8.w[n] * nuK(k, R, zp) * force(R, zp)[1];
      }
    }
    return s;
  };
  const nuVphi = (R: number, z: number) => {
    let v = 0;
    const [fR] = force(R, z);
    for (let k = 0; k < lum.q.length; k++) {
      const h = 1e-4 * R;
      const d = (nuVz2(k, R + h, z) - nuVz2(k, R - h, z)) / (2 * h);
      const nk = nuK(k, R, z);
      const Y = model.b[k] * R * d + nk * R * fR;
      v += kappa[k] * Math.sqrt(nk * Math.max(Y, 0));
    }
    return v;
  };
  const inc = (model.incDeg * Math.PI) / 180;
  const si = Math.sin(inc);
  const ci = Math.cos(inc);
  const sb = mgeSurfaceDensity(model.lum, xArc, yArc);
  const S = 12 * Math.max(...lum.sigmaPc);
  return xArc.map((xa, p) => {
    const xp = xa * model.pcPerArcsec;
    const yp = yArc[p] * model.pcPerArcsec;
    // Panels in s graded away from s = 0 and from the equatorial crossing s = -y' tan i.
    const breaks = [-S, S, 0];
    if (ci > 1e-9 && Math.abs(yp * si / ci) < S) breaks.push((-yp * si) / ci);
    const edges = new Set<number>();
    for (const b of breaks.slice(2)) for (let e = -5; e <= 0; e += 0.5) for (const sg of [-1, 1]) edges.add(b + sg * S * 10 ** e);
    const list = [...edges, ...breaks].filter((e) => e >= -S && e <= S).sort((a, b) => a - b);
    let sum = 0;
    for (let q = 0; q + 1 < list.length; q++) {
      const a = list[q];
      const b = list[q + 1];
      if (b - a < 1e-12 * S) continue;
      for (let n = 0; n < 8; n++) {
        const s = 0.5 * (a + b) + 0.5 * (b - a) * g8.x[n];
        const y = -yp * ci + s * si;
        const z = yp * si + s * ci;
        const R = Math.hypot(xp, y);
        sum += 0.5 * (b - a) * g8.w[n] * nuVphi(R, z) * ((xp * si) / R);
      }
    }
    return (Math.sqrt(model.ml) * sum) / sb[p];
  });
}
