/**
 * Intrinsic second moments of the spherically aligned JAM (Cappellari 2020, MNRAS 494, 4819;
 * "JAM_sph"), on a meridional grid, for an MGE tracer in an MGE potential (plus a black-hole
 * Gaussian), with a constant anisotropy beta_k = 1 - <v_theta^2>/<v_r^2> per luminous Gaussian.
 *
 * Derivation (written from the Jeans equations in spherical coordinates, C20 Sec. 3; nothing here
 * is translated from jampy). With <v_r v_theta> = 0 and P = nu <v_r^2>, the theta-equation gives
 *   nu <v_phi^2> = nu <v_theta^2> + tan(theta) [d(nu <v_theta^2>)/dtheta + nu dPhi/dtheta],
 * and the r-equation then becomes the first-order PDE (theta from the symmetry axis)
 *   dP/dr - (1 - beta) tan(theta)/r dP/dtheta + 2 beta P / r = -nu (dPhi/dz) / cos(theta),
 * because dPhi/dr - tan(theta) (1/r) dPhi/dtheta = (dPhi/dz) / cos(theta). Its characteristics are
 * R r^-beta = const (cylinders for beta = 0, as in Cappellari 2008), along which
 *   r^(2 beta) P(r, theta) = Int_r^inf r'^(2 beta) nu G dr',   G = (dPhi/dz) / cos(theta) = r Phi_z / z,
 * with P -> 0 at infinity. Parametrising the characteristic through (r, theta) by t = r'/r >= 1
 * (sin theta' = sin theta t^(beta - 1); it reaches the axis as t -> inf for beta < 1):
 *   P(r, theta) = r Int_1^inf t^(2 beta) [nu G](r t, theta') dt.
 * The same parametrisation differentiates under the integral sign (theta' does not depend on r):
 *   r dP/dr|_theta = P + Q,   Q = r Int_1^inf t^(2 beta) [nu H + G r dnu/dr](r t, theta') dt,
 * with H = r dG/dr|_theta, and the r-equation gives the tangential moment without any numerical
 * derivative: nu <v_phi^2> = (2 + beta) P + Q + nu r dPhi/dr. The equations are linear in nu, so a
 * multi-Gaussian tracer with beta_k per Gaussian is the sum of one solution per luminous Gaussian.
 * For beta = 0 the t-integral is analytic and the model reduces exactly to the isotropic
 * cylindrical one (checked in test/jam/jam-sph.test.ts).
 *
 * Numerics:
 *  - Force table: G, H/G and F = r dPhi/dr = R Phi_R + z Phi_z of the whole mass MGE on a tensor
 *    grid in (ln r, x = cos 2 theta): uniform in ln r, Chebyshev (first-kind) nodes in x, since
 *    every even, regular function of z at fixed r is a smooth function of cos 2 theta. The forces
 *    of each mass Gaussian are the Cappellari (2008) u-integrals over [0, min(1, sqrt(2 CUT) sigma_j / r)]
 *    (the integrand is below e^-CUT beyond), with the endpoint-transformed Gauss-Legendre rule.
 *    ln G and H/G are interpolated (6-point Lagrange in ln r, barycentric in x); beyond the table
 *    the point-mass law G ~ r^-2 is used.
 *  - The t-integral uses composite Gauss-Legendre panels in ln t of fixed width, out to where every
 *    tracer Gaussian's density has fallen by e^-CUT along the path (its exponent is monotone in t);
 *    Gaussians whose density at a node is below e^-CUT of the node's largest are skipped.
 *  - Luminous Gaussians with the same beta share the characteristics, hence the force lookups.
 *  - The moments are stored as v^2 = (nu v^2) / nu (smooth) at the grid nodes, with
 *    Delta = (<v_phi^2> - <v_theta^2>) / sin^2 theta, which is regular on the axis and lets the
 *    projection avoid the (x' / R)^2 spike of a line of sight passing close to the axis.
 *
 * Units: lengths in pc, densities as in `Deprojected` (tracer surf / pc, mass Msun / pc^3),
 * moments in (km/s)^2 for M/L = 1 (G = G_KMS2_PC_MSUN).
 */
import { InputError } from '../../core/errors.ts';
import { G_KMS2_PC_MSUN } from './constants.ts';
import type { Deprojected } from './deproject.ts';
import { gaussLegendre, transformedRule } from '../math/quadrature.ts';

/** Exponent of a Gaussian factor below which (e^-CUT ~ 4e-18) a contribution is dropped. */
export const SPH_CUT = 40;

/** Accuracy knobs of the spherically aligned model; the defaults give ~1e-5 relative in V_rms^2. */
export interface SphOptions {
  /** Spacing of the meridional grid in ln r on which the characteristic integrals are done (default 0.2). */
  dlnr?: number;
  /** The force table's ln r spacing is dlnr / forceRefine (integer, default 1). */
  forceRefine?: number;
  /**
   * The output tables' ln r spacing is dlnr / outRefine (integer, default 3): the per-Gaussian
   * moments, smooth in r, are interpolated onto it and weighted by the exact tracer densities there,
   * which resolves the fast changes of the mixture weights (one Gaussian taking over from another).
   */
  outRefine?: number;
  /** Chebyshev nodes in cos 2 theta over the quadrant (default 8). */
  nang?: number;
  /** Gauss-Legendre nodes of each mass Gaussian's force u-integral (default 24). */
  forceNodes?: number;
  /** Gauss-Legendre nodes per panel of the characteristic integral in ln t (default 6). */
  pathNodes?: number;
  /** Largest width of those panels in ln t (default 1). */
  pathPanel?: number;
  /** First panel width in units of the steepest tracer Gaussian's e-folding length in ln t (default 1). */
  pathFirst?: number;
  /** Growth of the panel widths from the first to pathPanel (default 2). */
  pathRatio?: number;
  /** Gauss-Legendre nodes per panel of the line-of-sight integral (default 6). */
  losNodes?: number;
  /** Geometric growth of the line-of-sight panels away from the centre and the equatorial plane (default 3). */
  losRatio?: number;
}

export interface ResolvedSphOptions {
  dlnr: number;
  forceRefine: number;
  outRefine: number;
  nang: number;
  forceNodes: number;
  pathNodes: number;
  pathPanel: number;
  pathFirst: number;
  pathRatio: number;
  losNodes: number;
  losRatio: number;
}

/** Fills in the defaults; throws InputError naming `sph.<knob>` for a non-finite or out-of-range knob. */
export function resolveSphOptions(o: SphOptions = {}): ResolvedSphOptions {
  const num = (name: keyof SphOptions, v: number | undefined, dflt: number, lo: number, hi: number, int: boolean) => {
    if (v === undefined) return dflt;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi || (int && !Number.isInteger(v))) {
      throw new InputError(`sph.${name}`, `is ${JSON.stringify(v)}; give ${int ? 'an integer' : 'a number'} in [${lo}, ${hi}]`);
    }
    return v;
  };
  return {
    dlnr: num('dlnr', o.dlnr, 0.2, 0.005, 1, false),
    forceRefine: num('forceRefine', o.forceRefine, 1, 1, 16, true),
    outRefine: num('outRefine', o.outRefine, 3, 1, 16, true),
    nang: num('nang', o.nang, 8, 3, 200, true),
    forceNodes: num('forceNodes', o.forceNodes, 24, 4, 400, true),
    pathNodes: num('pathNodes', o.pathNodes, 6, 2, 100, true),
    pathPanel: num('pathPanel', o.pathPanel, 1, 0.05, 5, false),
    pathFirst: num('pathFirst', o.pathFirst, 1, 0.01, 100, false),
    pathRatio: num('pathRatio', o.pathRatio, 2, 1.1, 10, false),
    losNodes: num('losNodes', o.losNodes, 6, 2, 100, true),
    losRatio: num('losRatio', o.losRatio, 3, 1.1, 10, false),
  };
}

/** A tensor grid in (ln r, cos 2 theta) with the values the projection needs. */
export interface SphGrid {
  /** ln r of the first radius (r in pc) and the spacing. */
  lnr0: number;
  h: number;
  /** Radii of the force table (nr, spacing hF = h / forceRefine) and of the moment table (nrMom, spacing h), both from lnr0. */
  nr: number;
  hF: number;
  forceRefine: number;
  nrMom: number;
  /** Radii of the output moment tables (spacing hOut = h / outRefine, from lnr0). */
  nrOut: number;
  hOut: number;
  /** Angular nodes x_m = cos 2 theta_m (Chebyshev points of the first kind) and barycentric weights. */
  nm: number;
  xNodes: Float64Array;
  bary: Float64Array;
  /** Force table, index i * nm + m: ln G, H / G, F (see the module header). */
  lnG: Float64Array;
  hOverG: Float64Array;
  F: Float64Array;
  /**
   * Output moment tables, index i * nm + m (i on the hOut radii): <v_r^2>, <v_theta^2> and
   * Delta = (<v_phi^2> - <v_theta^2>) / sin^2 theta in (km/s)^2, density-weighted over the tracer Gaussians.
   */
  vr2: Float64Array;
  vth2: Float64Array;
  delta: Float64Array;
}

/**
 * Barycentric weights at x for the Chebyshev nodes (written to `out`, normalised to sum 1);
 * x in [-1, 1]; a node hit exactly gets weight 1.
 */
export function angularWeights(g: Pick<SphGrid, 'nm' | 'xNodes' | 'bary'>, x: number, out: Float64Array): void {
  const { nm, xNodes, bary } = g;
  let s = 0;
  for (let m = 0; m < nm; m++) {
    const d = x - xNodes[m];
    if (d === 0) {
      out.fill(0);
      out[m] = 1;
      return;
    }
    const w = bary[m] / d;
    out[m] = w;
    s += w;
  }
  const inv = 1 / s;
  for (let m = 0; m < nm; m++) out[m] *= inv;
}

/** Points of the Lagrange stencil in ln r (6: quintic, error ~ h^6). */
export const RADIAL_POINTS = 6;
const LAGRANGE_DEN = [-120, 24, -12, 12, -24, 120];

/**
 * First row i0 and the RADIAL_POINTS Lagrange weights (written to w) for interpolating at
 * ln r = lnr on a uniform grid of n >= RADIAL_POINTS radii starting at lnr0 with spacing h;
 * below the first radius the first value is used (constant extrapolation), above the last the
 * last value (callers extrapolate beyond the table themselves where they need to).
 */
export function radialWeights(lnr0: number, h: number, n: number, lnr: number, w: Float64Array): number {
  let f = (lnr - lnr0) / h;
  if (!(f > 0)) f = 0;
  if (f > n - 1) f = n - 1;
  let i0 = Math.floor(f) - 2;
  if (i0 < 0) i0 = 0;
  if (i0 > n - 6) i0 = n - 6;
  const p = f - i0;
  const d0 = p;
  const d1 = p - 1;
  const d2 = p - 2;
  const d3 = p - 3;
  const d4 = p - 4;
  const d5 = p - 5;
  // Prefix and suffix products of (p - b), so that w_a = prod_{b != a} (p - b) / den_a.
  const l01 = d0 * d1;
  const l012 = l01 * d2;
  const l0123 = l012 * d3;
  const r45 = d4 * d5;
  const r345 = d3 * r45;
  const r2345 = d2 * r345;
  w[0] = (d1 * r2345) / LAGRANGE_DEN[0];
  w[1] = (d0 * r2345) / LAGRANGE_DEN[1];
  w[2] = (l01 * r345) / LAGRANGE_DEN[2];
  w[3] = (l012 * r45) / LAGRANGE_DEN[3];
  w[4] = (l0123 * d5) / LAGRANGE_DEN[4];
  w[5] = (l0123 * d4) / LAGRANGE_DEN[5];
  return i0;
}

/**
 * Builds the force and moment tables of the spherically aligned model.
 * @param lum deprojected tracer MGE (rho0 = nu0 per Gaussian).
 * @param pot deprojected mass MGE including any black-hole Gaussian (M/L = 1).
 * @param beta beta_k = 1 - <v_theta^2>/<v_r^2> per luminous Gaussian, each < 1.
 * @param rMinPc innermost radius of the grid (pc, > 0); smaller radii take its values (the moments
 *   are flat in r at radii far below every Gaussian's sigma).
 * @param rMomPc outermost radius at which moments are needed (pc, > rMinPc).
 * @param o resolved accuracy options.
 */
export function buildSphGrid(lum: Deprojected, pot: Deprojected, beta: ArrayLike<number>, rMinPc: number, rMomPc: number, o: ResolvedSphOptions): SphGrid {
  const h = o.dlnr;
  const nm = o.nang;
  const lnr0 = Math.log(rMinPc);
  const nrMom = Math.max(RADIAL_POINTS, Math.ceil((Math.log(rMomPc) - lnr0) / h) + 1);
  const hOut = h / o.outRefine;
  const nrOut = (nrMom - 1) * o.outRefine + 1;
  // The force table reaches further out: paths leave the moment grid before their tracer dies.
  let sigMaxLum = 0;
  for (let k = 0; k < lum.sigmaPc.length; k++) sigMaxLum = Math.max(sigMaxLum, lum.sigmaPc[k]);
  const rTab = Math.max(rMomPc * 4, rMomPc + 2 * Math.sqrt(2 * SPH_CUT) * sigMaxLum);
  const fr = o.forceRefine;
  const hF = h / fr;
  const nr = Math.max((nrMom - 1) * fr + 1, Math.ceil((Math.log(rTab) - lnr0) / hF) + 1);
  const xNodes = new Float64Array(nm);
  const bary = new Float64Array(nm);
  for (let m = 0; m < nm; m++) {
    const a = ((2 * m + 1) * Math.PI) / (2 * nm);
    xNodes[m] = Math.cos(a);
    bary[m] = (m % 2 ? -1 : 1) * Math.sin(a);
  }
  const grid: SphGrid = {
    lnr0,
    h,
    nr,
    hF,
    forceRefine: fr,
    nrMom,
    nm,
    xNodes,
    bary,
    lnG: new Float64Array(nr * nm),
    hOverG: new Float64Array(nr * nm),
    F: new Float64Array(nr * nm),
    nrOut,
    hOut,
    vr2: new Float64Array(nrOut * nm),
    vth2: new Float64Array(nrOut * nm),
    delta: new Float64Array(nrOut * nm),
  };
  forceTable(pot, grid, o.forceNodes);
  momentTable(lum, beta, grid, o);
  return grid;
}

/**
 * Fills lnG, hOverG and F. Per mass Gaussian j (Cappellari 2008, the MGE potential's u-integral):
 *   Phi_z / z = 4 pi G q_j rho0_j Int_0^1 w(u) e^-K du,   w = u^2 (1 - e_j^2 u^2)^-3/2,
 *   K = u^2 (R^2 + z^2 / (1 - e_j^2 u^2)) / (2 sigma_j^2),
 * so G = r Phi_z / z, H = r dG/dr|_theta = r 4 pi G q rho0 Int w (1 - 2K) e^-K du (r dK/dr = 2K), and
 * F = R Phi_R + z Phi_z = 4 pi G q rho0 Int w [R^2 (1 - e^2 u^2) + z^2] e^-K du.
 */
function forceTable(pot: Deprojected, g: SphGrid, nodes: number): void {
  const { nr, nm, xNodes } = g;
  const nPot = pot.q.length;
  const base = transformedRule(nodes);
  const cut = Math.sqrt(2 * SPH_CUT);
  const A0 = new Float64Array(nm);
  const A1 = new Float64Array(nm);
  const Fs = new Float64Array(nm);
  const sin2 = Float64Array.from(xNodes, (x) => 0.5 * (1 - x));
  const cos2 = Float64Array.from(xNodes, (x) => 0.5 * (1 + x));
  for (let i = 0; i < nr; i++) {
    const r = Math.exp(g.lnr0 + i * g.hF);
    const r2 = r * r;
    A0.fill(0);
    A1.fill(0);
    Fs.fill(0);
    for (let j = 0; j < nPot; j++) {
      const sj = pot.sigmaPc[j];
      const qj = pot.q[j];
      const e2 = 1 - qj * qj;
      const amp = 4 * Math.PI * G_KMS2_PC_MSUN * qj * pot.rho0[j];
      const U = Math.min(1, (cut * sj) / r);
      const c = r2 / (2 * sj * sj);
      for (let n = 0; n < nodes; n++) {
        const u = U * base.u[n];
        const wt = amp * U * base.weight[n];
        const u2 = u * u;
        const om = 1 - e2 * u2;
        const w = (wt * u2) / (om * Math.sqrt(om));
        const cu = c * u2;
        for (let m = 0; m < nm; m++) {
          const K = cu * (sin2[m] + cos2[m] / om);
          if (K > SPH_CUT + 5) continue;
          const ex = w * Math.exp(-K);
          A0[m] += ex;
          A1[m] += ex * K;
          Fs[m] += ex * r2 * (sin2[m] * om + cos2[m]);
        }
      }
    }
    for (let m = 0; m < nm; m++) {
      const t = i * nm + m;
      // G = r A0 > 0 for any positive mass; A0 underflows only absurdly far out.
      g.lnG[t] = Math.log(r * Math.max(A0[m], 1e-300));
      g.hOverG[t] = A0[m] > 0 ? 1 - (2 * A1[m]) / A0[m] : -2;
      g.F[t] = Fs[m];
    }
  }
}

/** Fills vr2, vth2 and delta (see the module header). */
function momentTable(lum: Deprojected, beta: ArrayLike<number>, g: SphGrid, o: ResolvedSphOptions): void {
  const { nm, nrMom, nr, xNodes, lnr0, h, hF, forceRefine } = g;
  const nLum = lum.q.length;
  const inv2s2 = Float64Array.from(lum.sigmaPc, (s) => 1 / (2 * s * s));
  const invq2 = Float64Array.from(lum.q, (q) => 1 / (q * q));
  const lnNu0 = Float64Array.from(lum.rho0, (v) => Math.log(v));
  // Groups of luminous Gaussians with equal beta share their characteristics.
  const groups = new Map<number, number[]>();
  for (let k = 0; k < nLum; k++) {
    const b = beta[k];
    const list = groups.get(b);
    if (list) list.push(k);
    else groups.set(b, [k]);
  }
  const gl = gaussLegendre(o.pathNodes);
  const pw = o.pathPanel;
  // Per-Gaussian moments at the coarse nodes, index (k * nrMom + i) * nm + m: <v_r^2>_k,
  // <v_theta^2>_k and Delta_k (0 where the Gaussian is negligible at the node).
  const size = nrMom * nm;
  const Tr = new Float64Array(nLum * size);
  const Tth = new Float64Array(nLum * size);
  const Td = new Float64Array(nLum * size);
  const E0 = new Float64Array(nLum);
  const nuNode = new Float64Array(nLum);
  const P = new Float64Array(nLum);
  const Q = new Float64Array(nLum);
  const ang = new Float64Array(nm);
  const rw = new Float64Array(RADIAL_POINTS);
  const active = new Int32Array(nLum);
  const lnrTop = lnr0 + (nr - 1) * hF;
  for (let i = 0; i < nrMom; i++) {
    const lnr = lnr0 + i * h;
    const r = Math.exp(lnr);
    const r2 = r * r;
    for (let m = 0; m < nm; m++) {
      const t0 = i * nm + m;
      const s2 = 0.5 * (1 - xNodes[m]);
      const c2 = 0.5 * (1 + xNodes[m]);
      let maxLn = -Infinity;
      for (let k = 0; k < nLum; k++) {
        E0[k] = r2 * (s2 + c2 * invq2[k]) * inv2s2[k];
        nuNode[k] = Math.exp(lnNu0[k] - E0[k]);
        maxLn = Math.max(maxLn, lnNu0[k] - E0[k]);
      }
      const Fnode = g.F[i * forceRefine * nm + m];
      for (const [b, ks] of groups) {
        // Active Gaussians of the group at this node, and how far their paths must go.
        let na = 0;
        let tmax2 = 1;
        for (const k of ks) {
          P[k] = 0;
          Q[k] = 0;
          if (lnNu0[k] - E0[k] < maxLn - SPH_CUT) continue;
          active[na++] = k;
          // E_k(t) >= r^2 t^2 / (2 sigma^2) >= E0 + CUT once t^2 >= (E0 + CUT) 2 sigma^2 / r^2.
          tmax2 = Math.max(tmax2, ((E0[k] + SPH_CUT) / inv2s2[k]) / r2);
        }
        if (na === 0) continue;
        // Panels in tau = ln t: the steepest tracer Gaussian falls like exp(-slope tau) near t = 1,
        // slope = dE/dtau at t = 1, so they start at a fraction of 1/slope and grow geometrically
        // to the standard width.
        const tauMax = 0.5 * Math.log(tmax2);
        let slope = 0;
        for (let a = 0; a < na; a++) {
          const k = active[a];
          slope = Math.max(slope, 2 * (b * r2 * s2 + (r2 - b * r2 * s2) * invq2[k]) * inv2s2[k]);
        }
        let pa = 0;
        let width = Math.min(pw, o.pathFirst / Math.max(slope, 1e-300));
        while (pa < tauMax && na > 0) {
          const pb = pa + width;
          const half = 0.5 * width;
          width = Math.min(pw, width * o.pathRatio);
          for (let n = 0; n < gl.x.length && na > 0; n++) {
            const tau = pa + half * (1 + gl.x[n]);
            const t = Math.exp(tau);
            const rp = r * t;
            const rp2 = rp * rp;
            const s2p = s2 * Math.exp(2 * (b - 1) * tau);
            const R2p = rp2 * s2p;
            const z2p = rp2 - R2p;
            const lnrp = lnr + tau;
            // Force at the path point: interpolated ln G and H/G, point-mass law beyond the table.
            angularWeights(g, 1 - 2 * s2p, ang);
            let lnG = 0;
            let hg = 0;
            if (lnrp <= lnrTop) {
              const i0 = radialWeights(lnr0, hF, nr, lnrp, rw);
              for (let a = 0; a < RADIAL_POINTS; a++) {
                const row = (i0 + a) * nm;
                let sl = 0;
                let sh = 0;
                for (let mm = 0; mm < nm; mm++) {
                  sl += ang[mm] * g.lnG[row + mm];
                  sh += ang[mm] * g.hOverG[row + mm];
                }
                lnG += rw[a] * sl;
                hg += rw[a] * sh;
              }
            } else {
              const row = (nr - 1) * nm;
              for (let mm = 0; mm < nm; mm++) lnG += ang[mm] * g.lnG[row + mm];
              lnG -= 2 * (lnrp - lnrTop);
              hg = -2;
            }
            const G = Math.exp(lnG);
            const W = half * gl.w[n] * r * Math.exp((2 * b + 1) * tau);
            for (let a = 0; a < na; a++) {
              const k = active[a];
              const E = (R2p + z2p * invq2[k]) * inv2s2[k];
              if (E > E0[k] + SPH_CUT) {
                // The exponent only grows along the path: this Gaussian is done.
                active[a] = active[--na];
                a--;
                continue;
              }
              const v = W * Math.exp(lnNu0[k] - E) * G;
              P[k] += v;
              Q[k] += v * (hg - 2 * E);
            }
          }
          pa = pb;
        }
        for (const k of ks) {
          const nk = nuNode[k];
          // Far beyond a Gaussian's extent (density below 1e-250 of its centre: only where a tracer
          // subset has no Gaussian reaching a node, as the tabulated engine's per-group pieces)
          // the ratios below under- and overflow; its moments stay 0 there, where nu is nil.
          if (P[k] === 0 || !(nk > 1e-250 * lum.rho0[k])) continue;
          const t = k * size + t0;
          Tr[t] = P[k] / nk;
          Tth[t] = ((1 - b) * P[k]) / nk;
          Td[t] = ((1 + 2 * b) * P[k] + Q[k] + nk * Fnode) / (nk * s2);
        }
      }
    }
  }
  refineMoments(lum, g, Tr, Tth, Td);
}

/**
 * The output tables: at each output radius and angular node, the per-Gaussian moments interpolated
 * in ln r from the coarse nodes (same angular nodes), weighted by the exact tracer densities there.
 */
function refineMoments(lum: Deprojected, g: SphGrid, Tr: Float64Array, Tth: Float64Array, Td: Float64Array): void {
  const { nm, nrMom, nrOut, xNodes, lnr0, h, hOut } = g;
  const nLum = lum.q.length;
  const size = nrMom * nm;
  const rw = new Float64Array(RADIAL_POINTS);
  const lnNu = new Float64Array(nLum);
  for (let i = 0; i < nrOut; i++) {
    const lnr = lnr0 + i * hOut;
    const r2 = Math.exp(2 * lnr);
    const i0 = radialWeights(lnr0, h, nrMom, lnr, rw);
    for (let m = 0; m < nm; m++) {
      const s2 = 0.5 * (1 - xNodes[m]);
      const c2 = 0.5 * (1 + xNodes[m]);
      let maxLn = -Infinity;
      for (let k = 0; k < nLum; k++) {
        const sk = lum.sigmaPc[k];
        lnNu[k] = Math.log(lum.rho0[k]) - (r2 * (s2 + c2 / (lum.q[k] * lum.q[k]))) / (2 * sk * sk);
        maxLn = Math.max(maxLn, lnNu[k]);
      }
      let nu = 0;
      let ar = 0;
      let ath = 0;
      let ad = 0;
      for (let k = 0; k < nLum; k++) {
        if (lnNu[k] < maxLn - SPH_CUT) continue;
        const w = Math.exp(lnNu[k] - maxLn);
        nu += w;
        for (let a = 0; a < RADIAL_POINTS; a++) {
          const t = k * size + (i0 + a) * nm + m;
          const c = w * rw[a];
          ar += c * Tr[t];
          ath += c * Tth[t];
          ad += c * Td[t];
        }
      }
      const o = i * nm + m;
      g.vr2[o] = ar / nu;
      g.vth2[o] = ath / nu;
      g.delta[o] = ad / nu;
    }
  }
}
