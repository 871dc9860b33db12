/**
 * `--engine auto|surrogate|tabulated|direct` (and the older `--exact`) to one engine for a galaxy.
 * auto: the surrogate where a network can hold the model (one beta_z, cylindrical alignment, no
 * black hole or halo): the Sérsic surrogate for the qm mass model, the multi-component one for
 * mass following the light; else the exact engine: tabulated for mass following the light (any
 * black hole, halo, groups; either alignment), direct otherwise (qm). For mass following the
 * light the choice is provisional: the caller asks the surrogate whether the galaxy lies inside
 * its training family with every bin on its grid (src/fit/fit-problem.ts autoRefusal) and, once
 * prepared, whether its collapse limit cuts the prior (engineCut), and falls back to the
 * tabulated engine with a one-line note when it does not (src/fit/fit-options.ts).
 * --engine tabulated also takes qm without a halo, cylindrically aligned (a 2-D table; see
 * exactEngineFor). `--exact` means the exact engine auto would pick for an exact fit.
 */
import { InputError } from '../../core/errors.ts';
import { ENGINE_NAMES, type EngineName } from './names.ts';

export interface EngineNeeds {
  massModel: 'qm' | 'light';
  halo: 'none' | 'nfw' | 'gnfw';
  /** A fixed black hole (> 0) or a sampled one. */
  blackHole: boolean;
  /** More than one anisotropy group. */
  groups: boolean;
  /** Velocity-ellipsoid alignment (default cyl); sph: the exact engines, qm on the direct one. */
  align?: 'cyl' | 'sph';
}

/**
 * The exact engine for a model: tabulated for mass following the light (either alignment; sph is a
 * table in inclination and beta), else direct. The
 * qm model's 2-D table (inclination x q_M) costs thousands of exact basis maps to build (minutes),
 * more than a short chain spends on the direct engine, so it is used when asked for
 * (--engine tabulated), not picked.
 */
export function exactEngineFor(n: EngineNeeds): EngineName {
  return n.massModel === 'light' ? 'tabulated' : 'direct';
}

/**
 * Resolves the engine option. `requested` is the --engine value (undefined = auto).
 * @throws InputError naming --engine for an unknown name, or the option the engine cannot model
 *   (--mass-model, --halo, --mbh/--mbh-range, --beta-groups).
 */
export function chooseEngine(requested: string | undefined, exact: boolean, n: EngineNeeds): EngineName {
  const r = requested ?? 'auto';
  if (r !== 'auto' && !(ENGINE_NAMES as readonly string[]).includes(r)) throw new InputError('engine', `is '${r}'; use auto, ${ENGINE_NAMES.join(', ')}`);
  if (exact && r === 'surrogate') throw new InputError('exact', 'asks for an exact engine but --engine is surrogate; drop one of them');
  const surrogateOk = n.halo === 'none' && !n.blackHole && !n.groups && n.align !== 'sph';
  const engine: EngineName = r !== 'auto' ? (r as EngineName) : exact || !surrogateOk ? exactEngineFor(n) : 'surrogate';
  if (engine === 'surrogate') {
    if (n.halo !== 'none') throw new InputError('halo', `${n.halo} needs an exact engine (the surrogate's training domain has no dark halo); use --engine tabulated (mass follows light) or direct`);
    if (n.blackHole) throw new InputError('mbh', 'the surrogate has no black hole; use --engine tabulated (mass follows light) or direct');
    if (n.groups) throw new InputError('beta_groups', 'the surrogate has one beta_z; use --engine tabulated (mass follows light) or direct');
  }
  if (engine === 'surrogate' && n.align === 'sph') throw new InputError('align', 'sph needs an exact engine (the surrogate is cylindrically aligned); use --engine auto, tabulated or direct');
  if (engine === 'tabulated' && n.align === 'sph' && n.massModel === 'qm') throw new InputError('mass_model', 'qm with --align sph is computed by the direct engine only (it would need a 3-D table: inclination, q_M, beta); use --mass-model light or --engine direct');
  if (engine === 'tabulated' && n.massModel === 'qm' && n.halo !== 'none') throw new InputError('engine', 'tabulated does not tabulate the qm mass model with a halo (its halo is normalised on the light); use --engine direct or --mass-model light');
  return engine;
}
