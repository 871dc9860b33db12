/**
 * The tabulated exact JAM of one galaxy: basis maps in bin space (basis.ts) tabulated in
 * inclination, and for the `qm` mass model in q_M too (table.ts), combined per call as
 *     V2_bins(p) = sum_{nodes n} w_n(i[, q_M]) sum_{g, c} a_c(p) (P_gcn + b_g(p) Q_gcn)
 * with the Lagrange weights w_n of the 6 (6 x 6) nodes around the point, b_g = 1/(1 - beta_z,g)
 * per anisotropy group and the amplitudes a_c of the mass components:
 *   stars      a = M/L (mass follows light: the light MGE is the stellar mass per unit M/L; `qm`:
 *              the light's surf and sigma with every q' = q_M, the table's second axis);
 *   black hole a = M_BH in Msun (a round Gaussian of sigma 0.01", as src/jam/model.ts; not scaled
 *              by M/L);
 *   halo       one component per fixed dispersion of the galaxy's halo MGE (likelihoods/grid-model.ts
 *              haloMassModel, gnfwMgeSigmas): a = M/L x the weight the (g)NFW fit gives it, so r_s,
 *              gamma and f_DM move amplitudes, never the table.
 * The result equals the direct exact JAM (likelihoods/grid-model.ts exactJamGridModel composed with
 * W) to the table's interpolation error, which the build measures (maxError) and bounds by `tol`.
 */
import { DomainError, InputError } from '../../../core/errors.ts';
import { pcPerArcsec } from '../../jam/constants.ts';
import type { GridToBins } from '../../operator/grid-to-bins.ts';
import type { PolarGrid } from '../../operator/polar-grid.ts';
import type { Mge } from '../../photometry/mge.ts';
import { haloMassModel, type GridParams, type HaloMassModel, type HaloRanges } from '../../../likelihoods/grid-model.ts';
import type { BinnedModel } from '../../../likelihoods/vrms-grid.ts';
import type { HaloKind } from '../../photometry/halo.ts';
import { basisAt, basisLength, type BasisSpec, type MassComponent } from './basis.ts';
import { fileURLToPath } from 'node:url';
import { buildTablePatch, buildTablePatchAsync, deprojectionLimitDeg, errorMeasureSph, incOfT, STENCIL, stencil, tOfInc, vOfBeta, vOfQm, type BetaAxis, type QmAxis, type SecondAxis, type TableOptions, type TablePatch, type TablePoint } from './table.ts';
import { mgeMassInSphere } from '../../photometry/halo.ts';

/**
 * The default tolerance of a spherically aligned table. The direct sph model is accurate to ~2e-5
 * in V_rms^2 at its defaults (bench jam-sph), and its quadrature rules change discretely with the
 * inclination (panel counts, the line of sight's equatorial crossing), so its maps carry noise at
 * that level that no finer table resolves; 1e-4 is the accuracy the issue's sph speed target asks
 * of a model (and a quarter of the half-tolerance per axis still sits above the noise).
 */
export const SPH_TABLE_TOL = 1e-4;

/** The tolerance a table is built to: the spec's, or the default of its alignment. */
export function tableTol(s: Pick<TabulatedSpec, 'tol' | 'align'>): number {
  return s.tol ?? (s.align === 'sph' ? SPH_TABLE_TOL : 1e-5);
}

/** The black hole's Gaussian dispersion, arcsec (src/jam/model.ts default rbh). */
const RBH_ARCSEC = 0.01;

export interface TabulatedSpec {
  /** Tracer MGE (also the stellar mass per unit M/L). */
  light: Mge;
  distanceMpc: number;
  grid: PolarGrid;
  op: GridToBins;
  /** Anisotropy group of each luminous Gaussian, 0..nGroups-1. */
  group: ArrayLike<number>;
  nGroups: number;
  /** Fixed black-hole mass in Msun (>= 0), unless `sampledMbh`. */
  mbh: number;
  sampledMbh: boolean;
  halo: HaloKind | 'none';
  /** The prior's inclination range, degrees (the table covers the part that deprojects). */
  incRange: readonly [number, number];
  /** The prior's beta_z range (sets the error measure's b range). */
  betaRange: readonly [number, number];
  /** Interpolation tolerance (relative in V_rms^2; default 1e-5, or SPH_TABLE_TOL for sph). */
  tol?: number;
  /** Gauss-Legendre nodes of eq. 28 (default 48). */
  nodes?: number;
  /** The prior's halo ranges (haloMassModel tabulates the halo's weights over them). */
  haloRanges?: HaloRanges;
  /**
   * The `qm` mass model: the prior's q_M range (the stars' mass is the light with every q' = q_M,
   * a second table axis); absent: mass follows light.
   */
  qmRange?: readonly [number, number];
  /**
   * Velocity-ellipsoid alignment (default cyl). sph (Cappellari 2020): beta = 1 - <v_theta^2>/<v_r^2>
   * is the table's second axis over the prior's beta range (basis.ts binBasisSph); mass follows light.
   */
  align?: 'cyl' | 'sph';
}

export interface TabulatedTable {
  /** Component names in table order. */
  components: string[];
  nGroups: number;
  nbins: number;
  /** Patches in increasing inclination (one; a qm table may need two: table.ts). */
  patches: TablePatch[];
  /** The tolerance it was built to (TabulatedSpec.tol or its default). */
  tol: number;
  /** Wall-clock seconds of the build (in this process; a stored table keeps its builder's). */
  buildSeconds?: number;
  /** Over the patches: nodes, exact basis evaluations, the largest error bound. */
  nodes: number;
  evaluations: number;
  maxError: number;
}

interface Layout {
  components: MassComponent[];
  halo: HaloMassModel | null;
  /** Index of the first halo component, or -1; of the black hole, or -1. */
  iHalo: number;
  iBh: number;
}

function layout(s: TabulatedSpec): Layout {
  const light = s.light;
  const components: MassComponent[] = [{ name: 'stars', mge: light, ...(s.qmRange ? { followsQm: true } : {}) }];
  let iBh = -1;
  if (s.mbh > 0 || s.sampledMbh) {
    const sPc = RBH_ARCSEC * pcPerArcsec(s.distanceMpc);
    iBh = components.length;
    components.push({ name: 'bh', mge: { surf: [1 / (2 * Math.PI * sPc * sPc)], sigma: [RBH_ARCSEC], qobs: [1] } });
  }
  let iHalo = -1;
  let halo: HaloMassModel | null = null;
  if (s.halo !== 'none') {
    halo = haloMassModel(light, s.grid, s.halo, s.haloRanges);
    iHalo = components.length;
    halo.sigmas.forEach((sig, j) => components.push({ name: `halo:${j}`, mge: { surf: [1], sigma: [sig], qobs: [1] } }));
  }
  return { components, halo, iHalo, iBh };
}

function checkSpec(s: TabulatedSpec): void {
  if (!(Number.isInteger(s.nGroups) && s.nGroups >= 1)) throw new InputError('beta_groups', `is ${s.nGroups}; give at least one anisotropy group`);
  if (s.group.length !== s.light.surf.length) throw new InputError('beta_groups', `assigns ${s.group.length} Gaussians of ${s.light.surf.length}`);
  for (let k = 0; k < s.group.length; k++) if (!(s.group[k] >= 0 && s.group[k] < s.nGroups)) throw new InputError('beta_groups', `Gaussian ${k} is in group ${s.group[k]}, outside 0..${s.nGroups - 1}`);
  const tol = tableTol(s);
  if (!(tol >= 1e-9 && tol <= 0.1)) throw new InputError('table_tol', `is ${tol}; give a relative tolerance in [1e-9, 0.1]`);
  if (s.qmRange) {
    const [lo, hi] = s.qmRange;
    if (!(lo > 0 && hi <= 1 && hi > lo)) throw new InputError('qm_range', `is [${lo}, ${hi}]; give 0 < lo < hi <= 1`);
    if (s.halo !== 'none') throw new InputError('halo', `${s.halo} with the qm mass model: the tabulated engine's halo is normalised on the light's mass; use the direct engine`);
    if (s.align === 'sph') throw new InputError('mass_model', 'qm with the spherically aligned model would need a 3-D table (inclination, q_M, beta); use the direct engine or --mass-model light');
  }
  if (s.align !== undefined && s.align !== 'cyl' && s.align !== 'sph') throw new InputError('align', `is ${JSON.stringify(s.align)}; use cyl or sph`);
  if (s.align === 'sph' && !(s.betaRange[0] < s.betaRange[1] && s.betaRange[1] < 1)) throw new InputError('beta_range', `is [${s.betaRange[0]}, ${s.betaRange[1]}]; give lo < hi < 1`);
}

interface PatchPlan {
  incLo: number;
  incHi: number;
  axis?: SecondAxis;
  /** The q' whose t = ln sqrt(q'^2 - cos^2 i) is the patch's first axis (table.ts). */
  qRef: number;
}

/**
 * The patches that cover the prior: its inclinations where the light deprojects (and, in qm,
 * where q_M = q_hi does), and in qm its q_M from the lower curve to q_hi, split where the prior's
 * q_lo meets the mass's deprojection limit (table.ts header). Each patch's t is that of the q'
 * whose deprojection limit starts it (near there the maps vary fastest, smoothly in that t only):
 * the light's flattest Gaussian, or, on the patch above the split, the mass at q_lo (there the
 * lower curve u = ln sqrt(q_lo^2 - cos^2 i) is t itself).
 */
function coverage(s: TabulatedSpec): PatchPlan[] {
  let qMin = Infinity;
  for (let k = 0; k < s.light.qobs.length; k++) qMin = Math.min(qMin, s.light.qobs[k]);
  const lim = deprojectionLimitDeg(qMin);
  // A hair above a limit: the basis must deproject there (deprojectMge's own tolerance is 1e-12).
  let incLo = Math.max(s.incRange[0], lim + 1e-7);
  const incHi = s.incRange[1];
  if (s.qmRange) incLo = Math.max(incLo, deprojectionLimitDeg(s.qmRange[1]) + 1e-7);
  if (!(incHi > incLo)) throw new InputError('inc_deg', `the prior's inclinations [${s.incRange[0]}, ${s.incRange[1]}] all lie below the deprojection limit ${lim.toFixed(3)} deg of q' = ${qMin}`);
  if (s.align === 'sph') return [{ incLo, incHi, qRef: qMin, axis: { kind: 'beta', lo: s.betaRange[0], hi: s.betaRange[1] } }];
  if (!s.qmRange) return [{ incLo, incHi, qRef: qMin }];
  const [qLo, qHi] = s.qmRange;
  const axis = (lower: QmAxis['lower']): QmAxis => ({ kind: 'qm', lower, qLo, qHi });
  // Below iX the prior's q_lo does not deproject, so the mass's limit bounds q_M from below.
  const iX = deprojectionLimitDeg(qLo);
  if (iX <= incLo + 1e-6) return [{ incLo, incHi, axis: axis('prior'), qRef: qMin }];
  if (iX >= incHi - 1e-6) return [{ incLo, incHi, axis: axis('limit'), qRef: qMin }];
  return [{ incLo, incHi: iX, axis: axis('limit'), qRef: qMin }, { incLo: iX, incHi, axis: axis('prior'), qRef: qLo }];
}

function tableOf(lay: Layout, s: TabulatedSpec, patches: TablePatch[]): TabulatedTable {
  return {
    components: lay.components.map((c) => c.name),
    nGroups: s.nGroups,
    nbins: s.op.nbins,
    patches,
    tol: tableTol(s),
    nodes: patches.reduce((a, p) => a + p.nNodes * p.nV, 0),
    evaluations: patches.reduce((a, p) => a + p.evaluations, 0),
    maxError: Math.max(...patches.map((p) => p.maxError)),
  };
}

function tableOptions(s: TabulatedSpec, lay: Layout, onProgress?: (done: number, planned: number) => void, scaleAtLoAndIso = false): TableOptions {
  const b = (beta: number) => 1 / (1 - beta);
  const bLo = b(s.betaRange[0]);
  const o: TableOptions = { tol: tableTol(s), nGroups: s.nGroups, nComps: lay.components.length, nbins: s.op.nbins, bRange: [bLo, b(Math.min(s.betaRange[1], 0.99))], ...(scaleAtLoAndIso ? { scaleB: [bLo, 1] as [number, number] } : {}), onProgress };
  return s.align === 'sph' ? { ...o, measure: (e, a) => errorMeasureSph(e, a, o) } : o;
}

/**
 * Builds the table (the engine's per-galaxy preparation): ~2 exact basis evaluations per node,
 * each about one JAM model of all the components. `onProgress(done, planned)` after each.
 * `source.basis` replaces the exact basis (basis.ts basisAt) by another source of the same maps,
 * laid out the same way (the multi-component surrogate's, src/engines/surrogate-mge.ts): the
 * table, its error control and the per-call model are then those of the exact engine, with the
 * error measure's scale taken at b_lo and b = 1 when `source.collapseLimited` (TableOptions.scaleB).
 * @throws InputError naming the spec field (beta_groups, table_tol, inc_deg).
 */
export function buildTabulatedTable(s: TabulatedSpec, onProgress?: (done: number, planned: number) => void, source?: { basis: (p: TablePoint) => Float64Array; collapseLimited?: boolean }): TabulatedTable {
  checkSpec(s);
  const t0 = performance.now();
  const lay = layout(s);
  const plans = coverage(s);
  const bs: BasisSpec = { light: s.light, group: s.group, nGroups: s.nGroups, components: lay.components, distanceMpc: s.distanceMpc, grid: s.grid, op: s.op, nodes: s.nodes, align: s.align };
  const at = source?.basis ?? ((p: TablePoint) => basisAt(bs, p));
  let before = 0;
  const patches = plans.map((pl) => {
    const progress = onProgress && ((d: number, p: number) => onProgress(before + d, before + p));
    const patch = buildTablePatch(at, pl.qRef, pl.incLo, pl.incHi, pl.axis, tableOptions(s, lay, progress, source?.collapseLimited));
    before += patch.evaluations;
    if (patch.length !== basisLength(bs)) throw new RangeError('buildTabulatedTable: basis length changed');
    return patch;
  });
  return { ...tableOf(lay, s, patches), buildSeconds: (performance.now() - t0) / 1000 };
}

/**
 * buildTabulatedTable with each round's basis maps spread over `workers` threads (piscina,
 * worker.mjs): the same table to the last bit (each basis is computed the same way, wherever).
 * `onProgress(done, planned)` after each round.
 */
export async function buildTabulatedTableParallel(s: TabulatedSpec, workers: number, onProgress?: (done: number, planned: number) => void): Promise<TabulatedTable> {
  checkSpec(s);
  const t0 = performance.now();
  const lay = layout(s);
  const plans = coverage(s);
  const bs: BasisSpec = { light: s.light, group: Array.from(s.group), nGroups: s.nGroups, components: lay.components, distanceMpc: s.distanceMpc, grid: s.grid, op: s.op, nodes: s.nodes, align: s.align };
  const { Piscina } = await import('piscina');
  const pool = new Piscina({ filename: fileURLToPath(new URL('./worker.mjs', import.meta.url)), minThreads: workers, maxThreads: workers });
  try {
    const many = async (pts: TablePoint[]) => {
      // Contiguous chunks, one per thread: the spec (with W) crosses once per thread and round.
      const size = Math.ceil(pts.length / workers);
      const chunks = Array.from({ length: Math.ceil(pts.length / size) }, (_, k) => pts.slice(k * size, (k + 1) * size));
      const parts: Float64Array[][] = await Promise.all(chunks.map((c) => pool.run({ spec: bs, points: c })));
      return parts.flat();
    };
    const patches: TablePatch[] = [];
    let before = 0;
    for (const pl of plans) {
      const progress = onProgress && ((d: number, p: number) => onProgress(before + d, before + p));
      const patch = await buildTablePatchAsync(many, pl.qRef, pl.incLo, pl.incHi, pl.axis, tableOptions(s, lay, progress));
      before += patch.evaluations;
      patches.push(patch);
    }
    return { ...tableOf(lay, s, patches), buildSeconds: (performance.now() - t0) / 1000 };
  } finally {
    await pool.destroy();
  }
}

export interface TabulatedModel extends BinnedModel {
  readonly label: string;
}

/**
 * The binned model of a built table (BinnedModel: parameters -> binned V_rms^2). Not re-entrant
 * (reuses buffers). DomainError for beta_z >= 1, M/L <= 0, M_BH < 0, an inclination outside the
 * table (below the light's deprojection limit or outside the prior), or halo parameters outside
 * their domain: a posterior maps it to -Infinity.
 * @throws InputError when the table does not belong to this spec (component count, bins).
 */
export function tabulatedBinnedModel(s: TabulatedSpec, t: TabulatedTable): TabulatedModel {
  checkSpec(s);
  const lay = layout(s);
  const nC = lay.components.length;
  if (t.components.length !== nC || t.nGroups !== s.nGroups || t.nbins !== s.op.nbins) {
    throw new InputError('table', `has ${t.components.length} components, ${t.nGroups} groups and ${t.nbins} bins; this galaxy needs ${nC}, ${s.nGroups} and ${s.op.nbins}: rebuild it`);
  }
  const patches = t.patches;
  const nb = t.nbins;
  const G = s.nGroups;
  const wT = new Float64Array(STENCIL);
  const wV = new Float64Array(STENCIL);
  // The spherically aligned table: each group's beta has its own stencil on the beta axis.
  const sph = s.align === 'sph';
  const wVg = Array.from({ length: G }, () => new Float64Array(STENCIL));
  const sVg = new Int32Array(G);
  const amp = new Float64Array(nC);
  const bg = new Float64Array(G);
  const maxTerms = STENCIL * STENCIL * G * nC * 2 + 4;
  const offs = new Int32Array(maxTerms);
  const coef = new Float64Array(maxTerms);
  const haloIndex = new Map<number, number>();
  lay.halo?.sigmas.forEach((sig, j) => haloIndex.set(sig, j));
  // The stars' mass inside the sphere of R_e (f_DM's denominator) depends on the inclination
  // only: tabulated on the t nodes and interpolated with the same weights (it is smooth in t; the
  // direct engine computes it at every call, mgeMassInSphere). Light mass model only (checkSpec).
  const starsInReNodes = lay.halo
    ? patches.map((tab) => Float64Array.from({ length: tab.nNodes }, (_, n) => mgeMassInSphere(s.light, incOfT(tab.qMin, tab.t0 + ((tab.t1 - tab.t0) * n) / (tab.nNodes - 1)), lay.halo!.reArcsec)))
    : null;
  const mass = s.qmRange ? 'qm' : 'light';
  const aligned = sph ? 'spherically aligned ' : '';
  const halo = s.halo !== 'none' ? ` + ${s.halo.toUpperCase()} halo (${lay.halo!.sigmas.length} Gaussians)` : '';
  const bh = s.sampledMbh ? ', M_BH sampled' : s.mbh > 0 ? `, M_BH ${s.mbh.toExponential(3)} Msun` : '';
  const grid = patches.map((p) => (p.nV > 1 ? `${p.nNodes} x ${p.nV}` : `${p.nNodes}`)).join(' + ');
  const incLo = patches[0].incLo;
  const incHi = patches[patches.length - 1].incHi;
  return {
    nbins: nb,
    linearInMl: !s.sampledMbh && s.mbh === 0,
    label: `tabulated ${aligned}exact JAM (${mass} mass model${halo}${bh}${G > 1 ? `, ${G} anisotropy groups` : ''}), ${grid} ${s.qmRange ? '(inclination x q_M)' : sph ? '(inclination x beta)' : 'inclination'} nodes over ${incLo.toFixed(2)}..${incHi.toFixed(2)} deg, interpolation error <= ${t.maxError.toExponential(1)}`,
    vrms2Bins(p: GridParams, out: Float64Array): Float64Array {
      let ip = 0;
      while (ip < patches.length - 1 && p.incDeg > patches[ip].incHi) ip++;
      const tab = patches[ip];
      const tt = tOfInc(tab.qMin, p.incDeg);
      if (!Number.isFinite(tt)) throw new DomainError('inc_deg', `is ${p.incDeg}; the light cannot be deprojected there`);
      const sT = stencil(tab.t0, tab.t1, tab.nNodes, tt, wT);
      if (sT < 0) throw new DomainError('inc_deg', `is ${p.incDeg}, outside the table's range [${incLo}, ${incHi}] deg`);
      let sV = 0;
      let nWV = 1;
      if (tab.axis?.kind === 'qm') {
        const v = vOfQm(tab.axis, p.incDeg, p.qM);
        sV = Number.isFinite(v) ? stencil(0, 1, tab.nV, v, wV) : -1;
        if (sV < 0) throw new DomainError('q_m', `is ${p.qM} at inc_deg ${p.incDeg}, outside the table (the prior's q_M range, where the mass deprojects)`);
        nWV = STENCIL;
      } else wV[0] = 1;
      for (let g = 0; g < G; g++) {
        const beta = G > 1 && p.betaGroups ? p.betaGroups[g] : p.betaZ;
        if (!(beta < 1)) throw new DomainError('beta_z', `is ${beta}; beta_z must be < 1`);
        bg[g] = 1 / (1 - beta);
        if (sph) {
          const ax = tab.axis as BetaAxis;
          sVg[g] = stencil(0, 1, tab.nV, vOfBeta(ax, beta), wVg[g]);
          if (sVg[g] < 0) throw new DomainError(G > 1 ? `beta_z_${g + 1}` : 'beta_z', `is ${beta}, outside the table's beta range [${ax.lo}, ${ax.hi}] (the prior's)`);
        }
      }
      if (!(p.ml > 0)) throw new DomainError('ml', `is ${p.ml}; M/L must be > 0`);
      amp.fill(0);
      amp[0] = p.ml;
      if (lay.iBh >= 0) {
        const m = s.sampledMbh ? (p.mbh ?? NaN) : s.mbh;
        if (!(m >= 0)) throw new DomainError('mbh', `is ${m}; the black-hole mass must be >= 0 Msun`);
        amp[lay.iBh] = m;
      }
      if (lay.halo) {
        let starsInRe = 0;
        const nodes = starsInReNodes![ip];
        for (let m = 0; m < STENCIL; m++) starsInRe += wT[m] * nodes[sT + m];
        const h = lay.halo(s.light, p, starsInRe);
        if (h.haloInRe > 0) {
          for (let k = 0; k < h.mge.sigma.length; k++) {
            const j = haloIndex.get(h.mge.sigma[k]);
            if (j === undefined) throw new RangeError(`tabulated model: halo dispersion ${h.mge.sigma[k]} is not one of the table's`);
            amp[lay.iHalo + j] = p.ml * h.mge.surf[k];
          }
        }
      }
      // The (node, group, component, part) maps with non-zero weight, then one pass over the bins
      // that adds four maps at a time (the output is read and written a quarter as often).
      const T = tab.values;
      let K = 0;
      for (let m = 0; m < STENCIL && sph; m++) {
        if (wT[m] === 0) continue;
        for (let g = 0; g < G; g++) {
          for (let l = 0; l < STENCIL; l++) {
            const wml = wT[m] * wVg[g][l];
            if (wml === 0) continue;
            const base = ((sT + m) * tab.nV + sVg[g] + l) * tab.length + g * nC * nb;
            for (let c = 0; c < nC; c++) {
              if (amp[c] === 0) continue;
              offs[K] = base + c * nb;
              coef[K++] = wml * amp[c];
            }
          }
        }
      }
      for (let m = 0; m < STENCIL && !sph; m++) {
        for (let l = 0; l < nWV; l++) {
          const wml = wT[m] * wV[l];
          if (wml === 0) continue;
          const base = ((sT + m) * tab.nV + sV + l) * tab.length;
          for (let g = 0; g < G; g++) {
            for (let c = 0; c < nC; c++) {
              const a = amp[c];
              if (a === 0) continue;
              const iP = base + (g * nC + c) * 2 * nb;
              offs[K] = iP;
              coef[K++] = wml * a;
              offs[K] = iP + nb;
              coef[K++] = wml * a * bg[g];
            }
          }
        }
      }
      while (K % 4 !== 0) {
        offs[K] = 0;
        coef[K++] = 0;
      }
      out.fill(0);
      for (let k = 0; k < K; k += 4) {
        const o0 = offs[k], o1 = offs[k + 1], o2 = offs[k + 2], o3 = offs[k + 3];
        const c0 = coef[k], c1 = coef[k + 1], c2 = coef[k + 2], c3 = coef[k + 3];
        for (let j = 0; j < nb; j++) out[j] += c0 * T[o0 + j] + c1 * T[o1 + j] + c2 * T[o2 + j] + c3 * T[o3 + j];
      }
      return out;
    },
  };
}
