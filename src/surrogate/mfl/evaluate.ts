/**
 * The multi-component surrogate's accuracy (issue 19's must-shows), end to end as the engine
 * computes it: the MGE -> its polar image -> PCA -> MLP -> the network's maps at five beta_z,
 * fitted by V_rms^2 = P + b Q over the galaxy's beta_z fit range (beta-projection.ts, as the
 * engine's inclination table does at each node), corrected by `anchors` exact maps over the
 * galaxy's inclinations [deprojection limit, 90] (anchors.ts; 0: the network alone) and smoothed
 * as a polynomial in t through MFL_SMOOTH_NODES of them (anchors.ts smoothedMaps). The
 * table's own interpolation error, bounded by its tolerance, is left out. Scored against the
 * exact JAM's v = sqrt(P + b Q)
 * (b = 1 / (1 - beta_z), P and Q from src/surrogate/simulate/mfl-model.ts mflMaps, the same
 * exact kernel the training set was made with, checked against jamVrms2 in
 * test/surrogate/simulate-mfl.test.ts).
 *  - held-out galaxies: a `jamfit simulate --family mge` set of another seed; each galaxy at its
 *    stored inclination and `draws` beta_z uniform below its limits (rows.ts betaHighs), reported
 *    for all galaxies and separately for the multi-component and single-Sérsic ones;
 *  - real MGEs (any list): `draws` prior draws each, i uniform over [deprojection limit of the
 *    flattest Gaussian, 90] and beta_z uniform below the same limits, the exact P and Q computed
 *    here at each inclination.
 * Points whose light lies below the model's floor (Sigma < floor I_e) are left out, as in training;
 * `floor` raises it (e.g. to the surface brightness an IFU reaches), never lowers it.
 */
import { Rng } from '../../../samplers/rng.ts';
import { inHalfLightUnits } from '../../photometry/half-light.ts';
import { mgeSurfaceDensity, type Mge } from '../../photometry/mge.ts';
import { mapErrors, type MapMetrics } from '../metrics.ts';
import { thetaLogRGrid } from '../grid.ts';
import { deprojectionLimitDeg } from '../../jam/deproject.ts';
import { mflMaps, MFL_COLUMNS } from '../simulate/mfl-model.ts';
import type { TrainingSet } from '../simulate/reader.ts';
import { fitRange } from './beta-projection.ts';
import { anchoredMaps, mflPath, smoothedAt } from './anchors.ts';
import { mflPrepare, type MflPrepared, type MflSurrogate } from './model.ts';
import { betaHighs, rowMge } from './rows.ts';

export interface MflAccuracy {
  maps: number;
  metrics: MapMetrics;
  point: Float32Array;
  mapMax: Float64Array;
}

/** Predicted and exact v of `maps` (galaxy, beta_z, i) cases, with the floor mask. */
interface Cases {
  pred: number[];
  exact: number[];
  keep: number[];
  maps: number;
}

function addCase(c: Cases, pm: { P: ArrayLike<number>; Q: ArrayLike<number> }, beta: number, P: ArrayLike<number>, Q: ArrayLike<number>, sb: ArrayLike<number>, floor: number): void {
  const b = 1 / (1 - beta);
  for (let j = 0; j < P.length; j++) {
    c.pred.push(Math.sqrt(Math.max(pm.P[j] + b * pm.Q[j], 0)));
    c.exact.push(Math.sqrt(Math.max(P[j] + b * Q[j], 0)));
    c.keep.push(sb[j] >= floor ? 1 : 0);
  }
  c.maps++;
}

/**
 * The engine's maps of a galaxy over all its inclinations (the prior's default, [limit, 90] deg):
 * the beta_z fit range, the anchors and the smoothed maps (anchors.ts), as buildMflTable makes them.
 */
function galaxyPath(s: MflSurrogate, g: MflPrepared, mge: Mge, anchors: number): (incDeg: number) => { P: ArrayLike<number>; Q: ArrayLike<number> } {
  const lo = Math.min(deprojectionLimitDeg(g.qMin) + 1e-6, 90);
  if (!(lo < 90)) {
    const fitHi = fitRange(s, g, lo, 90);
    return (inc) => anchoredMaps(s, g, null, inc, fitHi);
  }
  const { smooth } = mflPath(s, g, mge, lo, 90, anchors);
  return (inc) => smoothedAt(s, smooth, inc);
}

function finish(c: Cases, nG: number): MflAccuracy {
  const r = mapErrors(c.pred, c.exact, c.maps, nG, c.keep);
  return { maps: c.maps, metrics: r.metrics, point: r.point, mapMax: r.mapMax };
}

/** The largest beta_z of one (P, Q) map under the model's beta range (box, eps_intr, collapse). */
function betaHigh(s: MflSurrogate, g: MflPrepared, incDeg: number, P: Float32Array, Q: Float32Array): number {
  const rows = { n: 1, nG: P.length, qLw: Float64Array.of(g.qLw), incDeg: Float64Array.of(incDeg), P, Q };
  return betaHighs(rows, s.manifest.betaRange)[0];
}

/**
 * Accuracy on a held-out multi-component set. `limit` caps the galaxies (0: all).
 * @returns all maps, and the composite / single-Sérsic subsets.
 */
export function evaluateMflHeldOut(s: MflSurrogate, ts: TrainingSet, o: { draws: number; seed: number; limit?: number; floor?: number; anchors?: number }): { all: MflAccuracy; composite: MflAccuracy; sersic: MflAccuracy } {
  const nG = ts.grid.x.length;
  const n = o.limit ? Math.min(o.limit, ts.n) : ts.n;
  const nc = MFL_COLUMNS.length;
  const incCol = MFL_COLUMNS.indexOf('inc_deg');
  const compCol = MFL_COLUMNS.indexOf('composite');
  const all: Cases = { pred: [], exact: [], keep: [], maps: 0 };
  const comp: Cases = { pred: [], exact: [], keep: [], maps: 0 };
  const ser: Cases = { pred: [], exact: [], keep: [], maps: 0 };
  const rng = new Rng(`jamfit-mfl-evaluate:${o.seed}`);
  for (let i = 0; i < n; i++) {
    const mge = rowMge(ts, i);
    const inc = ts.params[i * nc + incCol];
    const P = ts.v.subarray(2 * i * nG, (2 * i + 1) * nG);
    const Q = ts.v.subarray((2 * i + 1) * nG, (2 * i + 2) * nG);
    const g = mflPrepare(s, mge);
    const sb = mgeSurfaceDensity(mge, ts.grid.x, ts.grid.y);
    const hi = betaHigh(s, g, inc, P, Q);
    const lo = s.manifest.betaRange.lo;
    const pm = galaxyPath(s, g, mge, o.anchors ?? 0)(inc);
    for (let d = 0; d < o.draws; d++) {
      const beta = lo + (hi - lo) * rng.uniform();
      const floor = Math.max(o.floor ?? 0, s.manifest.floor);
      addCase(all, pm, beta, P, Q, sb, floor);
      addCase(ts.params[i * nc + compCol] > 0 ? comp : ser, pm, beta, P, Q, sb, floor);
    }
  }
  return { all: finish(all, nG), composite: finish(comp, nG), sersic: finish(ser, nG) };
}

/**
 * Accuracy on one real MGE (physical units: surf Lsun/pc^2, sigma arcsec) over `draws` prior
 * draws of (beta_z, i), the exact maps computed here with `nodes` Gauss-Legendre nodes.
 */
export function evaluateMflReal(s: MflSurrogate, light: Mge, o: { draws: number; seed: number; nodes?: number; name?: string; floor?: number; anchors?: number }): MflAccuracy & { residual: number; incMinDeg: number } {
  const { mge } = inHalfLightUnits(light, o.name ?? 'photometry');
  const grid = thetaLogRGrid(s.manifest.grid);
  const nG = grid.x.length;
  const g = mflPrepare(s, mge);
  const sb = mgeSurfaceDensity(mge, grid.x, grid.y);
  const incMin = deprojectionLimitDeg(g.qMin);
  const rng = new Rng(`jamfit-mfl-real:${o.seed}:${o.name ?? ''}`);
  const c: Cases = { pred: [], exact: [], keep: [], maps: 0 };
  const lo = s.manifest.betaRange.lo;
  const path = galaxyPath(s, g, mge, o.anchors ?? 0);
  for (let d = 0; d < o.draws; d++) {
    const inc = Math.min(incMin + 1e-6, 90) + (90 - Math.min(incMin + 1e-6, 90)) * rng.uniform();
    const pq = mflMaps(mge, inc, grid.x, grid.y, o.nodes ?? 24);
    const P = Float32Array.from(pq.subarray(0, nG));
    const Q = Float32Array.from(pq.subarray(nG));
    const hi = betaHigh(s, g, inc, P, Q);
    addCase(c, path(inc), lo + (hi - lo) * rng.uniform(), pq.subarray(0, nG), pq.subarray(nG), sb, Math.max(o.floor ?? 0, s.manifest.floor));
  }
  return { ...finish(c, nG), residual: g.residual, incMinDeg: incMin };
}
