/**
 * The tabulated engine as an Engine (../engine.ts): the exact JAM's basis maps in bin space,
 * tabulated once per galaxy (model.ts buildTabulatedTable), combined per call. Mass follows light
 * (with a black hole, haloes and anisotropy groups; a table in inclination) or the `qm` mass model
 * (with a black hole and groups; a table in inclination and q_M); cylindrical alignment, or the
 * spherical one (mass follows light; a table in inclination and beta).
 */
import { InputError } from '../../../core/errors.ts';
import { EXACT_LIMITS } from '../../../likelihoods/fit-prior.ts';
import { haloRangesOf, type Engine, type EngineContext } from '../engine.ts';
import { exactGrid } from '../exact-grid.ts';
import { readTable, writeTable } from './store.ts';
import { buildTabulatedTable, buildTabulatedTableParallel, tabulatedBinnedModel, type TabulatedSpec, type TabulatedTable } from './model.ts';

/** The table's spec of a fit's galaxy (the prior's inclination and beta_z ranges, the spec's tolerance and nodes). */
export function tabulatedSpec(c: EngineContext): TabulatedSpec {
  const s = c.spec;
  const iIncDeg = c.prior.names.indexOf('inc_deg');
  const iQm = c.prior.names.indexOf('q_m');
  return {
    light: c.light, distanceMpc: s.distanceMpc, grid: c.grid, op: c.op, group: c.group, nGroups: c.nGroups, mbh: s.mbh, sampledMbh: s.mbhRange !== undefined, halo: s.halo ?? 'none',
    incRange: [c.prior.lo[iIncDeg], c.prior.hi[iIncDeg]], betaRange: [c.prior.lo[0], c.prior.hi[0]], tol: s.tableTol, nodes: s.nodes, haloRanges: haloRangesOf(c.prior),
    ...(s.massModel === 'qm' ? { qmRange: [c.prior.lo[iQm], c.prior.hi[iQm]] as const } : {}),
    ...(s.align === 'sph' ? { align: 'sph' as const } : {}),
  };
}

export const tabulatedEngine: Engine<TabulatedTable> = {
  name: 'tabulated',
  limits: EXACT_LIMITS,
  check(g) {
    if (g.spec.massModel === 'qm' && (g.spec.halo ?? 'none') !== 'none') throw new InputError('halo', `${g.spec.halo} with the qm mass model is computed by the direct engine only (the tabulated halo is normalised on the light's mass)`);
    if (g.spec.align === 'sph' && g.spec.massModel === 'qm') throw new InputError('mass_model', 'qm with --align sph is computed by the direct engine only (it would need a 3-D table: inclination, q_M, beta); use --mass-model light or --engine direct');
  },
  grid: exactGrid,
  fingerprint(s) {
    // Everything the table depends on (not the noise model or clipping): the bins, light, PSF,
    // pixel, distance, mass model, groups, and the prior's inclination and beta_z ranges.
    return { v: 3, x: s.x, y: s.y, light: s.light, distanceMpc: s.distanceMpc, psf: s.psf, pixsize: s.pixsize, massModel: s.massModel, mbh: s.mbh, halo: s.halo, nodes: s.nodes, betaGroups: s.betaGroups, mbhRange: s.mbhRange, tableTol: s.tableTol, inc: s.ranges.inc_deg, beta: s.ranges.beta_z, qm: s.massModel === 'qm' ? s.ranges.q_m : undefined, incPrior: s.incPrior, align: s.align === 'sph' ? 'sph' : undefined };
  },
  store: { write: writeTable, read: readTable },
  prepare: (c, onProgress) => buildTabulatedTable(tabulatedSpec(c), onProgress),
  prepareParallel: (c, workers, onProgress) => buildTabulatedTableParallel(tabulatedSpec(c), workers, onProgress),
  model: (c, table) => ({ kind: 'binned', model: tabulatedBinnedModel(tabulatedSpec(c), table) }),
  table: (t) => t,
};
