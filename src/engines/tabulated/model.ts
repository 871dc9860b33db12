/**
 * The tabulated exact JAM of one galaxy: basis maps in bin space (basis.ts) tabulated in
 * inclination (table.ts), combined per call as
 *     V2_bins(p) = sum_{nodes n} w_n(i) sum_{g, c} a_c(p) (P_gcn + b_g(p) Q_gcn)
 * with the Lagrange weights w_n of the 6 nodes around i, b_g = 1/(1 - beta_z,g) per anisotropy
 * group and the amplitudes a_c of the mass components:
 *   stars      a = M/L (mass follows light: the light MGE is the stellar mass per unit M/L);
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
import { basisLength, binBasis, type MassComponent } from './basis.ts';
import { fileURLToPath } from 'node:url';
import { buildInclinationTable, buildInclinationTableAsync, deprojectionLimitDeg, incOfT, STENCIL, stencilAt, tOfInc, type InclinationTable } from './table.ts';
import { mgeMassInSphere } from '../../photometry/halo.ts';

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
  /** Interpolation tolerance (relative in V_rms^2; default 1e-5). */
  tol?: number;
  /** Gauss-Legendre nodes of eq. 28 (default 48). */
  nodes?: number;
  /** The prior's halo ranges (haloMassModel tabulates the halo's weights over them). */
  haloRanges?: HaloRanges;
}

export interface TabulatedTable {
  /** Component names in table order. */
  components: string[];
  nGroups: number;
  nbins: number;
  table: InclinationTable;
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
  const components: MassComponent[] = [{ name: 'stars', mge: light }];
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
  const tol = s.tol ?? 1e-5;
  if (!(tol >= 1e-9 && tol <= 0.1)) throw new InputError('table_tol', `is ${tol}; give a relative tolerance in [1e-9, 0.1]`);
}

/** The qMin and covered inclination range of a spec. */
function coverage(s: TabulatedSpec): { qMin: number; incLo: number; incHi: number } {
  let qMin = Infinity;
  for (let k = 0; k < s.light.qobs.length; k++) qMin = Math.min(qMin, s.light.qobs[k]);
  const lim = deprojectionLimitDeg(qMin);
  // A hair above the limit: the basis must deproject there (deprojectMge's own tolerance is 1e-12).
  const incLo = Math.max(s.incRange[0], lim + 1e-7);
  const incHi = s.incRange[1];
  if (!(incHi > incLo)) throw new InputError('inc_deg', `the prior's inclinations [${s.incRange[0]}, ${s.incRange[1]}] all lie below the deprojection limit ${lim.toFixed(3)} deg of q' = ${qMin}`);
  return { qMin, incLo, incHi };
}

/**
 * Builds the table (the engine's per-galaxy preparation): ~2 exact basis evaluations per node,
 * each about one JAM model of all the components. `onProgress(done, planned)` after each.
 * @throws InputError naming the spec field (beta_groups, table_tol, inc_deg).
 */
export function buildTabulatedTable(s: TabulatedSpec, onProgress?: (done: number, planned: number) => void): TabulatedTable {
  checkSpec(s);
  const lay = layout(s);
  const { qMin, incLo, incHi } = coverage(s);
  const bs = { light: s.light, group: s.group, nGroups: s.nGroups, components: lay.components, distanceMpc: s.distanceMpc, grid: s.grid, op: s.op, nodes: s.nodes };
  const b = (beta: number) => 1 / (1 - beta);
  const table = buildInclinationTable((incDeg) => binBasis(bs, incDeg), qMin, incLo, incHi, {
    tol: s.tol,
    nGroups: s.nGroups,
    nComps: lay.components.length,
    nbins: s.op.nbins,
    bRange: [b(s.betaRange[0]), b(Math.min(s.betaRange[1], 0.99))],
    onProgress,
  });
  if (table.length !== basisLength(bs)) throw new RangeError('buildTabulatedTable: basis length changed');
  return { components: lay.components.map((c) => c.name), nGroups: s.nGroups, nbins: s.op.nbins, table };
}

/**
 * buildTabulatedTable with each round's basis maps spread over `workers` threads (piscina,
 * worker.mjs): the same table to the last bit (each basis is computed the same way, wherever).
 * `onProgress(done, planned)` after each round.
 */
export async function buildTabulatedTableParallel(s: TabulatedSpec, workers: number, onProgress?: (done: number, planned: number) => void): Promise<TabulatedTable> {
  checkSpec(s);
  const lay = layout(s);
  const { qMin, incLo, incHi } = coverage(s);
  const bs = { light: s.light, group: Array.from(s.group), nGroups: s.nGroups, components: lay.components, distanceMpc: s.distanceMpc, grid: s.grid, op: s.op, nodes: s.nodes };
  const b = (beta: number) => 1 / (1 - beta);
  const { Piscina } = await import('piscina');
  const pool = new Piscina({ filename: fileURLToPath(new URL('./worker.mjs', import.meta.url)), minThreads: workers, maxThreads: workers });
  try {
    const table = await buildInclinationTableAsync(
      async (incs) => {
        // Contiguous chunks, one per thread: the spec (with W) crosses once per thread and round.
        const size = Math.ceil(incs.length / workers);
        const chunks = Array.from({ length: Math.ceil(incs.length / size) }, (_, k) => incs.slice(k * size, (k + 1) * size));
        const parts: Float64Array[][] = await Promise.all(chunks.map((c) => pool.run({ spec: bs, incs: c })));
        return parts.flat();
      },
      qMin, incLo, incHi,
      { tol: s.tol, nGroups: s.nGroups, nComps: lay.components.length, nbins: s.op.nbins, bRange: [b(s.betaRange[0]), b(Math.min(s.betaRange[1], 0.99))], onProgress },
    );
    return { components: lay.components.map((c) => c.name), nGroups: s.nGroups, nbins: s.op.nbins, table };
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
  const tab = t.table;
  const nb = t.nbins;
  const G = s.nGroups;
  const T = tab.values;
  const w = new Float64Array(STENCIL);
  const amp = new Float64Array(nC);
  const bg = new Float64Array(G);
  const maxTerms = STENCIL * G * nC * 2 + 4;
  const offs = new Int32Array(maxTerms);
  const coef = new Float64Array(maxTerms);
  const haloIndex = new Map<number, number>();
  lay.halo?.sigmas.forEach((sig, j) => haloIndex.set(sig, j));
  // The stars' mass inside the sphere of R_e (f_DM's denominator) depends on the inclination
  // only: tabulated on the same nodes and interpolated with the same weights (it is smooth in t;
  // the direct engine computes it at every call, mgeMassInSphere).
  const starsInReNodes = lay.halo ? Float64Array.from({ length: tab.nNodes }, (_, n) => mgeMassInSphere(s.light, incOfT(tab.qMin, tab.t0 + ((tab.t1 - tab.t0) * n) / (tab.nNodes - 1)), lay.halo!.reArcsec)) : null;
  const mass = s.halo !== 'none' ? ` + ${s.halo.toUpperCase()} halo (${lay.halo!.sigmas.length} Gaussians)` : '';
  const bh = s.sampledMbh ? ', M_BH sampled' : s.mbh > 0 ? `, M_BH ${s.mbh.toExponential(3)} Msun` : '';
  return {
    nbins: nb,
    linearInMl: !s.sampledMbh && s.mbh === 0,
    label: `tabulated exact JAM (light mass model${mass}${bh}${G > 1 ? `, ${G} anisotropy groups` : ''}), ${tab.nNodes} inclination nodes over ${tab.incLo.toFixed(2)}..${tab.incHi.toFixed(2)} deg, interpolation error <= ${tab.maxError.toExponential(1)}`,
    vrms2Bins(p: GridParams, out: Float64Array): Float64Array {
      const tt = tOfInc(tab.qMin, p.incDeg);
      if (!Number.isFinite(tt)) throw new DomainError('inc_deg', `is ${p.incDeg}; the light cannot be deprojected there`);
      const s0 = stencilAt(tab, tt, w);
      for (let g = 0; g < G; g++) {
        const beta = G > 1 && p.betaGroups ? p.betaGroups[g] : p.betaZ;
        if (!(beta < 1)) throw new DomainError('beta_z', `is ${beta}; beta_z must be < 1`);
        bg[g] = 1 / (1 - beta);
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
        for (let m = 0; m < STENCIL; m++) starsInRe += w[m] * starsInReNodes![s0 + m];
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
      let K = 0;
      for (let m = 0; m < STENCIL; m++) {
        const base = (s0 + m) * tab.length;
        for (let g = 0; g < G; g++) {
          for (let c = 0; c < nC; c++) {
            const a = amp[c];
            if (a === 0) continue;
            const iP = base + (g * nC + c) * 2 * nb;
            offs[K] = iP;
            coef[K++] = w[m] * a;
            offs[K] = iP + nb;
            coef[K++] = w[m] * a * bg[g];
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
