/**
 * Exact anchors for the multi-component surrogate: per galaxy, the exact P and Q
 * (src/surrogate/simulate/mfl-model.ts mflMaps, V_rms^2 = P + b Q) at K inclinations, the
 * Chebyshev-Lobatto points of t = ln sqrt(q'_min^2 - cos^2 i) over the inclinations used
 * (t is the inclination variable in which the maps are smooth: src/engines/tabulated/table.ts).
 * The network's fitted maps (beta-projection.ts) are then corrected by the polynomial in t
 * through its errors at the anchors: exact at the K anchor inclinations, and between them the
 * network supplies what the degree-(K - 1) polynomial misses.
 *
 * Why: the network's worst maps sit near the deprojection limit of the flattest Gaussian (where
 * the maps change fastest with i) and at the grid's outer ring, and its error there is smooth
 * enough in t to be pinned by a few exact maps. Measured on 120 held-out galaxies x 3 beta_z
 * (src/surrogate/mfl/README.md): maps with max <= 1% 57% with no anchor, 83% with 3, 97% with
 * 5, 98% with 7; median 0.10% -> 0.035% -> 0.016% -> 0.009%.
 * Cost: K exact maps per galaxy (~20 ms each for a 6-Gaussian MGE on the 960-point grid, ~120 ms
 * for 15 Gaussians), once, before the inclination table.
 */
import type { Mge } from '../../photometry/mge.ts';
import { thetaLogRGrid } from '../grid.ts';
import { mflMaps } from '../simulate/mfl-model.ts';
import { tOfInc, incOfT } from '../../jam/deproject.ts';
import { collapseBeta } from './rows.ts';
import { projectedMaps, type ProjectedMaps } from './beta-projection.ts';
import type { MflPrepared, MflSurrogate } from './model.ts';

/** Anchors used when none are asked for: the measured knee of accuracy against cost (header). */
export const MFL_ANCHORS = 7;
/** Most anchors (beyond ~9 a polynomial through Chebyshev points gains nothing here and costs maps). */
export const MFL_ANCHORS_MAX = 12;

export interface Anchors {
  /** q' whose t is the interpolation variable, and t at the range's ends. */
  qMin: number;
  t0: number;
  t1: number;
  /** t of each anchor, ascending, and the network's error there (exact - network), per grid point. */
  t: Float64Array;
  dP: Float64Array[];
  dQ: Float64Array[];
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
  const t0 = tOfInc(g.qMin, incLo);
  const t1 = tOfInc(g.qMin, incHi);
  if (!(t1 > t0)) throw new RangeError(`mflAnchors: inclinations [${incLo}, ${incHi}] are empty or below the deprojection limit of q' ${g.qMin}`);
  const grid = thetaLogRGrid(s.manifest.grid);
  const nG = grid.x.length;
  const t = new Float64Array(K);
  const dP: Float64Array[] = [];
  const dQ: Float64Array[] = [];
  for (let k = 0; k < K; k++) {
    t[k] = 0.5 * (t0 + t1) - 0.5 * (t1 - t0) * Math.cos((Math.PI * k) / (K - 1));
    // The ends exactly (incOfT(tOfInc(i)) is i only to rounding, and incLo may sit a hair above a limit).
    const inc = k === 0 ? incLo : k === K - 1 ? incHi : incOfT(g.qMin, t[k]);
    const exact = mflMaps(mge, inc, grid.x, grid.y, nodes);
    const net = projectedMaps(s, g, inc, fitHi);
    dP.push(Float64Array.from(net.P, (p, j) => exact[j] - p));
    dQ.push(Float64Array.from(net.Q, (q, j) => exact[nG + j] - q));
  }
  return { qMin: g.qMin, t0, t1, t, dP, dQ };
}

/** Barycentric weights of the Chebyshev-Lobatto interpolant at t (exact node: a unit vector). */
function lobattoWeights(a: Anchors, tq: number, w: Float64Array): void {
  const K = a.t.length;
  for (let k = 0; k < K; k++) {
    if (tq === a.t[k]) {
      w.fill(0);
      w[k] = 1;
      return;
    }
  }
  let sum = 0;
  for (let k = 0; k < K; k++) {
    const c = (k % 2 ? -1 : 1) * (k === 0 || k === K - 1 ? 0.5 : 1);
    w[k] = c / (tq - a.t[k]);
    sum += w[k];
  }
  for (let k = 0; k < K; k++) w[k] /= sum;
}

/**
 * The network's fitted maps at incDeg (projectedMaps) corrected by the anchors (null: none),
 * with the collapse limit of the corrected maps. incDeg should lie in the anchors' range (outside
 * it the polynomial extrapolates; the engine never asks there).
 */
export function anchoredMaps(s: MflSurrogate, g: MflPrepared, a: Anchors | null, incDeg: number, fitHi: number): ProjectedMaps {
  const m = projectedMaps(s, g, incDeg, fitHi);
  if (!a) return m;
  const w = new Float64Array(a.t.length);
  lobattoWeights(a, Math.min(Math.max(tOfInc(a.qMin, incDeg), a.t0), a.t1), w);
  const P = Float64Array.from(m.P);
  const Q = Float64Array.from(m.Q);
  for (let k = 0; k < w.length; k++) {
    const wk = w[k];
    if (wk === 0) continue;
    const dp = a.dP[k];
    const dq = a.dQ[k];
    for (let j = 0; j < P.length; j++) {
      P[j] += wk * dp[j];
      Q[j] += wk * dq[j];
    }
  }
  return { P, Q, collapse: collapseBeta(P, Q, s.manifest.betaRange.lo, s.manifest.betaRange.collapse) };
}
