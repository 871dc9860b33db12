/**
 * One fit's problem, from a plain JSON-serialisable spec (the bins in the galaxy frame, the light
 * MGE, PSF, distance, mass model, priors): the polar grid, the operator W, the grid model, the
 * likelihood, the prior and the log-posterior the sampler calls. `buildFitProblem` is a pure
 * function of the spec, so the main thread and every worker of the pool build the same problem
 * from the same spec (src/fit/fit-worker.ts); nothing but the spec crosses threads.
 *
 * Grid (the per-galaxy polar grid W is built on, arcsec): exactly the grid jamVrms2 uses for the
 * same bins and light (src/jam/jam.ts): with a PSF or pixel its integration grid (40 x 19 nodes
 * from step/sqrt 2 to the bins' largest elliptical radius plus the kernel reach, step =
 * min(PSF sigma)/4 or pixsize/16), so the likelihood's binned model equals jamVrms2's PSF path
 * to round-off; without them the 'polar' mode grid (20 x 10 from sqrt(1/2) of the smallest
 * non-zero bin radius to the largest), where jamVrms2 by default evaluates eq. 28 at each bin
 * ('direct') instead: the difference is the bilinear interpolation error. Measured: with the
 * PSF, max |V2/V2_jamVrms2 - 1| = 2.2e-16 on the 152 NGC 6278 bins (bench/fit-likelihood.ts)
 * and < 1e-12 on the mock (test/likelihoods/fit-likelihood.test.ts); without it, 0.27% max in
 * V_rms against the direct eq. 28 on the 42-bin mock (same test).
 *
 * Bins outside the grid: without PSF and pixel, bins at the exact centre (inside the innermost
 * ring, where a log-radius grid has no node) are excluded; with a PSF the grid reaches every
 * bin's kernel by construction and none is. A fixed external grid (the surrogate's) would exclude
 * the bins beyond its outer ring the same way. Excluded bins are reported (`excluded`).
 *
 * Noise (likelihoods/systematics.ts): `systematics`, `likelihood`, `nu`, `sysRange`; absent
 * means the formal errors and a Gaussian (the CLI's default, 'fraction', is set by prepareFit).
 * A sampled term is the prior's last column (withNoisePrior). `clipped` (indices into the spec's
 * bins, set by the outlier clipping, src/fit/clip.ts) are left out of the likelihood but keep
 * their model, so the clipping and the posterior predictive check see their residuals.
 */
import { createHash } from 'node:crypto';
import { InputError } from '../../core/errors.ts';
import { Rng } from '../../samplers/rng.ts';
import { newGridParams, type GridModel, type GridParams, type MassModel } from '../../likelihoods/grid-model.ts';
import { fitPrior, type IncPrior } from '../../likelihoods/fit-prior.ts';
import { logPosterior, type LogDensity } from '../../likelihoods/posterior.ts';
import { binnedLikelihood, gridLikelihood, type GridLikelihood, type MlMode } from '../../likelihoods/vrms-grid.ts';
import type { SurrogateBinnedModel } from '../../likelihoods/surrogate-model.ts';
import { noiseModel, withNoisePrior, type LikelihoodKind, type NoiseModel, type NoisePrior, type Systematics } from '../../likelihoods/systematics.ts';
import { checkVrmsData } from '../../likelihoods/vrms-gaussian.ts';
import type { Engine, EngineContext, EngineGalaxy } from '../engines/engine.ts';
import { ENGINE_NAMES, type EngineName } from '../engines/names.ts';
import { engineNamed } from '../engines/registry.ts';
import { surrogateEngine } from '../engines/surrogate.ts';
import type { TabulatedTable } from '../engines/tabulated/model.ts';
import { buildGridToBins, buildGridToBinsOdd, checkPoints, type GridToBins } from '../operator/grid-to-bins.ts';
import { defaultRaRange, withLogisticPrior } from '../../likelihoods/beta-profile.ts';
import { checkMomentsData, KAPPA_RANGE, vSigmaLikelihood, withKappaPrior } from '../../likelihoods/v-sigma.ts';
import type { PolarGrid } from '../operator/polar-grid.ts';
import { checkPsf, type Psf } from '../operator/psf.ts';
import type { HaloKind } from '../photometry/halo.ts';
import { checkMge } from '../photometry/mge.ts';

/** Everything a fit's likelihood and prior depend on (JSON-serialisable; sent to each worker once). */
export interface FitSpec {
  /** Used bins in the galaxy frame (arcsec; x on the major axis), V_rms and error (km/s). */
  x: number[];
  y: number[];
  vrms: number[];
  err: number[];
  /** Where the bins came from (named in errors). */
  source: string;
  light: { surf: number[]; sigma: number[]; qobs: number[] };
  lightSource: string;
  distanceMpc: number;
  massModel: MassModel;
  mbh: number;
  psf: Psf | null;
  pixsize: number;
  mlMode: MlMode;
  incPrior: IncPrior;
  ranges: {
    beta_z?: [number, number];
    q_m?: [number, number];
    inc_deg?: [number, number];
    ml?: [number, number];
    f_dm?: [number, number];
    log10_rs?: [number, number];
    gamma?: [number, number];
  };
  /** Dark halo in the mass (exact JAM only; default none, which is also what an absent field means). */
  halo?: HaloKind;
  /** Gauss-Legendre nodes of the JAM integral (default 48). */
  nodes?: number;
  /**
   * Where the grid values come from: the exact JAM, or the surrogate (default for 'qm' in the
   * CLI). Absent = 'exact' (specs written before the surrogate existed).
   */
  engine?: EngineName | 'exact';
  /**
   * Anisotropy groups: increasing radii (arcsec) splitting the luminous Gaussians by their sigma
   * into groups with one beta_z each (beta_z_1 innermost); absent or empty = one beta_z.
   */
  betaGroups?: number[];
  /** Sampled black-hole mass: the range of log10(M_BH / Msun); `mbh` is then ignored. */
  mbhRange?: [number, number];
  /** The tabulated engine's interpolation tolerance (relative in V_rms^2, default 1e-5). */
  tableTol?: number;
  /** Velocity-ellipsoid alignment (default 'cyl'); 'sph' with the direct engine (the tabulated one is cylindrical). */
  align?: 'cyl' | 'sph';
  /** The exact Sérsic (n, q') when the photometry is one (the surrogate's features); else null. */
  sersic?: { n: number; qobs: number } | null;
  /** Surrogate model folder (default: the shipped fixtures/surrogate). */
  surrogateDir?: string;
  /** Multi-component surrogate: exact anchor maps per galaxy (src/surrogate/mfl/anchors.ts; 0 none, default MFL_ANCHORS). */
  anchors?: number;
  /** Noise model (default 'none' and 'gaussian'; see the module header). */
  systematics?: Systematics;
  likelihood?: LikelihoodKind;
  nu?: number;
  sysRange?: [number, number];
  /** Bins (indices into x, y, ...) left out of the likelihood by the outlier clipping. */
  clipped?: number[];
  /**
   * What is fitted: 'vrms' (absent: V_rms) or 'v-sigma' (V and sigma together with kappa sampled,
   * likelihoods/v-sigma.ts; the direct engine, cylindrical alignment, M/L sampled). With 'v-sigma'
   * the bins' V, sigma and errors (km/s, V with the systemic velocity removed) are `v`, `vErr`,
   * `sigma`, `sigmaErr`, and kappa's uniform prior is `kappaRange` (default KAPPA_RANGE). With
   * `kappaGroups` (v-sigma and `betaGroups` only) each anisotropy group has its own kappa,
   * kappa_1..kappa_G, each with that prior.
   */
  moments?: 'vrms' | 'v-sigma';
  v?: number[];
  vErr?: number[];
  sigma?: number[];
  sigmaErr?: number[];
  kappaRange?: [number, number];
  kappaGroups?: boolean;
  /**
   * Anisotropy profile: absent = one constant beta (or beta groups); 'logistic' = the profile of
   * Simon, Cappellari & Hartke 2024 per luminous Gaussian (src/jam/anisotropy-profile.ts,
   * likelihoods/beta-profile.ts; direct engine, align 'sph'), r_a's range `raRange` in arcsec
   * (default the MGE's sigma range).
   */
  betaProfile?: 'logistic';
  raRange?: [number, number];
}

export interface FitProblem {
  spec: FitSpec;
  names: string[];
  /** The prior over every column, the noise term (when sampled) last. */
  prior: NoisePrior;
  grid: PolarGrid;
  op: GridToBins;
  /** The exact JAM's grid model (the direct engine; null otherwise). */
  model: GridModel | null;
  /** The engine that made the problem's binned model ('direct' for the exact JAM at every call). */
  engine: EngineName;
  /** The tabulated engine's table (null with the other engines). */
  table: TabulatedTable | null;
  /** The engine's per-galaxy preparation (the table, the CNN reading; null for direct). */
  prepared: unknown;
  /** The surrogate's binned model (null with the exact JAM): the batched evaluator drives it. */
  surrogate: SurrogateBinnedModel | null;
  /** One line naming the model, for logs. */
  modelLabel: string;
  like: GridLikelihood;
  noise: NoiseModel;
  /** Indices (into spec's bins) of the bins excluded as outside the grid. */
  excluded: number[];
  /** Indices of the bins used (the complement of excluded), in order; the model's bins. */
  used: number[];
  /** Positions in `used` of the bins in the likelihood (used minus clipped), increasing. */
  active: number[];
  /** log posterior for the sampler; blob = [chi2, ml]. */
  logProb: LogDensity;
  /** Blob names of logProb. */
  blobs: string[];
}

/**
 * Builds the problem; validates the spec (bins, light, PSF, priors). Pure and deterministic.
 * @throws InputError naming the option, file or bin.
 */
/**
 * The first half of buildFitProblem: the checked galaxy, the engine's checks, the prior without
 * the noise term, the grid, the used bins and W: what an engine's preparation needs.
 */
function problemContext(spec: FitSpec, engine: Engine<any>) {
  const { galaxy, basePrior, grid, excluded } = engineSetup(spec, engine);
  const { light, psf, pixsize } = galaxy;
  const integrate = psf !== null || pixsize > 0;
  const ex = new Set(excluded);
  const used = spec.x.map((_, i) => i).filter((i) => !ex.has(i));
  const pick = (a: number[]) => used.map((i) => a[i]);
  const data = checkVrmsData(pick(spec.vrms), pick(spec.err), spec.source);
  const op = buildGridToBins({ grid, x: pick(spec.x), y: pick(spec.y), psf: psf ?? undefined, pixsize, light: integrate ? light : undefined });
  const ctx: EngineContext = { ...galaxy, grid, op, prior: basePrior };
  return { ctx, data, used, excluded };
}

/** The checked galaxy, the engine's checks, its noise-free prior and its grid: everything before W. */
function engineSetup(spec: FitSpec, engine: Engine<any>) {
  checkPoints(spec.x, spec.y);
  checkVrmsData(spec.vrms, spec.err, spec.source); // checks before anything is built on them
  const light = checkMge(spec.light, spec.lightSource);
  const psf = spec.psf ? checkPsf(spec.psf) : null;
  const pixsize = spec.pixsize;
  if (!(typeof pixsize === 'number' && Number.isFinite(pixsize) && pixsize >= 0)) throw new InputError('pixsize', `is ${pixsize}; give the pixel side in arcsec, >= 0`);
  const groupRadii = spec.betaGroups ?? [];
  const group = anisotropyGroups(light, groupRadii);
  const galaxy: EngineGalaxy = { spec, light, psf, pixsize, group, nGroups: groupRadii.length + 1 };
  engine.check(galaxy);
  const basePrior = fitPrior({
    limits: engine.limits,
    betaGroups: galaxy.nGroups,
    log10Mbh: spec.mbhRange,
    massModel: spec.massModel,
    mlMode: spec.mlMode,
    incPrior: spec.incPrior,
    betaZ: spec.ranges.beta_z,
    qM: spec.ranges.q_m,
    incDeg: spec.ranges.inc_deg,
    ml: spec.ranges.ml,
    light,
    lightSource: spec.lightSource,
    halo: spec.halo,
    fDm: spec.ranges.f_dm,
    log10Rs: spec.ranges.log10_rs,
    gamma: spec.ranges.gamma,
  });
  const { grid, excluded } = engine.grid(galaxy);
  return { galaxy, basePrior, grid, excluded };
}

/**
 * The share of the prior the problem's engine refuses inside it (Engine.limitsOf: the
 * multi-component surrogate's collapse limit), over `draws` prior draws of a fixed seed, and the
 * limit that refuses most; { share: 0, limit: null } for an engine without such limits.
 * `--engine auto` does not keep an engine that cuts its prior (src/fit/fit-options.ts).
 */
export function engineCut(problem: FitProblem, draws = 2000): { share: number; limit: string | null } {
  const limits = engineOf(problem.spec).limitsOf?.(problem.prepared) ?? [];
  if (limits.length === 0) return { share: 0, limit: null };
  const rng = new Rng('jamfit-engine-cut');
  const cut = new Array<number>(limits.length).fill(0);
  let any = 0;
  for (let i = 0; i < draws; i++) {
    const p = problem.prior.unpack(problem.prior.draw(rng));
    let hit = false;
    limits.forEach((l, j) => {
      if (!(l.slack(p) >= 0)) {
        cut[j]++;
        hit = true;
      }
    });
    if (hit) any++;
  }
  const j = cut.indexOf(Math.max(...cut));
  return { share: any / draws, limit: any > 0 ? limits[j].name : null };
}

/**
 * Why `--engine auto` should not fit this spec with its engine (null: it may), in one line naming
 * the measure: the engine cannot model the spec or its prior (its InputError), its grid leaves
 * bins out that an exact engine would fit, or the galaxy lies outside what the engine was built
 * for (Engine.outside: the multi-component surrogate's training family). Costs the engine's
 * checks and its domain test, not its preparation.
 */
export function autoRefusal(spec: FitSpec): string | null {
  const engine = engineOf(spec);
  try {
    const { galaxy, excluded } = engineSetup(spec, engine);
    if (excluded.length > 0) return `${excluded.length} of ${spec.x.length} bins lie outside the ${engine.name} engine's grid`;
    return engine.outside?.(galaxy) ?? null;
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  }
}

export function buildFitProblem(spec: FitSpec, opts: BuildOptions = {}): FitProblem {
  const engine = opts.engine ?? engineOf(spec);
  const { ctx, data, used, excluded } = problemContext(spec, engine);
  const { grid, op, prior: basePrior } = ctx;
  const prepared = opts.prepared !== undefined ? opts.prepared : preparedFor(engine, ctx, opts.onProgress);
  const em = engine.model(ctx, prepared);
  const clip = new Set(spec.clipped ?? []);
  for (const i of clip) if (!(Number.isInteger(i) && i >= 0 && i < spec.x.length)) throw new InputError('clipped', `bin index ${i} is outside 0..${spec.x.length - 1}`);
  const active = used.map((_, k) => k).filter((k) => !clip.has(used[k]));
  if (active.length === 0) throw new InputError('clip', `clipping left no bin in the likelihood (all ${used.length} are beyond the threshold); raise the threshold`);
  const vSigma = (spec.moments ?? 'vrms') === 'v-sigma';
  if (!vSigma && spec.moments !== undefined && spec.moments !== 'vrms') throw new InputError('moments', `is ${JSON.stringify(spec.moments)}; use vrms or v-sigma`);
  if (!vSigma && spec.kappaRange !== undefined) throw new InputError('kappa_range', 'applies only to moments v-sigma (kappa is the rotation of the mean velocity V, which a V_rms fit does not see)');
  if (spec.kappaGroups !== undefined && typeof spec.kappaGroups !== 'boolean') throw new InputError('kappa_groups', `is ${JSON.stringify(spec.kappaGroups)}; give true or false`);
  if (spec.kappaGroups && !vSigma) throw new InputError('kappa_groups', 'applies only to moments v-sigma (kappa is the rotation of the mean velocity V, which a V_rms fit does not see)');
  if (spec.kappaGroups && ctx.nGroups === 1) throw new InputError('kappa_groups', 'needs anisotropy groups (beta_groups): one kappa per group, and there is one group');
  // V and sigma: 2 values per bin (the 'mitzkus' inflation counts them).
  const noise = noiseModel({ systematics: spec.systematics ?? 'none', likelihood: spec.likelihood ?? 'gaussian', nu: spec.nu, range: spec.sysRange }, (vSigma ? 2 : 1) * active.length);
  let like: GridLikelihood;
  let prior: NoisePrior;
  let shapePrior = basePrior;
  if (spec.betaProfile !== undefined) {
    if (spec.betaProfile !== 'logistic') throw new InputError('beta_profile', `is ${JSON.stringify(spec.betaProfile)}; use constant or logistic`);
    if (engine.name !== 'direct') throw new InputError('beta_profile', `logistic needs the direct exact JAM (the ${engine.name} engine has one beta per group); use --engine direct`);
    if ((spec.align ?? 'cyl') !== 'sph') throw new InputError('beta_profile', 'logistic is the anisotropy profile Simon, Cappellari & Hartke (2024) use with the spherically aligned JAM; add --align sph');
    shapePrior = withLogisticPrior(basePrior, spec.raRange ?? defaultRaRange(ctx.light.sigma));
  } else if (spec.raRange !== undefined) throw new InputError('ra_range', 'applies only to the logistic anisotropy profile (--beta-profile logistic)');
  if (vSigma) {
    if (engine.name !== 'direct' || em.kind !== 'grid') throw new InputError('moments', `v-sigma needs the direct exact JAM (the first moment is not tabulated), not the ${engine.name} engine; use --engine direct`);
    if ((spec.align ?? 'cyl') !== 'cyl') throw new InputError('moments', 'v-sigma needs the cylindrically aligned JAM (the first moment with kappa is that of Cappellari 2008); use --align cyl');
    if (spec.mlMode !== 'sample') throw new InputError('ml_mode', `${spec.mlMode} solves M/L analytically for V_rms alone; with moments v-sigma use --ml-mode sample`);
    if (!spec.v || !spec.vErr || !spec.sigma || !spec.sigmaErr) throw new InputError('moments', `v-sigma needs V and sigma with errors for every bin; ${spec.source} gives V_rms only (give v, v_err, sigma, sigma_err columns)`);
    const pick = (a: number[]) => used.map((i) => a[i]);
    const md = checkMomentsData(pick(spec.v), pick(spec.vErr), pick(spec.sigma), pick(spec.sigmaErr), spec.source);
    const integrate = ctx.psf !== null || ctx.pixsize > 0;
    const opOdd = buildGridToBinsOdd({ grid, x: used.map((i) => spec.x[i]), y: used.map((i) => spec.y[i]), psf: ctx.psf ?? undefined, pixsize: ctx.pixsize, light: integrate ? ctx.light : undefined });
    prior = withNoisePrior(withKappaPrior(shapePrior, spec.kappaRange ?? KAPPA_RANGE, spec.kappaGroups ? ctx.nGroups : 1), noise);
    like = vSigmaLikelihood(md, op, opOdd, em.model, noise, active);
  } else {
    prior = withNoisePrior(shapePrior, noise);
    like = em.kind === 'grid' ? gridLikelihood(data, op, em.model, spec.mlMode, { noise, active }) : binnedLikelihood(data, em.model, spec.mlMode, { noise, active });
  }
  const p: GridParams = newGridParams();
  const logLike: LogDensity = (x, blob) => {
    const r = like.evaluate(prior.unpack(x, p), prior.noiseValue(x));
    blob[0] = r.chi2;
    blob[1] = r.ml;
    return r.logL;
  };
  return {
    spec, names: prior.names, prior, grid, op, engine: engine.name as EngineName, prepared,
    model: em.kind === 'grid' ? em.model : null,
    table: engine.table ? engine.table(prepared) : null,
    surrogate: engine === surrogateEngine ? (em.model as SurrogateBinnedModel) : null,
    modelLabel: em.model.label, like, noise, excluded, used, active, logProb: logPosterior(prior.logPrior, logLike), blobs: ['chi2', 'ml'],
  };
}

export interface BuildOptions {
  /** The engine (default: the built-in one spec.engine names); any Engine object works. */
  engine?: Engine<any>;
  /** The engine's preparation, when the caller has it (read back from a run folder). */
  prepared?: unknown;
  /** Progress of the preparation (done, planned). */
  onProgress?: (done: number, planned: number) => void;
}

/** The built-in engine a spec names ('exact' and absent mean direct). */
export function engineOf(spec: FitSpec): Engine<any> {
  const name = spec.engine === undefined || spec.engine === 'exact' ? 'direct' : spec.engine;
  const e = engineNamed(name, spec.massModel);
  if (!e) throw new InputError('engine', `is ${JSON.stringify(spec.engine)}; use ${ENGINE_NAMES.join(', ')}`);
  return e;
}

/** sha256 of an engine's fingerprint of a spec (what its preparation depends on), or null. */
export function preparationFingerprint(engine: Engine<any>, spec: FitSpec): string | null {
  const f = engine.fingerprint(spec);
  return f === null ? null : createHash('sha256').update(JSON.stringify([engine.name, f])).digest('hex');
}

const preparations = new Map<string, unknown>();

/**
 * Keeps the 4 most recent preparations: a fit needs one (its clipping rounds and self-check reuse
 * it), and a batch worker fits thousands of galaxies in turn, whose tables must not pile up.
 */
function remember(key: string, p: unknown): void {
  preparations.delete(key);
  preparations.set(key, p);
  while (preparations.size > 4) preparations.delete(preparations.keys().next().value!);
}

/** An engine's preparation, once per process per fingerprint (clipping rounds rebuild the problem, not the table). */
function preparedFor(engine: Engine<any>, ctx: EngineContext, onProgress?: (done: number, planned: number) => void): unknown {
  const key = preparationFingerprint(engine, ctx.spec);
  if (key === null) return engine.prepare(ctx, onProgress);
  if (!preparations.has(key)) remember(key, engine.prepare(ctx, onProgress));
  return preparations.get(key);
}

/**
 * The engine's preparation for a spec over `workers` threads (engines with prepareParallel; the
 * others prepare in this thread), remembered for the buildFitProblem calls that follow.
 */
export async function prepareInParallel(spec: FitSpec, workers: number, onProgress?: (done: number, planned: number) => void): Promise<unknown> {
  const engine = engineOf(spec);
  const { ctx } = problemContext(spec, engine);
  const p = engine.prepareParallel && workers > 1 ? await engine.prepareParallel(ctx, workers, onProgress) : engine.prepare(ctx, onProgress);
  rememberPreparation(engine, spec, p);
  return p;
}

/** Registers a preparation made (or read back) elsewhere under its spec's fingerprint. */
export function rememberPreparation(engine: Engine<any>, spec: FitSpec, prepared: unknown): void {
  const key = preparationFingerprint(engine, spec);
  if (key !== null) remember(key, prepared);
}

/**
 * Anisotropy group of each luminous Gaussian: the number of radii below its sigma (so group 0
 * holds the Gaussians with sigma <= radii[0]).
 * @throws InputError naming beta_groups for radii that are not finite, positive and increasing,
 *   or a group that receives no Gaussian.
 */
export function anisotropyGroups(light: { sigma: ArrayLike<number> }, radii: readonly number[]): Int32Array {
  for (let r = 0; r < radii.length; r++) {
    if (!(Number.isFinite(radii[r]) && radii[r] > 0 && (r === 0 || radii[r] > radii[r - 1]))) {
      throw new InputError('beta_groups', `is [${radii.join(', ')}]; give increasing radii in arcsec, > 0`);
    }
  }
  const group = Int32Array.from(light.sigma, (sg) => radii.filter((r) => sg > r).length);
  for (let g = 0; g <= radii.length; g++) {
    if (!group.includes(g)) {
      throw new InputError('beta_groups', `group ${g + 1} (sigma ${g === 0 ? '<=' : `in (${radii[g - 1]},`} ${g < radii.length ? radii[g] : 'inf'}${g === 0 ? '' : ']'}") holds none of the light's Gaussians (sigma ${Array.from(light.sigma, (v) => +v.toPrecision(3)).join(', ')}"); move the radii`);
    }
  }
  return group;
}

export { cachedSurrogate } from '../engines/surrogate.ts';
