/**
 * The inclination table of a galaxy's basis maps (basis.ts) and its interpolation.
 *
 * Variable. Every inclination dependence of eq. 28 goes through cos^2 i, sin^2 i and the
 * intrinsic axial ratios q_k = sqrt(q'_k^2 - cos^2 i) / sin i (Cappellari 2008 eq. 13), which
 * have a square-root branch point where the flattest Gaussian (q'_min) reaches q = 0. With
 *     s = sqrt(q'_min^2 - cos^2 i),   t = ln s,
 * cos^2 i = q'_min^2 - s^2, sin^2 i = 1 - q'_min^2 + s^2 and q_k^2 = (q'_k^2 - q'_min^2 + s^2) / sin^2 i
 * are polynomials in s, and the remaining 1/q_k (the densities) is e^-t-like: entire in t, with the
 * branch points of sqrt(q'_k^2 - q'_min^2 + e^2t) at distance pi/2 off the real t axis. So the
 * maps are smooth in t all the way down to the deprojection limit (q_intr = 0.05, t finite), and
 * uniformly spaced nodes in t resolve the steep approach to the limit that a uniform grid in i
 * would not.
 *
 * Interpolation: local Lagrange polynomials of degree 5 (6 consecutive nodes around t, shifted
 * inwards at the ends), so one evaluation reads 6 tables whatever their number.
 *
 * Adaptivity: start from 7 nodes over [t(i_lo), t(i_hi)]; evaluate the exact basis at every
 * midpoint and compare with the interpolation from the current nodes; if the largest error
 * exceeds `tol`, the midpoints join the nodes (the spacing halves) and the check repeats. The
 * accepted table keeps the checked midpoints too, so the reported error (that of the coarser
 * node set) bounds the table's own from above.
 *
 * Error measure (relative in V_rms^2, per mass component c and bin, worst case over the prior's
 * anisotropy range [b_lo, b_hi] with every group anywhere in it):
 *     sum_g (|dP_gc| + max|b| |dQ_gc|) / min_{b in {b_lo, 1, b_hi}, V^2 > 0} sum_g (P_gc + b Q_gc)
 * (b = 1, the isotropic model, always gives V^2 > 0; an end of the range where V^2 <= 0 is a model
 * the prior excludes and does not set the scale).
 * Each component is measured against its own map, so the bound holds for any amplitudes (all
 * components add positive V_rms^2).
 *
 * A second axis (the `qm` mass model: the mass MGE is the light's with every q' replaced by q_M).
 * The mass Gaussians' q_M enters eq. 28 exactly as the light's q' does, through
 * s_M = sqrt(q_M^2 - cos^2 i), so the maps are smooth in u = ln s_M by the argument above. The
 * prior's region is not a rectangle in (t, u): at inclination i, q_M runs from a lower bound to
 * q_hi, and the lower bound is the prior's q_lo where that deprojects, else the mass's own
 * deprojection limit q_M = hypot(cos i, 0.05 sin i). Each table patch maps u linearly onto
 * v in [0, 1] between a lower curve (the prior's, or the limit's: each smooth in t) and the upper
 * one; where the prior's curve crosses the limit's inside the inclination range, the range is
 * split there into two patches, so no patch interpolates across the kink. The interpolation is the
 * tensor product of the 6-node stencils in t and v. Adaptivity per axis: the error measure at the
 * t-midpoints (at every v node) and at the v-midpoints (at every t node); an axis whose error
 * exceeds tol/2 is refined, and the patch is accepted when both are below tol/2 (the reported
 * bound is their sum, the usual estimate of a tensor-product rule's error).
 *
 * The spherically aligned model's axis (BetaAxis): its maps are not linear in a function of beta
 * (Cappellari 2020), so beta is the second axis, uniform over the prior's range, with its own error
 * measure (errorMeasureSph: the maps hold V_rms^2 at the node's beta, one per group and component).
 */
import { DomainError, InputError } from '../../../core/errors.ts';
import { incOfT, tOfInc } from '../../jam/deproject.ts';

/** Degree + 1 of the local interpolation. */
export const STENCIL = 6;

/** prod_{l != m} (m - l) for the 6-node stencil on nodes 0..5. */
const LAGRANGE_DEN = Float64Array.from({ length: STENCIL }, (_, m) => {
  let d = 1;
  for (let l = 0; l < STENCIL; l++) if (l !== m) d *= m - l;
  return d;
});

/**
 * The second axis of a `qm` table patch: v in [0, 1] maps linearly onto u = ln sqrt(q_M^2 - cos^2 i)
 * between the lower curve (`lower`: 'prior', q_M = qLo; 'limit', the mass's deprojection limit)
 * and q_M = qHi.
 */
export interface QmAxis {
  kind: 'qm';
  lower: 'prior' | 'limit';
  qLo: number;
  qHi: number;
}

/**
 * The second axis of a spherically aligned table patch: v in [0, 1] maps linearly onto the
 * anisotropy beta in [lo, hi] (the prior's range). The solution's dependence on beta comes through
 * factors like (r'/r)^(2 beta) in the Jeans integrals (Cappellari 2020), entire in beta, so a
 * uniform axis suffices.
 */
export interface BetaAxis {
  kind: 'beta';
  lo: number;
  hi: number;
}

export type SecondAxis = QmAxis | BetaAxis;

/** One patch of a table over an inclination range (see the module header). */
export interface TablePatch {
  /** The patch's reference q' (the light's flattest, or the mass's q_lo): t = ln sqrt(qMin^2 - cos^2 i). */
  qMin: number;
  /** Node range and count in t (uniform). */
  t0: number;
  t1: number;
  /** Inclinations covered, degrees. */
  incLo: number;
  incHi: number;
  nNodes: number;
  /** Nodes along the second axis (1 without one). */
  nV: number;
  axis?: SecondAxis;
  /** Values per node (basisLength). */
  length: number;
  /** nNodes x nV x length, t-major. */
  values: Float64Array;
  /** The largest error measure at the last check (see the module header). */
  maxError: number;
  /** Exact basis evaluations spent (nodes + checks). */
  evaluations: number;
}

/** A point where the build needs the exact basis: inclination (deg) and, on a qm patch, q_M; on a beta patch, beta. */
export type TablePoint = { incDeg: number; qM?: number; beta?: number };

const DEG = Math.PI / 180;
/** Intrinsic q of the mass's deprojection limit (src/jam/deproject.ts), with a hair of margin. */
const Q_LIMIT2 = 0.05 * 0.05 * (1 + 1e-8);

/** [u_lo, u_hi] of a qm axis at inclination incDeg (u = ln sqrt(q_M^2 - cos^2 i)). */
function qmBounds(a: QmAxis, incDeg: number): [number, number] {
  const c = Math.cos(incDeg * DEG);
  const c2 = c * c;
  const lim = Q_LIMIT2 * (1 - c2);
  const lo2 = a.lower === 'limit' ? lim : Math.max(a.qLo * a.qLo - c2, lim);
  return [0.5 * Math.log(lo2), 0.5 * Math.log(a.qHi * a.qHi - c2)];
}

/** q_M at (incDeg, v) of a qm axis. */
export function qmOfV(a: QmAxis, incDeg: number, v: number): number {
  if (v === 1) return a.qHi;
  const [lo, hi] = qmBounds(a, incDeg);
  const c = Math.cos(incDeg * DEG);
  return Math.min(a.qHi, Math.sqrt(Math.exp(2 * (lo + v * (hi - lo))) + c * c));
}

/** v of q_M at incDeg on a qm axis (NaN where q_M cannot be deprojected). */
export function vOfQm(a: QmAxis, incDeg: number, qM: number): number {
  const [lo, hi] = qmBounds(a, incDeg);
  const c = Math.cos(incDeg * DEG);
  const s2 = qM * qM - c * c;
  return s2 > 0 ? (0.5 * Math.log(s2) - lo) / (hi - lo) : NaN;
}

/** beta at v of a beta axis (exactly hi at v = 1). */
export function betaOfV(a: BetaAxis, v: number): number {
  return v === 1 ? a.hi : a.lo + v * (a.hi - a.lo);
}

/** v of beta on a beta axis. */
export function vOfBeta(a: BetaAxis, beta: number): number {
  return (beta - a.lo) / (a.hi - a.lo);
}

/**
 * Lagrange weights of the 6-node stencil at x on `n` uniform nodes over [x0, x1], written into
 * `w`; returns the first node index, or -1 when x lies outside [x0, x1] by more than 1e-9 of the
 * span (n = 1: one weight of 1).
 */
export function stencil(x0: number, x1: number, n: number, x: number, w: Float64Array): number {
  if (n === 1) {
    w[0] = 1;
    return 0;
  }
  const h = (x1 - x0) / (n - 1);
  const pos = (x - x0) / h;
  if (!(pos >= -1e-9 && pos <= n - 1 + 1e-9)) return -1;
  let s0 = Math.floor(pos) - (STENCIL / 2 - 1);
  s0 = Math.max(0, Math.min(n - STENCIL, s0));
  const xi = pos - s0;
  // w_m = prod_{l != m} (xi - l) / (m - l): the full product over (xi - l) divided by (xi - m),
  // except at a node, where the weights are exactly 0 / 1.
  let full = 1;
  for (let l = 0; l < STENCIL; l++) full *= xi - l;
  for (let m = 0; m < STENCIL; m++) {
    const d = xi - m;
    if (d === 0) {
      w.fill(0);
      w[m] = 1;
      return s0;
    }
    w[m] = full / (d * LAGRANGE_DEN[m]);
  }
  return s0;
}

/**
 * The t-stencil of a patch at t (see stencil).
 * @throws DomainError naming inc_deg outside the patch.
 */
export function stencilAt(tab: Pick<TablePatch, 't0' | 't1' | 'nNodes' | 'incLo' | 'incHi'>, t: number, w: Float64Array): number {
  const s0 = stencil(tab.t0, tab.t1, tab.nNodes, t, w);
  if (s0 < 0) throw new DomainError('inc_deg', `is outside the table's range [${tab.incLo}, ${tab.incHi}] deg`);
  return s0;
}

export interface TableOptions {
  /** Target of the error measure (default 1e-5). */
  tol?: number;
  /** Most nodes per axis before giving up with an InputError (default 769). */
  maxNodes?: number;
  /** Layout of one basis for the error measure: groups, components, bins. */
  nGroups: number;
  nComps: number;
  nbins: number;
  /** The prior's range of b = 1/(1 - beta_z). */
  bRange: [number, number];
  /**
   * The b whose V_rms^2 (with b = 1's) set each bin's scale in errorMeasure (default: bRange's
   * ends). A model never evaluated where V_rms^2 falls below a fixed fraction of its value at
   * bRange[0] (the multi-component surrogate's collapse limit) takes [bRange[0], 1]: near-zero
   * V_rms^2 at the far end of the prior, where that model refuses to go, then sets no scale.
   */
  scaleB?: [number, number];
  /** Called after each exact evaluation with the count so far and the count of the current round. */
  onProgress?: (done: number, planned: number) => void;
  /** Another error measure (exact, interpolated basis) in place of errorMeasure (e.g. the spherically aligned basis's). */
  measure?: (exact: Float64Array, approx: Float64Array) => number;
}

/**
 * Node positions live on one integer lattice per axis, index / LATTICE of the span, so that a
 * point keeps its key (and its exact coordinates) when the spacing halves: n - 1 = 6 x 2^m nodes
 * intervals for m <= 20.
 */
const LATTICE = 6 * 2 ** 20;

/**
 * The build of one patch as a sequence of rounds (one implementation for the serial and the
 * parallel driver): the generator yields the points whose exact basis it needs next, all
 * independent, and is resumed with their bases in the same order; it returns the patch.
 * See buildTablePatch for the arguments and errors.
 */
export function* patchRounds(qMin: number, incLo: number, incHi: number, axis: SecondAxis | undefined, o: TableOptions): Generator<TablePoint[], TablePatch, Float64Array[]> {
  const tol = o.tol ?? 1e-5;
  const maxNodes = o.maxNodes ?? 769;
  const t0 = tOfInc(qMin, incLo);
  const t1 = tOfInc(qMin, incHi);
  if (!(Number.isFinite(t0) && Number.isFinite(t1) && t1 > t0)) throw new InputError('inc_deg', `range [${incLo}, ${incHi}] cannot be tabulated for q'_min = ${qMin}`);
  const known = new Map<number, Float64Array>();
  const key = (it: number, iv: number) => it * (LATTICE + 1) + iv;
  const tAt = (it: number) => (it === LATTICE ? t1 : t0 + ((t1 - t0) * it) / LATTICE);
  // The ends exactly: the lattice's last t is t1, so incOfT(t1) recovers incHi to rounding only.
  const incAt = (it: number) => (it === 0 ? incLo : it === LATTICE ? incHi : incOfT(qMin, tAt(it)));
  const point = (it: number, iv: number): TablePoint => {
    const inc = incAt(it);
    if (!axis) return { incDeg: inc };
    return axis.kind === 'qm' ? { incDeg: inc, qM: qmOfV(axis, inc, iv / LATTICE) } : { incDeg: inc, beta: betaOfV(axis, iv / LATTICE) };
  };
  let nT = 7;
  let nV = axis ? 7 : 1;
  let evaluations = 0;
  let length = 0;
  const w = new Float64Array(STENCIL);
  for (;;) {
    const sT = LATTICE / (nT - 1);
    const sV = nV > 1 ? LATTICE / (nV - 1) : 0;
    const want: [number, number][] = [];
    for (let k = 0; k < nT; k++) for (let l = 0; l < nV; l++) want.push([k * sT, l * sV]);
    const tMid: [number, number][] = [];
    for (let k = 0; k < nT - 1; k++) for (let l = 0; l < nV; l++) tMid.push([k * sT + sT / 2, l * sV]);
    const vMid: [number, number][] = [];
    if (nV > 1) for (let k = 0; k < nT; k++) for (let l = 0; l < nV - 1; l++) vMid.push([k * sT, l * sV + sV / 2]);
    const missing = [...want, ...tMid, ...vMid].filter(([a, b]) => !known.has(key(a, b)));
    if (missing.length) {
      const got: Float64Array[] = yield missing.map(([a, b]) => point(a, b));
      missing.forEach(([a, b], j) => known.set(key(a, b), got[j]));
      evaluations += missing.length;
      length = got[0].length;
    }
    const approx = new Float64Array(length);
    const interp = (along: 't' | 'v', k: number, l: number): number => {
      // Interpolate along one axis at a midpoint, from the nodes on its line.
      const n = along === 't' ? nT : nV;
      const s0 = stencil(0, n - 1, n, (along === 't' ? k : l) + 0.5, w);
      approx.fill(0);
      for (let m = 0; m < STENCIL; m++) {
        const v = along === 't' ? known.get(key((s0 + m) * sT, l * sV))! : known.get(key(k * sT, (s0 + m) * sV))!;
        const wm = w[m];
        for (let j = 0; j < length; j++) approx[j] += wm * v[j];
      }
      const exact = along === 't' ? known.get(key(k * sT + sT / 2, l * sV))! : known.get(key(k * sT, l * sV + sV / 2))!;
      return o.measure ? o.measure(exact, approx) : errorMeasure(exact, approx, o);
    };
    let errT = 0;
    for (let k = 0; k < nT - 1; k++) for (let l = 0; l < nV; l++) errT = Math.max(errT, interp('t', k, l));
    let errV = 0;
    for (let k = 0; k < nT && nV > 1; k++) for (let l = 0; l < nV - 1; l++) errV = Math.max(errV, interp('v', k, l));
    const limit = axis ? tol / 2 : tol;
    const refineT = errT > limit;
    const refineV = axis !== undefined && errV > limit;
    if (!refineT && !refineV) {
      // Accept, keeping the checked t-midpoints as nodes (the bound is the coarser grid's).
      const nT2 = 2 * nT - 1;
      const sT2 = sT / 2;
      const values = new Float64Array(nT2 * nV * length);
      for (let k = 0; k < nT2; k++) for (let l = 0; l < nV; l++) values.set(known.get(key(k * sT2, l * sV))!, (k * nV + l) * length);
      return { qMin, t0, t1, incLo, incHi, nNodes: nT2, nV, ...(axis ? { axis } : {}), length, values, maxError: errT + errV, evaluations };
    }
    if (refineT) nT = 2 * nT - 1;
    if (refineV) nV = 2 * nV - 1;
    if (nT > maxNodes || nV > maxNodes) {
      throw new InputError('table_tol', `${tol} not reached with ${nT} x ${nV} nodes (error ${Math.max(errT, errV).toExponential(2)}); give a larger tolerance`);
    }
  }
}

/**
 * Builds one patch of `basis(point)` over [incLo, incHi] (degrees; incLo above the deprojection
 * limit of qMin) and, with `axis`, over its q_M range, to the tolerance (module header), one basis
 * at a time.
 * @throws InputError naming table_tol when maxNodes is not enough (a tolerance too tight for
 *   double precision or a broken basis).
 */
export function buildTablePatch(basis: (p: TablePoint) => Float64Array, qMin: number, incLo: number, incHi: number, axis: SecondAxis | undefined, o: TableOptions): TablePatch {
  const rounds = patchRounds(qMin, incLo, incHi, axis, o);
  let done = 0;
  let r = rounds.next();
  while (!r.done) {
    const pts = r.value;
    const planned = done + pts.length;
    r = rounds.next(pts.map((p) => {
      const v = basis(p);
      o.onProgress?.(++done, planned);
      return v;
    }));
  }
  return r.value;
}

/**
 * The same patch with each round's bases computed by `basisMany` (e.g. spread over worker
 * threads); equal to buildTablePatch's to the last bit when basisMany returns the same bases.
 */
export async function buildTablePatchAsync(basisMany: (pts: TablePoint[]) => Promise<Float64Array[]>, qMin: number, incLo: number, incHi: number, axis: SecondAxis | undefined, o: TableOptions): Promise<TablePatch> {
  const rounds = patchRounds(qMin, incLo, incHi, axis, o);
  let done = 0;
  let r = rounds.next();
  while (!r.done) {
    const out = await basisMany(r.value);
    done += out.length;
    o.onProgress?.(done, done);
    r = rounds.next(out);
  }
  return r.value;
}

/** The module header's error measure between an exact and an interpolated basis. */
export function errorMeasure(exact: Float64Array, approx: Float64Array, o: Pick<TableOptions, 'nGroups' | 'nComps' | 'nbins' | 'bRange' | 'scaleB'>): number {
  const { nGroups, nComps, nbins } = o;
  const bAbs = Math.max(Math.abs(o.bRange[0]), Math.abs(o.bRange[1]));
  const [bLo, bHi] = o.scaleB ?? o.bRange;
  let worst = 0;
  for (let c = 0; c < nComps; c++) {
    for (let j = 0; j < nbins; j++) {
      let num = 0;
      let denLo = 0;
      let denIso = 0;
      let denHi = 0;
      for (let g = 0; g < nGroups; g++) {
        const iP = ((g * nComps + c) * 2) * nbins + j;
        const iQ = iP + nbins;
        num += Math.abs(exact[iP] - approx[iP]) + bAbs * Math.abs(exact[iQ] - approx[iQ]);
        denLo += exact[iP] + bLo * exact[iQ];
        denIso += exact[iP] + exact[iQ];
        denHi += exact[iP] + bHi * exact[iQ];
      }
      if (num === 0) continue;
      // The model's scale at this bin: where the prior's b range includes unphysical values
      // (V_rms^2 <= 0 at one end: the prior's beta_z < 0.7 eps_intr cuts them), the other end
      // or the isotropic model (always > 0) sets it.
      const pos = [denLo, denIso, denHi].filter((d) => d > 0);
      const den = pos.length ? Math.min(...pos) : 0;
      worst = Math.max(worst, den > 0 ? num / den : Infinity);
    }
  }
  return worst;
}

/**
 * The error measure of a spherically aligned basis ([g][c][bin], one map each, at one beta):
 * relative in V_rms^2 per component and bin, sum_g |dS_gc| / sum_g |S_gc|. At a table node every
 * group sits at the same beta; a fit's groups at different betas mix maps each interpolated to
 * this accuracy, so the bound carries over (each component adds positive V_rms^2).
 */
export function errorMeasureSph(exact: Float64Array, approx: Float64Array, o: Pick<TableOptions, 'nGroups' | 'nComps' | 'nbins'>): number {
  const { nGroups, nComps, nbins } = o;
  let worst = 0;
  for (let c = 0; c < nComps; c++) {
    for (let j = 0; j < nbins; j++) {
      let num = 0;
      let den = 0;
      for (let g = 0; g < nGroups; g++) {
        const i = (g * nComps + c) * nbins + j;
        num += Math.abs(exact[i] - approx[i]);
        den += Math.abs(exact[i]);
      }
      if (num === 0) continue;
      worst = Math.max(worst, den > 0 ? num / den : Infinity);
    }
  }
  return worst;
}

/** Re-exported: the table's range starts there (src/jam/deproject.ts). */
export { deprojectionLimitDeg, tOfInc, incOfT } from '../../jam/deproject.ts';
