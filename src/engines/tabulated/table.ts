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
 */
import { DomainError, InputError } from '../../../core/errors.ts';

/** Degree + 1 of the local interpolation. */
export const STENCIL = 6;

/** prod_{l != m} (m - l) for the 6-node stencil on nodes 0..5. */
const LAGRANGE_DEN = Float64Array.from({ length: STENCIL }, (_, m) => {
  let d = 1;
  for (let l = 0; l < STENCIL; l++) if (l !== m) d *= m - l;
  return d;
});

export interface InclinationTable {
  /** q' of the flattest luminous Gaussian: t = ln sqrt(qMin^2 - cos^2 i). */
  qMin: number;
  /** Node range and count (uniform in t). */
  t0: number;
  t1: number;
  /** Inclinations covered, degrees (= the range asked for). */
  incLo: number;
  incHi: number;
  nNodes: number;
  /** Values per node (basisLength). */
  length: number;
  /** nNodes x length, node-major. */
  values: Float64Array;
  /** The largest error measure at the last check (see the module header). */
  maxError: number;
  /** Exact basis evaluations spent (nodes + checks). */
  evaluations: number;
}

const DEG = Math.PI / 180;

/** t of an inclination for the flattest q' (NaN where it cannot be deprojected: s^2 <= 0). */
export function tOfInc(qMin: number, incDeg: number): number {
  const c = Math.cos(incDeg * DEG);
  const s2 = qMin * qMin - c * c;
  return s2 > 0 ? 0.5 * Math.log(s2) : NaN;
}

/** The inclination (degrees) of t. */
export function incOfT(qMin: number, t: number): number {
  const c2 = qMin * qMin - Math.exp(2 * t);
  return Math.acos(Math.sqrt(Math.max(c2, 0))) / DEG;
}

/**
 * Lagrange weights of the 6-node stencil for t, written into `w`; returns the first node index.
 * t outside [t0, t1] by more than 1e-9 of the span throws DomainError naming inc_deg.
 */
export function stencilAt(tab: Pick<InclinationTable, 't0' | 't1' | 'nNodes' | 'incLo' | 'incHi'>, t: number, w: Float64Array): number {
  const { t0, t1, nNodes } = tab;
  const h = (t1 - t0) / (nNodes - 1);
  const pos = (t - t0) / h;
  if (!(pos >= -1e-9 && pos <= nNodes - 1 + 1e-9)) {
    throw new DomainError('inc_deg', `is outside the table's range [${tab.incLo}, ${tab.incHi}] deg`);
  }
  let s0 = Math.floor(pos) - (STENCIL / 2 - 1);
  s0 = Math.max(0, Math.min(nNodes - STENCIL, s0));
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

export interface TableOptions {
  /** Target of the error measure (default 1e-5). */
  tol?: number;
  /** Most nodes before giving up with an InputError (default 769). */
  maxNodes?: number;
  /** Layout of one basis for the error measure: groups, components, bins. */
  nGroups: number;
  nComps: number;
  nbins: number;
  /** The prior's range of b = 1/(1 - beta_z). */
  bRange: [number, number];
  /** Called after each exact evaluation with the count so far and the count of the current round. */
  onProgress?: (done: number, planned: number) => void;
}

/**
 * The build as a sequence of rounds (one implementation for the serial and the parallel driver):
 * the generator yields the inclinations (degrees) whose exact basis it needs next, all
 * independent, and is resumed with their bases in the same order; it returns the table.
 * See buildInclinationTable for the arguments and errors.
 */
export function* inclinationTableRounds(qMin: number, incLo: number, incHi: number, o: TableOptions): Generator<number[], InclinationTable, Float64Array[]> {
  const tol = o.tol ?? 1e-5;
  const maxNodes = o.maxNodes ?? 769;
  const t0 = tOfInc(qMin, incLo);
  const t1 = tOfInc(qMin, incHi);
  if (!(Number.isFinite(t0) && Number.isFinite(t1) && t1 > t0)) throw new InputError('inc_deg', `range [${incLo}, ${incHi}] cannot be tabulated for q'_min = ${qMin}`);
  let n = 7;
  let evaluations = n;
  let nodes: Float64Array[] = yield Array.from({ length: n }, (_, k) => incOfT(qMin, t0 + ((t1 - t0) * k) / (n - 1)));
  const length = nodes[0].length;
  const w = new Float64Array(STENCIL);
  for (;;) {
    const h = (t1 - t0) / (n - 1);
    const ts = Array.from({ length: n - 1 }, (_, k) => t0 + (k + 0.5) * h);
    const mids: Float64Array[] = yield ts.map((t) => incOfT(qMin, t));
    evaluations += n - 1;
    const tab = { t0, t1, nNodes: n, incLo, incHi };
    let maxErr = 0;
    const approx = new Float64Array(length);
    ts.forEach((t, k) => {
      const s0 = stencilAt(tab, t, w);
      approx.fill(0);
      for (let m = 0; m < STENCIL; m++) {
        const v = nodes[s0 + m];
        const wm = w[m];
        for (let j = 0; j < length; j++) approx[j] += wm * v[j];
      }
      maxErr = Math.max(maxErr, errorMeasure(mids[k], approx, o));
    });
    const merged: Float64Array[] = [];
    for (let k = 0; k < n; k++) {
      merged.push(nodes[k]);
      if (k < n - 1) merged.push(mids[k]);
    }
    nodes = merged;
    const nNew = 2 * n - 1;
    if (maxErr <= tol || nNew > maxNodes) {
      if (maxErr > tol) throw new InputError('table_tol', `${tol} not reached with ${nNew} inclination nodes (error ${maxErr.toExponential(2)}); give a larger tolerance`);
      const values = new Float64Array(nNew * length);
      nodes.forEach((v, k) => values.set(v, k * length));
      return { qMin, t0, t1, incLo, incHi, nNodes: nNew, length, values, maxError: maxErr, evaluations };
    }
    n = nNew;
  }
}

/**
 * Builds the table of `basis(incDeg)` over [incLo, incHi] (degrees; incLo above the
 * deprojection limit of qMin) to the tolerance (see the module header), one basis at a time.
 * @throws InputError naming --table-tol when maxNodes is not enough (a tolerance too tight for
 *   double precision or a broken basis).
 */
export function buildInclinationTable(basis: (incDeg: number) => Float64Array, qMin: number, incLo: number, incHi: number, o: TableOptions): InclinationTable {
  const rounds = inclinationTableRounds(qMin, incLo, incHi, o);
  let done = 0;
  let r = rounds.next();
  while (!r.done) {
    const incs = r.value;
    const planned = done + incs.length;
    r = rounds.next(incs.map((i) => {
      const v = basis(i);
      o.onProgress?.(++done, planned);
      return v;
    }));
  }
  return r.value;
}

/**
 * The same table with each round's bases computed by `basisMany` (e.g. spread over worker
 * threads); equal to buildInclinationTable's to the last bit when basisMany returns the same bases.
 */
export async function buildInclinationTableAsync(basisMany: (incs: number[]) => Promise<Float64Array[]>, qMin: number, incLo: number, incHi: number, o: TableOptions): Promise<InclinationTable> {
  const rounds = inclinationTableRounds(qMin, incLo, incHi, o);
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
export function errorMeasure(exact: Float64Array, approx: Float64Array, o: Pick<TableOptions, 'nGroups' | 'nComps' | 'nbins' | 'bRange'>): number {
  const { nGroups, nComps, nbins } = o;
  const [bLo, bHi] = o.bRange;
  const bAbs = Math.max(Math.abs(bLo), Math.abs(bHi));
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
 * The lowest inclination (degrees) at which a Gaussian of observed axial ratio qMin deprojects
 * with intrinsic q >= 0.05 (src/jam/deproject.ts): q'^2 = cos^2 i + 0.05^2 sin^2 i.
 */
export function deprojectionLimitDeg(qMin: number): number {
  const q2 = 0.05 * 0.05;
  const c2 = (qMin * qMin - q2) / (1 - q2);
  return c2 <= 0 ? 90 : Math.acos(Math.sqrt(Math.min(c2, 1))) / DEG;
}
