/**
 * The surrogate as an Engine (engine.ts): the CNN reads the photometry once per galaxy (or the
 * Sérsic parameters are taken exactly), the MLP and the operator W give binned V_rms^2 per call
 * (likelihoods/surrogate-model.ts; batched by src/fit/surrogate-evaluator.ts). Its grid is the
 * network's theta-log r grid in R_e (0.02..4 R_e): bins beyond the outer ring are excluded; its
 * prior limits are the training domain (src/surrogate/domain.ts).
 */
import { createHash } from 'node:crypto';
import { InputError } from '../../core/errors.ts';
import { surrogateBinnedModel } from '../../likelihoods/surrogate-model.ts';
import { outsidePolarGrid } from '../operator/polar-grid.ts';
import { surrogateGalaxy, surrogateGridArcsec, type SurrogateGalaxy } from '../surrogate/galaxy.ts';
import { loadSurrogate, SHIPPED_DIR, type Surrogate } from '../surrogate/model-files.ts';
import type { Engine, EngineGalaxy } from './engine.ts';
import { surrogateEvaluator } from '../fit/surrogate-evaluator.ts';

const surrogates = new Map<string, Surrogate>();

/** The surrogate of a model folder, loaded (and its SHA-256 checked) once per process. */
export function cachedSurrogate(dir: string): Surrogate {
  let s = surrogates.get(dir);
  if (!s) {
    s = loadSurrogate(dir);
    surrogates.set(dir, s);
  }
  return s;
}

export interface SurrogatePrepared {
  surrogate: Surrogate;
  galaxy: SurrogateGalaxy;
}

// The CNN's reading of a galaxy, once per process: the grid needs its R_e before W exists.
const readings = new Map<string, SurrogatePrepared>();

function read(g: EngineGalaxy): SurrogatePrepared {
  const s = g.spec;
  const dir = s.surrogateDir ?? SHIPPED_DIR;
  const key = createHash('sha256').update(JSON.stringify([dir, s.light, s.sersic ?? null, s.distanceMpc])).digest('hex');
  let r = readings.get(key);
  if (!r) {
    const surrogate = cachedSurrogate(dir);
    r = { surrogate, galaxy: surrogateGalaxy(surrogate, g.light, s.sersic ?? null, s.distanceMpc, s.lightSource) };
    readings.set(key, r);
  }
  return r;
}

export const surrogateEngine: Engine<SurrogatePrepared> = {
  name: 'surrogate',
  limits: undefined,
  check(g) {
    const s = g.spec;
    if (s.massModel !== 'qm') throw new InputError('mass_model', `${s.massModel} is not what the surrogate was trained on (qm: the light with q' -> q_M); use an exact engine`);
    if (s.mbh > 0 || s.mbhRange) throw new InputError('mbh', 'the surrogate has no black hole; use an exact engine (tabulated or direct)');
    if (g.nGroups > 1) throw new InputError('beta_groups', 'the surrogate has one beta_z; use an exact engine (tabulated or direct)');
    if (s.halo) throw new InputError('halo', `${s.halo} needs an exact engine (the surrogate's training domain has no dark halo)`);
    if ((s.align ?? 'cyl') !== 'cyl') throw new InputError('align', 'the surrogate is cylindrically aligned; use the direct engine for sph');
  },
  grid(g) {
    const { surrogate, galaxy } = read(g);
    const s = g.spec;
    // Inside the inner ring: with a PSF or pixel a bin's value is an integral over its
    // footprint, whose few points inside 0.02 R_e take the innermost ring (a negligible part of
    // the weight for any PSF wider than 0.02 R_e), so it is kept; without them the bin is a
    // point value the grid does not reach, and it is excluded, like the exact grid's centre bins.
    const grid = surrogateGridArcsec(surrogate, galaxy.reArcsec);
    const rMax = Math.exp(grid.lnRad[grid.lnRad.length - 1]);
    const integrate = g.psf !== null || g.pixsize > 0;
    const excluded = integrate ? outsidePolarGrid(grid, s.x, s.y).filter((i) => Math.hypot(s.x[i], s.y[i]) > rMax) : outsidePolarGrid(grid, s.x, s.y);
    if (excluded.length === s.x.length) throw new InputError(s.source, `every bin lies outside the surrogate's grid (${surrogate.manifest.grid.rMin}..${surrogate.manifest.grid.rMax} R_e, R_e = ${galaxy.reArcsec.toPrecision(4)}"); check the units (arcsec) or fit with an exact engine`);
    return { grid, excluded };
  },
  fingerprint: () => null,
  prepare: (c) => read(c),
  model: (c, p) => ({ kind: 'binned', model: surrogateBinnedModel(p.surrogate, p.galaxy, c.op, c.spec.lightSource) }),
  batchEvaluator: (problem, shared) => surrogateEvaluator(problem, undefined, shared),
};
