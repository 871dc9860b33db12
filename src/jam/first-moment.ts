/**
 * First moment (mean line-of-sight velocity V) of the cylindrically aligned JAM (Cappellari 2008,
 * Sec. 3.2), with the rotation parameter kappa, global or one per luminous Gaussian.
 *
 * Per luminous Gaussian k (anisotropy b_k = <v_R^2>/<v_z^2> = 1/(1 - beta_k)) the tangential second
 * moment is split into ordered and random motion as
 *   [nu <v_phi>]_k = kappa_k sqrt( nu_k max([nu <v_phi^2>]_k - [nu <v_R^2>]_k, 0) ),
 * i.e. <v_phi>_k^2 = kappa_k^2 (<v_phi^2>_k - b_k <v_z^2>_k): kappa = 1 gives sigma_phi = sigma_R
 * (for beta = 0 the isotropic rotator), kappa = 0 no rotation; nu <v_phi> = sum_k [nu <v_phi>]_k.
 * From the cylindrical Jeans equations (C08 Sec. 3.1) with the MGE potential's u-integrals,
 *   [nu <v_z^2>]_k = sum_j C_kj Int w_j(u) e^(-a R^2 - b z^2) / (2 b) du,
 *   [nu <v_phi^2>]_k - b_k [nu <v_z^2>]_k = b_k R d[nu <v_z^2>]_k/dR + nu_k R dPhi/dR
 *       = R^2 sum_j C_kj Int w_j e^(-a R^2 - b z^2) [(1 - e_j^2 u^2) - b_k a / b] du,
 * with C_kj = 4 pi G q_j rho0_j nu0_k, w_j = u^2 (1 - e_j^2 u^2)^(-3/2), a = 1/(2 sigma_k^2) + u^2/(2 sigma_j^2),
 * b = 1/(2 sigma_k^2 q_k^2) + u^2/(2 sigma_j^2 (1 - e_j^2 u^2)) (C08 eqs 29-30 with the line-of-sight
 * terms removed). The exponential factors into nu_k / nu0_k times e^(-K_j), K_j = u^2 (R^2 + z^2/(1 - e_j^2 u^2)) / (2 sigma_j^2),
 * so <v_phi>_k = kappa_k R sqrt(max(Z_k, 0)) with
 *   Z_k = sum_j 4 pi G q_j rho0_j Int w_j e^(-K_j) [(1 - e_j^2 u^2) - b_k a / b] du   ((km/s)^2 / pc^2),
 * regular on the axis. The projection (C08 eq. 25 geometry: n.e_phi = x' sin i / R, positive V on the
 * +x' side for kappa > 0) is
 *   Sigma V(x', y') = x' sin i Int sum_k nu_k kappa_k sqrt(Z_k) ds,
 * odd in x', even in y'. It needs the intrinsic field at every point of the line of sight, so Z_k is
 * tabulated per Gaussian on the meridional (ln r, cos 2 theta) grid of the spherically aligned model
 * (src/jam/sph-moments.ts), refined in r with the exact tracer densities as weights, and integrated
 * with the same graded line-of-sight rule (src/jam/sph-los.ts). Units: lengths in pc inside, V in km/s.
 */
import { InputError } from '../../core/errors.ts';
import { G_KMS2_PC_MSUN } from './constants.ts';
import type { PreparedModel } from './model.ts';
import { angularWeights, RADIAL_POINTS, radialWeights, resolveSphOptions, SPH_CUT, type SphOptions } from './sph-moments.ts';
import { lineOfSightRule } from './sph-los.ts';
import { gaussLegendre, transformedRule } from '../math/quadrature.ts';
import { mgeSurfaceDensity } from '../photometry/mge.ts';

/** The tabulated mean-velocity field: sum_k nu_k kappa_k sqrt(Z_k) / nu on a (ln r, cos 2 theta) grid. */
export interface FirstMomentGrid {
  lnr0: number;
  hOut: number;
  nrOut: number;
  nm: number;
  xNodes: Float64Array;
  bary: Float64Array;
  /** <v_phi> / R in km/s/pc (M/L = 1), index i * nm + m. */
  omega: Float64Array;
}

/**
 * Validates kappa: one finite number, or one per luminous Gaussian (nLum). Returns the per-Gaussian
 * values. Throws InputError naming `kappa` (or `kappa[k]`).
 */
export function checkKappa(kappa: number | ArrayLike<number>, nLum: number): Float64Array {
  if (typeof kappa === 'number') {
    if (!Number.isFinite(kappa)) throw new InputError('kappa', `is ${kappa}; give a finite number (1 = isotropic rotator for beta = 0, 0 = no rotation)`);
    return new Float64Array(nLum).fill(kappa);
  }
  if (!kappa || typeof kappa.length !== 'number') throw new InputError('kappa', 'must be a number or an array of numbers, one per luminous Gaussian');
  if (kappa.length !== nLum) throw new InputError('kappa', `has ${kappa.length} values but mge_lum has ${nLum} Gaussians; give one number or one per luminous Gaussian`);
  const out = new Float64Array(nLum);
  for (let k = 0; k < nLum; k++) {
    if (typeof kappa[k] !== 'number' || !Number.isFinite(kappa[k])) throw new InputError(`kappa[${k}]`, `is ${JSON.stringify(kappa[k])}; give a finite number`);
    out[k] = kappa[k];
  }
  return out;
}

/**
 * Builds the mean-velocity table of a prepared (cylindrically aligned) model for sky radii in
 * [rMinArcsec, rMaxArcsec] (rMinArcsec = 0 allows the centre). `opts` uses the grid knobs of
 * SphOptions (dlnr, nang, outRefine, forceNodes; defaults as there).
 */
export function firstMomentGridFor(model: PreparedModel, kappa: number | ArrayLike<number>, rMaxArcsec: number, opts: SphOptions = {}, rMinArcsec = 0): FirstMomentGrid {
  const o = resolveSphOptions(opts);
  const lum = model.lumDeproj;
  const pot = model.potDeproj;
  const nLum = lum.q.length;
  const nPot = pot.q.length;
  const kap = checkKappa(kappa, nLum);
  let sMin = Infinity;
  let sMaxLum = 0;
  for (let k = 0; k < nLum; k++) {
    sMin = Math.min(sMin, lum.sigmaPc[k] * lum.q[k]);
    sMaxLum = Math.max(sMaxLum, lum.sigmaPc[k]);
  }
  for (let j = 0; j < nPot; j++) sMin = Math.min(sMin, pot.sigmaPc[j] * pot.q[j]);
  const r0Max = rMaxArcsec * model.pcPerArcsec;
  const rMin = Math.max(1e-3 * sMin, 0.5 * rMinArcsec * model.pcPerArcsec);
  const rMom = Math.max(Math.hypot(r0Max, Math.sqrt(2 * SPH_CUT) * sMaxLum + 2 * r0Max), 2 * rMin);
  const h = o.dlnr;
  const nm = o.nang;
  const lnr0 = Math.log(rMin);
  const nr = Math.max(RADIAL_POINTS, Math.ceil((Math.log(rMom) - lnr0) / h) + 1);
  const xNodes = new Float64Array(nm);
  const bary = new Float64Array(nm);
  for (let m = 0; m < nm; m++) {
    const a = ((2 * m + 1) * Math.PI) / (2 * nm);
    xNodes[m] = Math.cos(a);
    bary[m] = (m % 2 ? -1 : 1) * Math.sin(a);
  }
  // Per-Gaussian kappa_k sqrt(Z_k) at the coarse nodes, index (k * nr + i) * nm + m.
  const T = new Float64Array(nLum * nr * nm);
  const base = transformedRule(o.forceNodes);
  const cut = Math.sqrt(2 * SPH_CUT);
  const Z = new Float64Array(nLum * nm);
  const inv2sk2 = Float64Array.from(lum.sigmaPc, (s) => 1 / (2 * s * s));
  const inv2sk2q2 = Float64Array.from(lum.sigmaPc, (s, k) => 1 / (2 * s * s * lum.q[k] * lum.q[k]));
  for (let i = 0; i < nr; i++) {
    const r = Math.exp(lnr0 + i * h);
    const r2 = r * r;
    Z.fill(0);
    for (let j = 0; j < nPot; j++) {
      const sj2 = pot.sigmaPc[j] * pot.sigmaPc[j];
      const qj = pot.q[j];
      const e2 = 1 - qj * qj;
      const amp = 4 * Math.PI * G_KMS2_PC_MSUN * qj * pot.rho0[j];
      const U = Math.min(1, (cut * pot.sigmaPc[j]) / r);
      for (let n = 0; n < base.u.length; n++) {
        const u = U * base.u[n];
        const u2 = u * u;
        const om = 1 - e2 * u2;
        const w = (amp * U * base.weight[n] * u2) / (om * Math.sqrt(om));
        const au = u2 / (2 * sj2);
        const bu = au / om;
        for (let m = 0; m < nm; m++) {
          const s2 = 0.5 * (1 - xNodes[m]);
          const K = r2 * (au * s2 + bu * (1 - s2));
          if (K > SPH_CUT + 5) continue;
          const ex = w * Math.exp(-K);
          for (let k = 0; k < nLum; k++) {
            const a = inv2sk2[k] + au;
            const b = inv2sk2q2[k] + bu;
            Z[k * nm + m] += ex * (om - (model.b[k] * a) / b);
          }
        }
      }
    }
    for (let k = 0; k < nLum; k++) {
      for (let m = 0; m < nm; m++) T[(k * nr + i) * nm + m] = kap[k] * Math.sqrt(Math.max(Z[k * nm + m], 0));
    }
  }
  // Refinement in r with the exact tracer densities as mixture weights (as in sph-moments.ts).
  const hOut = h / o.outRefine;
  const nrOut = (nr - 1) * o.outRefine + 1;
  const omega = new Float64Array(nrOut * nm);
  const rw = new Float64Array(RADIAL_POINTS);
  const lnNu = new Float64Array(nLum);
  for (let i = 0; i < nrOut; i++) {
    const lnr = lnr0 + i * hOut;
    const r2 = Math.exp(2 * lnr);
    const i0 = radialWeights(lnr0, h, nr, lnr, rw);
    for (let m = 0; m < nm; m++) {
      const s2 = 0.5 * (1 - xNodes[m]);
      let maxLn = -Infinity;
      for (let k = 0; k < nLum; k++) {
        lnNu[k] = Math.log(lum.rho0[k]) - r2 * (s2 * inv2sk2[k] + (1 - s2) * inv2sk2q2[k]);
        maxLn = Math.max(maxLn, lnNu[k]);
      }
      let nu = 0;
      let acc = 0;
      for (let k = 0; k < nLum; k++) {
        if (lnNu[k] < maxLn - SPH_CUT) continue;
        const wk = Math.exp(lnNu[k] - maxLn);
        nu += wk;
        for (let a = 0; a < RADIAL_POINTS; a++) acc += wk * rw[a] * T[(k * nr + i0 + a) * nm + m];
      }
      omega[i * nm + m] = acc / nu;
    }
  }
  return { lnr0, hOut, nrOut, nm, xNodes, bary, omega };
}

/**
 * Sigma V (tracer surf units x km/s, M/L = 1) at sky points in pc from a table covering their radii.
 * Any quadrant; (0, 0) gives 0.
 */
export function losFirstMoment(model: PreparedModel, g: FirstMomentGrid, xPc: ArrayLike<number>, yPc: ArrayLike<number>, opts: SphOptions = {}): Float64Array {
  const o = resolveSphOptions(opts);
  const lum = model.lumDeproj;
  const nLum = lum.q.length;
  const incRad = (model.incDeg * Math.PI) / 180;
  const si = Math.sin(incRad);
  const ci = Math.cos(incRad);
  const inv2s2 = Float64Array.from(lum.sigmaPc, (s) => 1 / (2 * s * s));
  const inv2s2q2 = Float64Array.from(lum.sigmaPc, (s, k) => 1 / (2 * s * s * lum.q[k] * lum.q[k]));
  let sMaxLum = 0;
  let thin = Infinity;
  for (let k = 0; k < nLum; k++) {
    sMaxLum = Math.max(sMaxLum, lum.sigmaPc[k]);
    thin = Math.min(thin, lum.sigmaPc[k] * lum.q[k]);
  }
  const gl = gaussLegendre(o.losNodes);
  const ang = new Float64Array(g.nm);
  const rw = new Float64Array(RADIAL_POINTS);
  const out = new Float64Array(xPc.length);
  const sArr: number[] = [];
  const wArr: number[] = [];
  const rFloor = Math.exp(g.lnr0);
  for (let p = 0; p < xPc.length; p++) {
    const xp = xPc[p];
    const yp = yPc[p];
    if (xp === 0) continue; // odd in x'
    lineOfSightRule(xp, yp, si, ci, rFloor, sMaxLum, thin, o.losRatio, gl, sArr, wArr);
    const r02 = xp * xp + yp * yp;
    let sum = 0;
    for (let n = 0; n < sArr.length; n++) {
      const s = sArr[n];
      const y = -yp * ci + s * si;
      const z = yp * si + s * ci;
      const R2 = xp * xp + y * y;
      const z2 = z * z;
      const r2 = r02 + s * s;
      let nu = 0;
      for (let k = 0; k < nLum; k++) {
        const E = R2 * inv2s2[k] + z2 * inv2s2q2[k];
        if (E < 700) nu += lum.rho0[k] * Math.exp(-E);
      }
      if (nu === 0) continue;
      angularWeights(g, (z2 - R2) / r2, ang);
      const i0 = radialWeights(g.lnr0, g.hOut, g.nrOut, 0.5 * Math.log(r2), rw);
      let v = 0;
      for (let a = 0; a < RADIAL_POINTS; a++) {
        const row = (i0 + a) * g.nm;
        let sa = 0;
        for (let m = 0; m < g.nm; m++) sa += ang[m] * g.omega[row + m];
        v += rw[a] * sa;
      }
      sum += wArr[n] * nu * v;
    }
    out[p] = xp * si * sum;
  }
  return out;
}

/**
 * Mean line-of-sight velocity V in km/s of the cylindrically aligned JAM at sky points x, y (arcsec,
 * x along the projected major axis, positive V on the +x side for kappa > 0), M/L applied
 * (V ~ sqrt(M/L)); kappa one number or one per luminous Gaussian. 0 where the surface brightness
 * underflows and at x = 0. `opts`: the grid knobs of SphOptions; `grid` reuses a table from
 * firstMomentGridFor (it must cover the points' radii).
 */
export function vlosDirect(model: PreparedModel, x: ArrayLike<number>, y: ArrayLike<number>, kappa: number | ArrayLike<number>, opts: SphOptions = {}, grid?: FirstMomentGrid): Float64Array {
  const n = x.length;
  const sc = model.pcPerArcsec;
  const xPc = new Float64Array(n);
  const yPc = new Float64Array(n);
  let rMax = 0;
  let rMin = Infinity;
  for (let i = 0; i < n; i++) {
    xPc[i] = x[i] * sc;
    yPc[i] = y[i] * sc;
    const r = Math.hypot(x[i], y[i]);
    rMax = Math.max(rMax, r);
    rMin = Math.min(rMin, r);
  }
  const g = grid ?? firstMomentGridFor(model, kappa, rMax, opts, rMin);
  const out = losFirstMoment(model, g, xPc, yPc, opts);
  const sb = mgeSurfaceDensity(model.lum, x, y);
  const f = Math.sqrt(model.ml);
  for (let i = 0; i < n; i++) out[i] = sb[i] > 0 ? (f * out[i]) / sb[i] : 0;
  return out;
}
