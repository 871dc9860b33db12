/**
 * Line-of-sight projection of the spherically aligned JAM (Cappellari 2020, MNRAS 494, 4819):
 * V_rms^2 at sky points from the intrinsic moments of src/jam/sph-moments.ts.
 *
 * Geometry (Cappellari 2008 eq. 25's convention): a sky point (x', y') at depth s along the line of
 * sight lies at x = x', y = -y' cos i + s sin i, z = y' sin i + s cos i; the unit vector along the
 * line of sight n = (0, sin i, cos i) has n.e_r = s/r, n.e_phi = x' sin i / R, and
 * (n.e_r)^2 + (n.e_theta)^2 + (n.e_phi)^2 = 1. With the velocity ellipsoid aligned with (r, theta, phi)
 * the projected second moment is
 *   nu <v_los^2> = nu [(n.e_r)^2 <v_r^2> + (n.e_theta)^2 <v_theta^2> + (n.e_phi)^2 <v_phi^2>]
 *               = nu [s^2 <v_r^2> + r0^2 <v_theta^2> + x'^2 sin^2 i Delta] / r^2,
 * using 1 - s^2/r^2 = r0^2/r^2 (r0^2 = x'^2 + y'^2) and Delta = (<v_phi^2> - <v_theta^2>) / sin^2 theta,
 * which is regular on the symmetry axis (the last form has no spike where the line of sight passes
 * close to the axis). Sigma V_rms^2 = Int nu <v_los^2> ds, divided by the MGE surface brightness.
 *
 * The s-integral uses composite Gauss-Legendre panels growing geometrically away from the two places
 * where the integrand can change on short scales: the point of the line of sight closest to the
 * centre (s = 0; scale r0) and its crossing of the equatorial plane (s = -y' tan i; scale the
 * thinnest tracer Gaussian's sigma_k q_k / cos i), out to where every tracer Gaussian is below e^-CUT.
 */
import type { Deprojected } from './deproject.ts';
import type { PreparedModel } from './model.ts';
import { angularWeights, buildSphGrid, RADIAL_POINTS, radialWeights, resolveSphOptions, SPH_CUT, type SphGrid, type SphOptions } from './sph-moments.ts';
import { gaussLegendre } from '../math/quadrature.ts';
import { mgeSurfaceDensity } from '../photometry/mge.ts';

export type { SphOptions } from './sph-moments.ts';

/** beta_k = 1 - 1/b_k per luminous Gaussian from a prepared model (b_k = sigma_R^2/sigma_z^2 there; the same number is beta here). */
export function sphBeta(model: PreparedModel): Float64Array {
  return Float64Array.from(model.b, (b) => 1 - 1 / b);
}

/**
 * The meridional grid for a prepared model, accurate for sky points at radii in
 * [rMinArcsec, rMaxArcsec] (a line of sight never comes closer to the centre than its sky radius;
 * rMinArcsec = 0, the default, allows the centre); cache it to evaluate the same model at several
 * point sets within that range.
 */
export function sphGridFor(model: PreparedModel, rMaxArcsec: number, opts: SphOptions = {}, rMinArcsec = 0): SphGrid {
  const o = resolveSphOptions(opts);
  const [rMin, rMom] = sphGridSpan(model.lumDeproj, model.potDeproj, model.pcPerArcsec, rMaxArcsec, rMinArcsec);
  return buildSphGrid(model.lumDeproj, model.potDeproj, sphBeta(model), rMin, rMom, o);
}

/**
 * [innermost, outermost] radius (pc) of the meridional grid that serves sky points at radii in
 * [rMinArcsec, rMaxArcsec] for these tracer and mass Gaussians (see sphGridFor). Separate so that
 * the pieces of one model (a subset of the tracer, one mass component: the tabulated engine's
 * basis) can share the whole model's grid.
 */
export function sphGridSpan(lum: Deprojected, pot: Deprojected, pcPerArcsec: number, rMaxArcsec: number, rMinArcsec = 0): [number, number] {
  let sMin = Infinity;
  let sMaxLum = 0;
  for (let k = 0; k < lum.sigmaPc.length; k++) {
    sMin = Math.min(sMin, lum.sigmaPc[k] * Math.min(1, lum.q[k]));
    sMaxLum = Math.max(sMaxLum, lum.sigmaPc[k]);
  }
  for (let j = 0; j < pot.sigmaPc.length; j++) sMin = Math.min(sMin, pot.sigmaPc[j] * pot.q[j]);
  const r0Max = rMaxArcsec * pcPerArcsec;
  const rMom = Math.hypot(r0Max, losExtent(r0Max, sMaxLum));
  // Inside 1e-3 of the smallest scale the moments are flat in r; a grid starting at half the
  // smallest sky radius covers every line of sight of points off the centre.
  const rMin = Math.max(1e-3 * sMin, 0.5 * rMinArcsec * pcPerArcsec);
  return [rMin, Math.max(rMom, 2 * rMin)];
}

/** Half-length (pc) of the line of sight integrated at sky radius r0 (pc), see the module header. */
function losExtent(r0: number, sigMaxLum: number): number {
  return Math.sqrt(2 * SPH_CUT) * sigMaxLum + 2 * r0;
}

/** Angular interpolation of row i of the output tables into out[0..2]. */
function rowAt(g: SphGrid, i: number, ang: Float64Array, out: Float64Array): void {
  const row = i * g.nm;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  for (let m = 0; m < g.nm; m++) {
    const w = ang[m];
    s0 += w * g.vr2[row + m];
    s1 += w * g.vth2[row + m];
    s2 += w * g.delta[row + m];
  }
  out[0] = s0;
  out[1] = s1;
  out[2] = s2;
}

/**
 * Interpolated [<v_r^2>, <v_theta^2>, Delta] at (ln r, x = cos 2 theta) into out. Beyond the outer
 * radius the outermost values are used (the tracer is negligible there). Inside the innermost radius
 * (only lines of sight through the very centre) the moments are extrapolated as the power law of the
 * two innermost radii: flat for beta <= 0, ~ r^(-2 beta) for beta > 0 (the integrable central cusp of
 * a cored tracer with constant beta > 0), Delta scaled like <v_theta^2>.
 */
function momentsAt(g: SphGrid, lnr: number, x: number, ang: Float64Array, rw: Float64Array, out: Float64Array): void {
  angularWeights(g, x, ang);
  if (lnr < g.lnr0) {
    rowAt(g, 1, ang, out);
    const a1 = out[0];
    const b1 = out[1];
    rowAt(g, 0, ang, out);
    const e = (g.lnr0 - lnr) / g.hOut;
    const fr = out[0] > 0 && a1 > 0 ? Math.pow(out[0] / a1, e) : 1;
    const ft = out[1] > 0 && b1 > 0 ? Math.pow(out[1] / b1, e) : 1;
    out[0] *= fr;
    out[1] *= ft;
    out[2] *= ft;
    return;
  }
  const i0 = radialWeights(g.lnr0, g.hOut, g.nrOut, lnr, rw);
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  const nm = g.nm;
  for (let a = 0; a < RADIAL_POINTS; a++) {
    const row = (i0 + a) * nm;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    for (let m = 0; m < nm; m++) {
      const w = ang[m];
      s0 += w * g.vr2[row + m];
      s1 += w * g.vth2[row + m];
      s2 += w * g.delta[row + m];
    }
    a0 += rw[a] * s0;
    a1 += rw[a] * s1;
    a2 += rw[a] * s2;
  }
  out[0] = a0;
  out[1] = a1;
  out[2] = a2;
}

/**
 * Appends to (s, w) the Gauss-Legendre nodes of panels starting at `from` and growing by `ratio`
 * (first width d > 0) towards `to` (either side of `from`), the last panel cut at `to`.
 */
function gradedPanels(from: number, to: number, d: number, ratio: number, gl: { x: Float64Array; w: Float64Array }, s: number[], w: number[]): void {
  const dir = to > from ? 1 : -1;
  const L = Math.abs(to - from);
  let a = 0;
  let width = d;
  while (a < L) {
    const b = Math.min(L, a + width);
    const half = 0.5 * (b - a);
    const mid = 0.5 * (a + b);
    for (let n = 0; n < gl.x.length; n++) {
      s.push(from + dir * (mid + half * gl.x[n]));
      w.push(half * gl.w[n]);
    }
    a = b;
    width *= ratio;
  }
}

/**
 * The line-of-sight quadrature rule (nodes s in pc into sArr, weights into wArr; both cleared first)
 * for the sky point (xp, yp) pc at inclination sin i = si, cos i = ci: graded Gauss-Legendre panels
 * from s = 0 (first width the sky radius, or 1e-4 rFloor at the centre) and, when it is a separate
 * feature inside the range, from the equatorial crossing s = -yp tan i (first width the thinnest
 * tracer Gaussian's sigma_k q_k / cos i), out to +-(sqrt(2 CUT) sigMaxLum + 2 r0). A crossing within
 * the first width of s = 0 is the one centre the panels grow from.
 */
export function lineOfSightRule(
  xp: number,
  yp: number,
  si: number,
  ci: number,
  rFloor: number,
  sigMaxLum: number,
  thin: number,
  ratio: number,
  gl: { x: Float64Array; w: Float64Array },
  sArr: number[],
  wArr: number[],
): void {
  sArr.length = 0;
  wArr.length = 0;
  const r0 = Math.hypot(xp, yp);
  const S = losExtent(r0, sigMaxLum);
  // The first panel: the sky radius, or for the centre itself far inside the grid's first radius
  // (the moments may have an integrable r^(-2 beta) cusp there, see momentsAt).
  const d0 = r0 > 0 ? Math.max(r0, rFloor) : 1e-4 * rFloor;
  const sEq = ci > 1e-12 ? (-yp * si) / ci : Infinity;
  const dEq = Math.min(thin / Math.max(ci, 1e-12), 0.5 * Math.abs(sEq));
  if (Math.abs(sEq) > d0 && Math.abs(sEq) < S && Number.isFinite(sEq)) {
    const mid = 0.5 * sEq;
    const far = sEq > 0 ? S + sEq : -S + sEq;
    gradedPanels(0, sEq > 0 ? -S : S, d0, ratio, gl, sArr, wArr);
    gradedPanels(0, mid, d0, ratio, gl, sArr, wArr);
    gradedPanels(sEq, mid, dEq, ratio, gl, sArr, wArr);
    gradedPanels(sEq, far, dEq, ratio, gl, sArr, wArr);
  } else if (Math.abs(sEq) <= d0) {
    // The crossing lies within the first panel's width of s = 0: panels grown from s = 0 would put
    // a disc thinner than that panel between their nodes (a 0.2% jump in V_rms^2 where the
    // crossing moves across the panel's end, seen at low inclinations). Grown from the crossing
    // they resolve it, and the closest approach (smooth on the scale r0 >= |sEq|) falls in panels
    // no wider than a few r0.
    const d = Math.min(thin / Math.max(ci, 1e-12), d0);
    gradedPanels(sEq, -S, d, ratio, gl, sArr, wArr);
    gradedPanels(sEq, S, d, ratio, gl, sArr, wArr);
  } else {
    gradedPanels(0, -S, d0, ratio, gl, sArr, wArr);
    gradedPanels(0, S, d0, ratio, gl, sArr, wArr);
  }
}

/**
 * Sigma <v_los^2> (tracer surf units x (km/s)^2, M/L = 1) of the spherically aligned model at sky
 * points in pc (any quadrant, (0, 0) allowed), from a grid built for radii up to the points' largest.
 */
export function sphLosSecondMoment(model: Pick<PreparedModel, 'lumDeproj' | 'incDeg'>, g: SphGrid, xPc: ArrayLike<number>, yPc: ArrayLike<number>, opts: SphOptions = {}): Float64Array {
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
  const rFloor = Math.exp(g.lnr0);
  const gl = gaussLegendre(o.losNodes);
  const ang = new Float64Array(g.nm);
  const rw = new Float64Array(RADIAL_POINTS);
  const mom = new Float64Array(3);
  const out = new Float64Array(xPc.length);
  const sArr: number[] = [];
  const wArr: number[] = [];
  for (let p = 0; p < xPc.length; p++) {
    const xp = xPc[p];
    const yp = yPc[p];
    const r02 = xp * xp + yp * yp;
    lineOfSightRule(xp, yp, si, ci, rFloor, sMaxLum, thin, o.losRatio, gl, sArr, wArr);
    const x2si2 = xp * xp * si * si;
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
      if (nu === 0 || r2 === 0) continue;
      momentsAt(g, 0.5 * Math.log(r2), (z2 - R2) / r2, ang, rw, mom);
      sum += wArr[n] * nu * ((s * s * mom[0] + r02 * mom[1] + x2si2 * mom[2]) / r2);
    }
    out[p] = sum;
  }
  return out;
}

/**
 * V_rms^2 in (km/s)^2 of the spherically aligned JAM (Cappellari 2020) at sky points x, y (arcsec,
 * x along the projected major axis; any quadrant, (0, 0) allowed), M/L applied; analogous to
 * `vrms2Direct` of the cylindrical model (src/jam/direct.ts). beta in the model's parameters is
 * beta = 1 - <v_theta^2>/<v_r^2> here, one value or one per luminous Gaussian (< 1). Where the tracer
 * surface density underflows to 0 the value is 0. The accuracy follows `opts` (defaults ~1e-5
 * relative); pass a grid from `sphGridFor` to reuse it (it must reach the points' largest radius).
 */
export function vrms2DirectSph(model: PreparedModel, x: ArrayLike<number>, y: ArrayLike<number>, opts: SphOptions = {}, grid?: SphGrid): Float64Array {
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
  const g = grid ?? sphGridFor(model, rMax, opts, rMin);
  const out = sphLosSecondMoment(model, g, xPc, yPc, opts);
  const sb = mgeSurfaceDensity(model.lum, x, y);
  for (let i = 0; i < n; i++) out[i] = sb[i] > 0 ? (model.ml * out[i]) / sb[i] : 0;
  return out;
}
