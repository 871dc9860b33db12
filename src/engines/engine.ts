/**
 * The engine interface: where a fit's V_rms^2 come from. An engine is one object (the surrogate,
 * the tabulated exact JAM, the direct exact JAM, or one a library user writes) that
 *  - states what it can model (`check`: a one-line InputError naming the spec field otherwise)
 *    and the prior limits it supports (`limits`: the surrogate's training domain, or physics);
 *  - chooses the node grid its values live on (`grid`; the likelihood's operator W is built on it);
 *  - prepares the galaxy once (`prepare`: the CNN pass, the table build), a result the fit caches
 *    by `fingerprint` (in memory across clipping rounds, and in the run folder where `store`
 *    says how, so that a killed fit resumes without preparing again);
 *  - gives the model the likelihood evaluates: grid values (W applied by the likelihood) or binned
 *    values (W applied inside, as the surrogate's fused network and the tabulated maps do).
 * buildFitProblem (src/fit/fit-problem.ts) drives these steps in this order for every engine.
 */
import type { TrainingDomain } from '../surrogate/domain.ts';
import type { PolarGrid } from '../operator/polar-grid.ts';
import type { GridToBins } from '../operator/grid-to-bins.ts';
import type { CheckedPsf } from '../operator/psf.ts';
import type { FitPrior } from '../../likelihoods/fit-prior.ts';
import type { GridModel, GridParams, HaloRanges } from '../../likelihoods/grid-model.ts';
import type { BinnedModel } from '../../likelihoods/vrms-grid.ts';
import type { FitProblem, FitSpec } from '../fit/fit-problem.ts';
import type { Evaluator } from '../../samplers/evaluate/evaluator.ts';
import type { SharedEngine } from '../surrogate/shared-engine.ts';
import type { TabulatedTable } from './tabulated/model.ts';

/** What every engine is given about the galaxy (checked inputs). */
export interface EngineGalaxy {
  spec: FitSpec;
  light: { surf: Float64Array; sigma: Float64Array; qobs: Float64Array };
  psf: CheckedPsf | null;
  pixsize: number;
  /** Anisotropy group of each luminous Gaussian (0..nGroups-1). */
  group: Int32Array;
  nGroups: number;
}

/** The galaxy with its grid, operator and (noise-free) prior: what prepare and model see. */
export interface EngineContext extends EngineGalaxy {
  grid: PolarGrid;
  op: GridToBins;
  prior: FitPrior;
}

/** The prior's halo ranges (log10_rs, gamma) that the halo's weights are tabulated over, or undefined without a halo. */
export function haloRangesOf(prior: FitPrior): HaloRanges | undefined {
  const r = (n: string): [number, number] | undefined => {
    const k = prior.names.indexOf(n);
    return k < 0 ? undefined : [prior.lo[k], prior.hi[k]];
  };
  const log10Rs = r('log10_rs');
  return log10Rs ? { log10Rs, gamma: r('gamma') } : undefined;
}

/** A limit an engine imposes inside the prior (Engine.limitsOf). */
export interface EngineLimit {
  name: string;
  slack(p: GridParams): number;
  /** What to do about a posterior at the limit (one clause). */
  fix: string;
}

/** The likelihood's model: grid values, or binned values. */
export type EngineModel = { kind: 'grid'; model: GridModel } | { kind: 'binned'; model: BinnedModel & { readonly label: string } };

export interface Engine<P = unknown> {
  readonly name: string;
  /** Prior limits (undefined: the surrogate's training domain). */
  readonly limits?: TrainingDomain;
  /** @throws InputError naming the spec field (mass_model, mbh, halo, beta_groups, align, ...) it cannot model. */
  check(g: EngineGalaxy): void;
  /**
   * Why the galaxy lies outside what the engine was built for, in one line naming the measure
   * (null or absent: inside). `--engine auto` then picks an exact engine (src/fit/fit-problem.ts
   * autoRefusal); an explicit choice of the engine is refused by `prepare` instead.
   */
  outside?(g: EngineGalaxy): string | null;
  /** The node grid (arcsec) and the bins (indices into spec's) outside it. @throws InputError when every bin is. */
  grid(g: EngineGalaxy): { grid: PolarGrid; excluded: number[] };
  /** Everything the preparation depends on, a function of the spec (hashed by the caller; null: nothing to prepare). */
  fingerprint(spec: FitSpec): unknown;
  /** How a preparation is kept in a run folder (absent: it is not stored). */
  readonly store?: { write(dir: string, fingerprint: string, p: P): void; read(dir: string, fingerprint: string): P | null };
  /** The per-galaxy preparation (called once per fingerprint; `onProgress(done, planned)`). */
  prepare(c: EngineContext, onProgress?: (done: number, planned: number) => void): P;
  /** The same preparation over `workers` threads, when the engine can spread it (optional). */
  prepareParallel?(c: EngineContext, workers: number, onProgress?: (done: number, planned: number) => void): Promise<P>;
  model(c: EngineContext, prepared: P): EngineModel;
  /**
   * Limits the engine imposes inside the prior, which it refuses parameters beyond (the
   * multi-component surrogate's collapse limit of beta_z): a name, the slack of a parameter
   * point (> 0 inside, in beta_z units) and what to do when a posterior piles up against it. The
   * fit warns as for the prior's joint constraints (src/fit/fit-warnings.ts).
   */
  limitsOf?(prepared: P): EngineLimit[];
  /** The inclination table a preparation holds (reported in the fit's summary), when it has one. */
  table?(prepared: P): TabulatedTable;
  /**
   * A batched evaluator of the problem's log posterior for the sampler (optional: without one the
   * sampler calls the problem's logProb per walker, or in worker threads). The surrogate's runs
   * each half-ensemble as one network call; `prefetch` evaluates positions ahead of their
   * per-walker use (start draws, posterior predictive check, self-check), and `shared` is the
   * network call shared between galaxies (jamfit batch --lockstep).
   */
  batchEvaluator?(problem: FitProblem, shared?: SharedEngine): Promise<Evaluator & { prefetch(xs: readonly ArrayLike<number>[]): Promise<void> }>;
}
