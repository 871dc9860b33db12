/**
 * The direct engine: the exact JAM evaluated at every call on the galaxy's grid
 * (likelihoods/grid-model.ts exactJamGridModel: eq. 28 of Cappellari 2008, or the spherically
 * aligned solution of Cappellari 2020 with `align: 'sph'`). Nothing to prepare; the reference
 * every other engine is checked against (src/fit/self-check.ts).
 */
import { InputError } from '../../core/errors.ts';
import { EXACT_LIMITS } from '../../likelihoods/fit-prior.ts';
import { exactJamGridModel } from '../../likelihoods/grid-model.ts';
import { haloRangesOf, type Engine } from './engine.ts';
import { exactGrid } from './exact-grid.ts';

export const directEngine: Engine<null> = {
  name: 'direct',
  limits: EXACT_LIMITS,
  check(g) {
    const a = g.spec.align ?? 'cyl';
    if (a !== 'cyl' && a !== 'sph') throw new InputError('align', `is ${JSON.stringify(g.spec.align)}; use cyl or sph`);
  },
  grid: exactGrid,
  fingerprint: () => null,
  prepare: () => null,
  model(c) {
    const s = c.spec;
    return {
      kind: 'grid',
      model: exactJamGridModel({ light: c.light, massModel: s.massModel, distanceMpc: s.distanceMpc, mbh: s.mbh, grid: c.grid, nodes: s.nodes, halo: s.halo, haloRanges: haloRangesOf(c.prior), group: c.group, sampledMbh: s.mbhRange !== undefined, align: s.align ?? 'cyl' }),
    };
  },
};
