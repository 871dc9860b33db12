/**
 * The tabulated engine as an Engine (../engine.ts): the exact JAM's basis maps in bin space,
 * tabulated in inclination once per galaxy (model.ts buildTabulatedTable), combined per call.
 * Mass follows light (with a black hole, haloes and anisotropy groups), cylindrical alignment.
 */
import { InputError } from '../../../core/errors.ts';
import { EXACT_LIMITS } from '../../../likelihoods/fit-prior.ts';
import { haloRangesOf, type Engine, type EngineContext } from '../engine.ts';
import { exactGrid } from '../exact-grid.ts';
import { readTable, writeTable } from './store.ts';
import { buildTabulatedTable, buildTabulatedTableParallel, tabulatedBinnedModel, type TabulatedSpec, type TabulatedTable } from './model.ts';

function tabulatedSpec(c: EngineContext): TabulatedSpec {
  const s = c.spec;
  const iIncDeg = c.prior.names.indexOf('inc_deg');
  return {
    light: c.light, distanceMpc: s.distanceMpc, grid: c.grid, op: c.op, group: c.group, nGroups: c.nGroups, mbh: s.mbh, sampledMbh: s.mbhRange !== undefined, halo: s.halo ?? 'none',
    incRange: [c.prior.lo[iIncDeg], c.prior.hi[iIncDeg]], betaRange: [c.prior.lo[0], c.prior.hi[0]], tol: s.tableTol, nodes: s.nodes, haloRanges: haloRangesOf(c.prior),
  };
}

export const tabulatedEngine: Engine<TabulatedTable> = {
  name: 'tabulated',
  limits: EXACT_LIMITS,
  check(g) {
    if (g.spec.massModel !== 'light') throw new InputError('mass_model', `${g.spec.massModel}: the tabulated engine tabulates mass-follows-light models (light); use the direct engine for qm`);
    if ((g.spec.align ?? 'cyl') !== 'cyl') throw new InputError('align', 'sph is computed by the direct engine only (the tabulated engine is cylindrically aligned)');
  },
  grid: exactGrid,
  fingerprint(s) {
    // Everything the table depends on (not the noise model or clipping): the bins, light, PSF,
    // pixel, distance, mass model, groups, and the prior's inclination and beta_z ranges.
    return { v: 1, x: s.x, y: s.y, light: s.light, distanceMpc: s.distanceMpc, psf: s.psf, pixsize: s.pixsize, massModel: s.massModel, mbh: s.mbh, halo: s.halo, nodes: s.nodes, betaGroups: s.betaGroups, mbhRange: s.mbhRange, tableTol: s.tableTol, inc: s.ranges.inc_deg, beta: s.ranges.beta_z, incPrior: s.incPrior };
  },
  store: { write: writeTable, read: readTable },
  prepare: (c, onProgress) => buildTabulatedTable(tabulatedSpec(c), onProgress),
  prepareParallel: (c, workers, onProgress) => buildTabulatedTableParallel(tabulatedSpec(c), workers, onProgress),
  model: (c, table) => ({ kind: 'binned', model: tabulatedBinnedModel(tabulatedSpec(c), table) }),
};
