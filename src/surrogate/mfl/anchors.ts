/**
 * Exact anchors for the multi-component surrogate: per galaxy, the exact P and Q
 * (src/surrogate/simulate/mfl-model.ts mflMaps, V_rms^2 = P + b Q) at K inclinations, the
 * Chebyshev-Lobatto points of t = ln sqrt(q'_min^2 - cos^2 i) over the inclinations used
 * (the variable in which the maps are smooth down to the deprojection limit: src/jam/deproject.ts).
 * The network's fitted maps (beta-projection.ts) are then corrected by the polynomial in t
 * through its errors at the anchors: exact at the K anchor inclinations, and between them the
 * network supplies what the degree-(K - 1) polynomial misses.
 *
 * Why: the network's worst maps sit near the deprojection limit of the flattest Gaussian (where
 * the maps change fastest with i) and at the grid's outer ring, and its error there is smooth
 * enough in t to be pinned by a few exact maps. Measured on 120 held-out galaxies x 3 beta_z
 * (src/surrogate/mfl/README.md): maps with max <= 1% 57% with no anchor, 83% with 3, 97% with
 * 5, 98% with 7; median 0.10% -> 0.035% -> 0.016% -> 0.009%; on 2,000 x 2, 98.5% with 7 and
 * 99.5% with 9 (median 0.0063% and 0.0040%).
 * Cost: K exact maps per galaxy (~20 ms each for a 6-Gaussian MGE on the 960-point grid, ~120 ms
 * for 15 Gaussians), once, before the inclination table.
 *
 * The engine then tabulates not the anchored maps themselves but their polynomial in t through
 * MFL_SMOOTH_NODES Chebyshev points (smoothedMaps): as accurate, and smooth where the network
 * wiggles, so the inclination table needs 193 nodes on NGC 6278 instead of 769 (0.5 s instead
 * of 2.8 s of preparation).
 */
import type { Mge } from '../../photometry/mge.ts';
import { thetaLogRGrid } from '../grid.ts';
import { mflMaps } from '../simulate/mfl-model.ts';
import { tOfInc, incOfT } from '../../jam/deproject.ts';
import { collapseBeta } from './rows.ts';
import { fitRange, projectedMaps, type ProjectedMaps } from './beta-projection.ts';
import { InputError } from '../../../core/errors.ts';
import type { MflPrepared, MflSurrogate } from './model.ts';

/**
 * Anchors used when none are asked for: the fewest that meet the held-out bar (99% of maps within
 * 1%: 99.5% with 9, 98.5% with 7 on 2,000 galaxies x 2 beta_z) and keep the fit's self-check
 * quiet on NGC 6278 (importance-weight ESS 99.7%; 94.7% with 7). README.md has the measurements.
 */
export const MFL_ANCHORS = 9;
/** Most anchors accepted: a bound on the per-galaxy cost (K exact maps); measured up to 7. */
export const MFL_ANCHORS_MAX = 12;

/**
 * Maps tabulated at the Chebyshev-Lobatto points of t over an inclination range, interpolated
 * by the polynomial through them (barycentric form): the anchors' errors, and the smoothed maps.
 */
export interface MapsInT {
  /** q' whose t is the interpolation variable, and t at the range's ends. */
  qMin: number;
  t0: number;
  t1: number;
  /** t of each node, ascending, and the maps (P and Q on the model's grid) there. */
  t: Float64Array;
  P: Float64Array[];
  Q: Float64Array[];
}

/** The network's errors (exact - network) at the anchors. */
export type Anchors = MapsInT;

/**
 * The K Chebyshev-Lobatto nodes of t over [incLo, incHi] (degrees) for q'_min, with their
 * inclinations (the ends exactly: incOfT(tOfInc(i)) is i only to rounding).
 * @throws RangeError for K < 2 or an empty range.
 */
export function lobattoNodesInT(qMin: number, incLo: number, incHi: number, K: number): { t0: number; t1: number; t: Float64Array; inc: Float64Array } {
  const t0 = tOfInc(qMin, incLo);
  const t1 = tOfInc(qMin, incHi);
  if (!(t1 > t0)) throw new RangeError(`lobattoNodesInT: inclinations [${incLo}, ${incHi}] are empty or below the deprojection limit of q' ${qMin}`);
  if (!(Number.isInteger(K) && K >= 2)) throw new RangeError(`lobattoNodesInT: K is ${K}; give an integer >= 2`);
  const t = Float64Array.from({ length: K }, (_, k) => 0.5 * (t0 + t1) - 0.5 * (t1 - t0) * Math.cos((Math.PI * k) / (K - 1)));
  const inc = Float64Array.from(t, (tk, k) => (k === 0 ? incLo : k === K - 1 ? incHi : incOfT(qMin, tk)));
  return { t0, t1, t, inc };
}

/**
 * The anchors of a galaxy (MGE in half-light units, prepared for the network) over inclinations
 * [incLo, incHi] (degrees; incLo above the deprojection limit of g.qMin), with the network's maps
 * fitted over beta_z up to fitHi (as the caller's projectedMaps). `nodes`: Gauss-Legendre nodes
 * of the exact maps (24: max error 2e-9, mfl-model.ts).
 * @throws RangeError for K outside [2, MFL_ANCHORS_MAX] or an empty range.
 */
export function mflAnchors(s: MflSurrogate, g: MflPrepared, mge: Mge, incLo: number, incHi: number, fitHi: number, K: number, nodes = 24): Anchors {
  if (!(Number.isInteger(K) && K >= 2 && K <= MFL_ANCHORS_MAX)) throw new RangeError(`mflAnchors: K is ${K}; give an integer in [2, ${MFL_ANCHORS_MAX}]`);
  const grid = thetaLogRGrid(s.manifest.grid);
  const nG = grid.x.length;
  return mapsAtLobattoNodes(g.qMin, incLo, incHi, K, (inc) => {
    const exact = mflMaps(mge, inc, grid.x, grid.y, nodes);
    const net = projectedMaps(s, g, inc, fitHi);
    return { P: Float64Array.from(net.P, (p, j) => exact[j] - p), Q: Float64Array.from(net.Q, (q, j) => exact[nG + j] - q) };
  });
}

/** `mapsAt` evaluated at the K Chebyshev-Lobatto nodes of t over [incLo, incHi]. */
function mapsAtLobattoNodes(qMin: number, incLo: number, incHi: number, K: number, mapsAt: (incDeg: number) => { P: Float64Array; Q: Float64Array }): MapsInT {
  const at = lobattoNodesInT(qMin, incLo, incHi, K);
  const maps = Array.from(at.inc, mapsAt);
  return { qMin, t0: at.t0, t1: at.t1, t: at.t, P: maps.map((m) => m.P), Q: maps.map((m) => m.Q) };
}

/** Barycentric weights of the Chebyshev-Lobatto interpolant at t (exact node: a unit vector). */
function lobattoWeights(c: MapsInT, tq: number, w: Float64Array): void {
  const K = c.t.length;
  for (let k = 0; k < K; k++) {
    if (tq === c.t[k]) {
      w.fill(0);
      w[k] = 1;
      return;
    }
  }
  let sum = 0;
  for (let k = 0; k < K; k++) {
    const sign = (k % 2 ? -1 : 1) * (k === 0 || k === K - 1 ? 0.5 : 1);
    w[k] = sign / (tq - c.t[k]);
    sum += w[k];
  }
  for (let k = 0; k < K; k++) w[k] /= sum;
}

/**
 * Adds the interpolated maps of `c` at incDeg (t clamped to the nodes' range: the engine never
 * asks outside it) to P and Q.
 */
export function addInT(c: MapsInT, incDeg: number, P: Float64Array, Q: Float64Array): void {
  const w = new Float64Array(c.t.length);
  lobattoWeights(c, Math.min(Math.max(tOfInc(c.qMin, incDeg), c.t0), c.t1), w);
  for (let k = 0; k < w.length; k++) {
    const wk = w[k];
    if (wk === 0) continue;
    const dp = c.P[k];
    const dq = c.Q[k];
    for (let j = 0; j < P.length; j++) {
      P[j] += wk * dp[j];
      Q[j] += wk * dq[j];
    }
  }
}

/** P, Q and their collapse limit (rows.ts collapseBeta) as the engine's maps. */
function withCollapse(s: MflSurrogate, P: Float64Array, Q: Float64Array): ProjectedMaps {
  return { P, Q, collapse: collapseBeta(P, Q, s.manifest.betaRange.lo, s.manifest.betaRange.collapse) };
}

/**
 * The network's fitted maps at incDeg (projectedMaps) corrected by the anchors (null: none),
 * with the collapse limit of the corrected maps.
 */
export function anchoredMaps(s: MflSurrogate, g: MflPrepared, a: Anchors | null, incDeg: number, fitHi: number): ProjectedMaps {
  const m = projectedMaps(s, g, incDeg, fitHi);
  if (!a) return m;
  const P = Float64Array.from(m.P);
  const Q = Float64Array.from(m.Q);
  addInT(a, incDeg, P, Q);
  return withCollapse(s, P, Q);
}

/**
 * Nodes of the smoothed maps: the anchored maps at this many Chebyshev-Lobatto points of t, and
 * the polynomial through them in between. Measured (120 held-out galaxies x 3 beta_z, 7 anchors):
 * 13 nodes score as the anchored maps themselves (maps within 1% 98.3% vs 98.1%, median 0.0089%
 * both), and the polynomial is smooth where the network is not (between 77 and 87 deg its maps
 * wiggle on scales the inclination table would otherwise resolve with 769 nodes on NGC 6278).
 */
export const MFL_SMOOTH_NODES = 13;

/** The anchored maps (anchors null: the network's) at M Chebyshev-Lobatto points of t over [incLo, incHi]. */
export function smoothedMaps(s: MflSurrogate, g: MflPrepared, a: Anchors | null, incLo: number, incHi: number, fitHi: number, M = MFL_SMOOTH_NODES): MapsInT {
  return mapsAtLobattoNodes(g.qMin, incLo, incHi, M, (inc) => anchoredMaps(s, g, a, inc, fitHi));
}

/** The smoothed maps at incDeg, with their collapse limit. */
export function smoothedAt(s: MflSurrogate, c: MapsInT, incDeg: number): ProjectedMaps {
  const nG = c.P[0].length;
  const P = new Float64Array(nG);
  const Q = new Float64Array(nG);
  addInT(c, incDeg, P, Q);
  return withCollapse(s, P, Q);
}

/**
 * The maps the engine tabulates for a galaxy over [incLo, incHi] (degrees, above the deprojection
 * limit of g.qMin): the beta_z range the network's maps are fitted over (beta-projection.ts
 * fitRange), K anchors (0: none) and the smoothed maps whose polynomial in t is the basis. One
 * implementation for the engine (src/engines/surrogate-mge.ts) and its evaluation (evaluate.ts).
 */
export function mflPath(s: MflSurrogate, g: MflPrepared, mge: Mge, incLo: number, incHi: number, K: number): { fitHi: number; smooth: MapsInT } {
  const fitHi = fitRange(s, g, incLo, incHi);
  const anchors = K > 0 ? mflAnchors(s, g, mge, incLo, incHi, fitHi, K) : null;
  return { fitHi, smooth: smoothedMaps(s, g, anchors, incLo, incHi, fitHi) };
}

/**
 * A requested anchor count: 0 (the network alone) or an integer in [2, MFL_ANCHORS_MAX].
 * @throws InputError naming `param` (the spec field, or the CLI flag).
 */
export function checkAnchors(K: number, param: string): number {
  if (!(Number.isInteger(K) && (K === 0 || (K >= 2 && K <= MFL_ANCHORS_MAX)))) throw new InputError(param, `is ${K}; give 0 (the network alone) or an integer in [2, ${MFL_ANCHORS_MAX}]`);
  return K;
}
