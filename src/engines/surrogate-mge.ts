/**
 * The multi-component surrogate as an Engine (engine.ts; issue 19): any light MGE, mass following
 * the light, one beta_z, cylindrical alignment. `--engine surrogate --mass-model light` selects it
 * (registry.ts engineNamed), and so does `auto` for a galaxy inside the training family with
 * every bin on the grid (`outside` below; src/fit/fit-problem.ts autoRefusal) and a prior the
 * collapse limit does not cut (`limitsOf`; fit-problem.ts engineCut), else the tabulated exact
 * engine. Its accuracy is stated in src/surrogate/mfl/README.md.
 *
 * Per galaxy (prepare):
 *  - the MGE in half-light units (surf / I_e, sigma / R_e: photometry/half-light.ts), its polar
 *    image projected on the training family's PCA basis (the features), the exact reference map
 *    when the model has one (src/surrogate/mfl/reference.ts), and the domain check: the image's
 *    PCA residual against the largest residual of the training galaxies (an image the basis cannot
 *    represent is outside the family, and is refused in one line naming the measure);
 *  - the inclination table of the tabulated exact engine (tabulated/model.ts, same nodes in
 *    t = ln sqrt(q'_min^2 - cos^2 i), same error control and per-call model), with the network in
 *    place of the exact basis: at each node the network's maps at a few beta_z are fitted by the
 *    line V_rms^2 = P + b Q the physics imposes (src/surrogate/mfl/beta-projection.ts), scaled to
 *    (km/s)^2 per unit M/L (G I_e R_e[pc]) and mapped to the bins by W. A likelihood call is then
 *    the exact engine's: six nodes' maps combined, microseconds, whatever the network's size.
 * Prior limits: the training box of beta_z, beta_z < epsFactor eps_intr of the luminosity-weighted
 * q', the deprojection limit of the flattest Gaussian, and the collapse limit (the network was not
 * trained where V_rms^2 falls below a tenth of its beta_z = lo value: rows.ts COLLAPSE_FRACTION),
 * taken from the fitted P and Q at each node and interpolated linearly in inclination.
 */
import { MFL_ANCHORS, mflPath, smoothedAt, type MapsInT } from '../surrogate/mfl/anchors.ts';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DomainError, InputError } from '../../core/errors.ts';
import { EXACT_LIMITS } from '../../likelihoods/fit-prior.ts';
import type { GridParams } from '../../likelihoods/grid-model.ts';
import type { BinnedModel } from '../../likelihoods/vrms-grid.ts';
import { G_KMS2_PC_MSUN, pcPerArcsec } from '../jam/constants.ts';
import { deprojectionLimitDeg, intrinsicQ } from '../jam/deproject.ts';
import { linearAt } from '../math/linear-at.ts';
import { outsidePolarGrid, makePolarGrid } from '../operator/polar-grid.ts';
import { inHalfLightUnits, mgeHalfLight } from '../photometry/half-light.ts';
import type { Mge } from '../photometry/mge.ts';
import { applyGridToBins } from '../operator/grid-to-bins.ts';
import { loadMflSurrogate, mflFeatures, mflPrepare, type MflPrepared, type MflSurrogate } from '../surrogate/mfl/model.ts';
import { MFL_BETA_RANGE } from '../surrogate/mfl/rows.ts';
import type { Engine, EngineContext, EngineGalaxy } from './engine.ts';
import { tabulatedSpec } from './tabulated/engine.ts';
import { buildTabulatedTable, tabulatedBinnedModel, type TabulatedTable } from './tabulated/model.ts';

/** The shipped multi-component model (fixtures/surrogate-mge). */
export const SHIPPED_MGE_DIR = fileURLToPath(new URL('../../fixtures/surrogate-mge/', import.meta.url));

const models = new Map<string, MflSurrogate>();
function cachedMfl(dir: string): MflSurrogate {
  let s = models.get(dir);
  if (!s) {
    if (!existsSync(dir)) throw new InputError('surrogate', `no multi-component surrogate at ${dir}; train one with \`jamfit train --family mge\` or use --engine tabulated`);
    s = loadMflSurrogate(dir);
    models.set(dir, s);
  }
  return s;
}

/** The network's per-galaxy inputs (features, reference map, q') and the galaxy's physical scale. */
export interface MflGalaxy extends MflPrepared {
  surrogate: MflSurrogate;
  /** Half-light semi-major axis (arcsec) and surface brightness there (Lsun/pc^2). */
  reArcsec: number;
  ie: number;
  /** The MGE in units of (I_e, R_e). */
  mge: Mge;
  /** G I_e R_e[pc]: V_rms^2 = v2Scale (M/L) v^2, (km/s)^2. */
  v2Scale: number;
}

/** The domain check's verdict on a prepared galaxy: why it lies outside the training family, or null. */
function outsideFamily(s: MflSurrogate, residual: number): string | null {
  const d = s.manifest.domain;
  return residual <= d.residualMax ? null : `its polar image lies outside the surrogate's training family (PCA residual ${residual.toPrecision(3)} dex rms, the training galaxies' largest is ${d.residualMax.toPrecision(3)})`;
}

/** The galaxy as the network sees it; @throws InputError when its photometry is outside the training family. */
export function mflGalaxy(s: MflSurrogate, light: Mge, distanceMpc: number, source = 'photometry'): MflGalaxy {
  const { mge, hl } = inHalfLightUnits(light, source);
  const p = mflPrepare(s, mge);
  const miss = outsideFamily(s, p.residual);
  if (miss) throw new InputError(source, `${miss}; fit with --engine tabulated`);
  return { ...p, surrogate: s, reArcsec: hl.aMajor, ie: hl.level, mge, v2Scale: G_KMS2_PC_MSUN * hl.level * hl.aMajor * pcPerArcsec(distanceMpc) };
}

function read(g: EngineGalaxy): MflGalaxy {
  return mflGalaxy(cachedMfl(g.spec.surrogateDir ?? SHIPPED_MGE_DIR), g.light, g.spec.distanceMpc, g.spec.lightSource);
}

/**
 * The default interpolation tolerance of the network's table (relative in V_rms^2): a tenth of
 * the network's own median error (~1e-3 in V_rms^2). At the exact engine's 1e-5 the table of the
 * 57,000-galaxy model needs 1,537 nodes on NGC 6278 (5 s) where 1e-4 needs far fewer.
 */
export const MFL_TABLE_TOL = 1e-4;

/** A galaxy's preparation: the network's inputs and its inclination table. */
export interface MflTable {
  galaxy: MflGalaxy;
  table: TabulatedTable;
  /** The upper end of the beta_z range the network's maps were fitted over (beta-projection.ts fitRange). */
  fitHi: number;
  /** The anchored maps (spec.anchors exact anchors, src/surrogate/mfl/anchors.ts) at MFL_SMOOTH_NODES Chebyshev points of t: their polynomial is the table's basis. */
  smooth: MapsInT;
  /** The collapse limit of beta_z at the table's evaluated inclinations (ascending), from the fitted P and Q. */
  collapse: { incDeg: Float64Array; beta: Float64Array };
}

/**
 * The inclination table of a galaxy (the engine's preparation): tabulated/model.ts
 * buildTabulatedTable over the prior's inclinations with the network's projected maps as basis.
 * `onProgress(done, planned)` after each node's maps.
 */
export function buildMflTable(c: EngineContext, g: MflGalaxy, onProgress?: (done: number, planned: number) => void): MflTable {
  const spec = { ...tabulatedSpec(c), tol: c.spec.tableTol ?? MFL_TABLE_TOL };
  const nb = c.op.nbins;
  const limits: [number, number][] = [];
  const gP = new Float64Array(c.grid.x.length);
  const gQ = new Float64Array(c.grid.x.length);
  const [lo, hi] = spec.incRange;
  const incLo = Math.max(lo, deprojectionLimitDeg(g.qMin) + 1e-6);
  // An empty inclination range is refused by buildTabulatedTable (naming inc_deg) before any basis.
  const path = hi > incLo ? mflPath(g.surrogate, g, g.mge, incLo, hi, c.spec.anchors ?? MFL_ANCHORS) : null;
  const basis = (p: { incDeg: number }) => {
    const m = smoothedAt(g.surrogate, path!.smooth, p.incDeg);
    limits.push([p.incDeg, m.collapse]);
    for (let j = 0; j < gP.length; j++) {
      gP[j] = g.v2Scale * m.P[j];
      gQ[j] = g.v2Scale * m.Q[j];
    }
    const out = new Float64Array(2 * nb);
    applyGridToBins(c.op, gP, out.subarray(0, nb));
    applyGridToBins(c.op, gQ, out.subarray(nb));
    return out;
  };
  const table = buildTabulatedTable(spec, onProgress, { basis, collapseLimited: true });
  limits.sort((a, b) => a[0] - b[0]);
  return { galaxy: g, table, fitHi: path!.fitHi, smooth: path!.smooth, collapse: { incDeg: Float64Array.from(limits, (l) => l[0]), beta: Float64Array.from(limits, (l) => l[1]) } };
}

/**
 * The binned model of a prepared galaxy: the tabulated model of its table, behind the training
 * range of beta_z (box, epsFactor eps_intr, collapse): outside it a DomainError, never extrapolated.
 */
export function mflBinnedModel(c: EngineContext, p: MflTable): BinnedModel & { readonly label: string } {
  const inner = tabulatedBinnedModel(tabulatedSpec(c), p.table);
  const g = p.galaxy;
  const s = g.surrogate;
  const m = s.manifest;
  const br = m.betaRange;
  const t = p.table;
  const nodes = t.patches.map((q) => q.nNodes).join(' + ');
  return {
    nbins: inner.nbins,
    linearInMl: true,
    label: `multi-component surrogate (PCA ${s.pca.k} + MLP ${s.mlp.arch.hidden.join('x')}; residual ${g.residual.toPrecision(3)} dex; ${m.grid.nRad} x ${m.grid.nTheta} grid over ${m.grid.rMin}..${m.grid.rMax} R_e, R_e ${g.reArcsec.toPrecision(4)}"), tabulated on ${nodes} inclination nodes over ${t.patches[0].incLo.toFixed(2)}..${t.patches[t.patches.length - 1].incHi.toFixed(2)} deg, interpolation error <= ${t.maxError.toExponential(1)}`,
    vrms2Bins(q: GridParams, out: Float64Array): Float64Array {
      const hiEps = br.epsFactor * (1 - intrinsicQ(g.qLw, q.incDeg));
      const hiCollapse = linearAt(p.collapse.incDeg, p.collapse.beta, q.incDeg);
      if (!(q.betaZ >= br.lo && q.betaZ <= br.hi && q.betaZ < hiEps && q.betaZ <= hiCollapse)) {
        throw new DomainError('beta_z', `is ${q.betaZ} at inc_deg ${q.incDeg}; the surrogate was trained on [${br.lo}, min(${br.hi}, ${br.epsFactor} eps_intr = ${hiEps.toPrecision(3)}, collapse ${hiCollapse.toPrecision(3)})]`);
      }
      if (!(q.ml > 0)) throw new DomainError('ml', `is ${q.ml}; M/L must be > 0`);
      return inner.vrms2Bins(q, out);
    },
  };
}

export const surrogateMgeEngine: Engine<MflTable> = {
  name: 'surrogate',
  limits: { ...EXACT_LIMITS, box: { ...EXACT_LIMITS.box, beta_z: [MFL_BETA_RANGE.lo, MFL_BETA_RANGE.hi] }, betaEpsFactor: MFL_BETA_RANGE.epsFactor },
  check(g) {
    const s = g.spec;
    if (s.massModel !== 'light') throw new InputError('mass_model', `${s.massModel}: the multi-component surrogate models mass following the light; use --mass-model light`);
    if (s.mbh > 0 || s.mbhRange) throw new InputError('mbh', 'the surrogate has no black hole; use --engine tabulated');
    if (s.halo) throw new InputError('halo', `${s.halo} needs an exact engine (the surrogate's training set has no dark halo); use --engine tabulated`);
    if (g.nGroups > 1) throw new InputError('beta_groups', 'the surrogate has one beta_z; use --engine tabulated');
    if ((s.align ?? 'cyl') !== 'cyl') throw new InputError('align', 'the surrogate is cylindrically aligned; use --engine tabulated for sph');
  },
  outside(g) {
    const s = cachedMfl(g.spec.surrogateDir ?? SHIPPED_MGE_DIR);
    const miss = outsideFamily(s, mflFeatures(s, inHalfLightUnits(g.light, g.spec.lightSource).mge).residual);
    return miss && `${g.spec.lightSource}: ${miss}`;
  },
  grid(g) {
    // The grid needs only R_e: the network's inputs (polar image, PCA, exact reference map) and
    // the domain check are made once, in prepare.
    const m = cachedMfl(g.spec.surrogateDir ?? SHIPPED_MGE_DIR).manifest.grid;
    const reArcsec = mgeHalfLight(g.light, g.spec.lightSource).aMajor;
    const grid = makePolarGrid(m.rMin * reArcsec, m.rMax * reArcsec, m.nRad, m.nTheta, 1);
    const s = g.spec;
    const integrate = g.psf !== null || g.pixsize > 0;
    const rMax = m.rMax * reArcsec;
    const excluded = integrate ? outsidePolarGrid(grid, s.x, s.y).filter((i) => Math.hypot(s.x[i], s.y[i]) > rMax) : outsidePolarGrid(grid, s.x, s.y);
    if (excluded.length === s.x.length) throw new InputError(s.source, `every bin lies outside the surrogate's grid (${m.rMin}..${m.rMax} R_e, R_e = ${reArcsec.toPrecision(4)}"); check the units (arcsec) or fit with --engine tabulated`);
    return { grid, excluded };
  },
  fingerprint(s) {
    // What the table depends on: the model (its weights' hash), the bins, light, PSF, pixel,
    // distance and the prior's inclination and beta_z ranges (not the noise model or clipping).
    const weights = cachedMfl(s.surrogateDir ?? SHIPPED_MGE_DIR).manifest.weightsSha256;
    return { v: 1, weights, x: s.x, y: s.y, light: s.light, distanceMpc: s.distanceMpc, psf: s.psf, pixsize: s.pixsize, tableTol: s.tableTol, anchors: s.anchors ?? MFL_ANCHORS, inc: s.ranges.inc_deg, beta: s.ranges.beta_z, incPrior: s.incPrior };
  },
  prepare: (c, onProgress) => buildMflTable(c, read(c), onProgress),
  model: (c, p) => ({ kind: 'binned', model: mflBinnedModel(c, p) }),
  limitsOf: (p) => [
    {
      name: "beta_z <= the surrogate's collapse limit (beyond it the network was not trained)",
      slack: (q) => linearAt(p.collapse.incDeg, p.collapse.beta, q.incDeg) - q.betaZ,
      fix: 'refit with --engine tabulated, which has no such limit',
    },
  ],
  table: (p) => p.table,
};
