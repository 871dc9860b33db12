/**
 * One fit's problem, from a plain JSON-serialisable spec (the bins in the galaxy frame, the light
 * MGE, PSF, distance, mass model, priors): the polar grid, the operator W, the grid model, the
 * likelihood, the prior and the log-posterior the sampler calls. `buildFitProblem` is a pure
 * function of the spec, so the main thread and every worker of the pool build the same problem
 * from the same spec (src/run/fit-worker.ts); nothing but the spec crosses threads.
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
 * bins, set by the outlier clipping, src/run/clip.ts) are left out of the likelihood but keep
 * their model, so the clipping and the posterior predictive check see their residuals.
 */
import { newGridParams } from '../../likelihoods/grid-model.ts';
import { InputError } from '../../core/errors.ts';
import { exactJamGridModel, type GridModel, type GridParams, type MassModel } from '../../likelihoods/grid-model.ts';
import { EXACT_LIMITS, fitPrior, type IncPrior } from '../../likelihoods/fit-prior.ts';
import { createHash } from 'node:crypto';
import { buildTabulatedTable, tabulatedBinnedModel, type TabulatedModel, type TabulatedSpec, type TabulatedTable } from '../engines/tabulated/model.ts';
import { ENGINE_NAMES, type EngineName } from '../engines/names.ts';
import { logPosterior, type LogDensity } from '../../likelihoods/posterior.ts';
import { binnedLikelihood, gridLikelihood, type GridLikelihood, type MlMode } from '../../likelihoods/vrms-grid.ts';
import { surrogateBinnedModel, type SurrogateBinnedModel } from '../../likelihoods/surrogate-model.ts';
import { surrogateGalaxy, surrogateGridArcsec } from '../surrogate/galaxy.ts';
import { loadSurrogate, SHIPPED_DIR, type Surrogate } from '../surrogate/model-files.ts';
import { noiseModel, withNoisePrior, type LikelihoodKind, type NoiseModel, type NoisePrior, type Systematics } from '../../likelihoods/systematics.ts';
import { checkVrmsData } from '../../likelihoods/vrms-gaussian.ts';
import { integrationPolarGrid, pointsMedianQ, pointsPolarGrid } from '../jam/jam.ts';
import { buildGridToBins, checkPoints, defaultStep, type GridToBins } from '../operator/grid-to-bins.ts';
import { outsidePolarGrid, type PolarGrid } from '../operator/polar-grid.ts';
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
  /** Velocity-ellipsoid alignment (default 'cyl'); 'sph' with the direct engine only. */
  align?: 'cyl' | 'sph';
  /** The exact Sérsic (n, q') when the photometry is one (the surrogate's features); else null. */
  sersic?: { n: number; qobs: number } | null;
  /** Surrogate model folder (default: the shipped fixtures/surrogate). */
  surrogateDir?: string;
  /** Noise model (default 'none' and 'gaussian'; see the module header). */
  systematics?: Systematics;
  likelihood?: LikelihoodKind;
  nu?: number;
  sysRange?: [number, number];
  /** Bins (indices into x, y, ...) left out of the likelihood by the outlier clipping. */
  clipped?: number[];
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
export function buildFitProblem(spec: FitSpec, prepared: { table?: TabulatedTable; onTableProgress?: (done: number, planned: number) => void } = {}): FitProblem {
  checkPoints(spec.x, spec.y);
  checkVrmsData(spec.vrms, spec.err, spec.source); // checks before anything is built on them
  const light = checkMge(spec.light, spec.lightSource);
  const psf = spec.psf ? checkPsf(spec.psf) : null;
  const pixsize = spec.pixsize;
  if (!(typeof pixsize === 'number' && Number.isFinite(pixsize) && pixsize >= 0)) throw new InputError('--pixsize', `is ${pixsize}; give the pixel side in arcsec, >= 0`);
  const engine: EngineName = spec.engine === undefined || spec.engine === 'exact' ? 'direct' : spec.engine;
  if (!ENGINE_NAMES.includes(engine)) throw new InputError('engine', `is ${JSON.stringify(spec.engine)}; use ${ENGINE_NAMES.join(', ')}`);
  const exactEngine = engine !== 'surrogate';
  const align = spec.align ?? 'cyl';
  if (align !== 'cyl' && align !== 'sph') throw new InputError('align', `is ${JSON.stringify(spec.align)}; use cyl or sph`);
  if (align === 'sph' && engine !== 'direct') throw new InputError('align', `sph is computed by the direct engine only (the ${engine} engine is cylindrically aligned)`);
  const groupRadii = spec.betaGroups ?? [];
  const group = anisotropyGroups(light, groupRadii);
  const nGroups = groupRadii.length + 1;
  if (!exactEngine && nGroups > 1) throw new InputError('beta_groups', 'the surrogate has one beta_z; use an exact engine (tabulated or direct)');
  if (!exactEngine && spec.mbhRange) throw new InputError('mbh_range', 'the surrogate has no black hole; use an exact engine (tabulated or direct)');
  const basePrior = fitPrior({
    limits: exactEngine ? EXACT_LIMITS : undefined,
    betaGroups: nGroups,
    log10Mbh: spec.mbhRange,
    massModel: spec.massModel,
    mlMode: spec.mlMode,
    inc: spec.incPrior,
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
  const integrate = psf !== null || pixsize > 0;
  let grid: PolarGrid;
  let excluded: number[] = [];
  let sg: ReturnType<typeof surrogateGalaxy> | null = null;
  let sur: Surrogate | null = null;
  if (engine === 'surrogate') {
    if (spec.massModel !== 'qm') throw new InputError('mass_model', `${spec.massModel} is not what the surrogate was trained on (qm: the light with q' -> q_M); use an exact engine`);
    if (spec.mbh > 0) throw new InputError('mbh', 'the surrogate has no black hole; use an exact engine');
    sur = cachedSurrogate(spec.surrogateDir ?? SHIPPED_DIR);
    sg = surrogateGalaxy(sur, light, spec.sersic ?? null, spec.distanceMpc, spec.lightSource);
    // The surrogate's grid is fixed in R_e (0.02..4 R_e): bins beyond its outer ring are
    // excluded. Inside the inner ring: with a PSF or pixel a bin's value is an integral over its
    // footprint, whose few points inside 0.02 R_e take the innermost ring (a negligible part of
    // the weight for any PSF wider than 0.02 R_e), so it is kept; without them the bin is a
    // point value the grid does not reach, and it is excluded, like the exact grid's centre bins.
    grid = surrogateGridArcsec(sur, sg.reArcsec);
    const rMax = Math.exp(grid.lnRad[grid.lnRad.length - 1]);
    excluded = integrate ? outsidePolarGrid(grid, spec.x, spec.y).filter((i) => Math.hypot(spec.x[i], spec.y[i]) > rMax) : outsidePolarGrid(grid, spec.x, spec.y);
    if (excluded.length === spec.x.length) throw new InputError(spec.source, `every bin lies outside the surrogate's grid (${sur.manifest.grid.rMin}..${sur.manifest.grid.rMax} R_e, R_e = ${sg.reArcsec.toPrecision(4)}"); check the units (arcsec) or fit with --exact`);
  } else {
    const qMed = pointsMedianQ(light, spec.x);
    if (integrate) {
      grid = integrationPolarGrid(qMed, spec.x, spec.y, psf, pixsize, defaultStep(psf, pixsize), 40, 19);
    } else {
      excluded = spec.x.map((_, i) => i).filter((i) => spec.x[i] === 0 && spec.y[i] === 0);
      if (excluded.length === spec.x.length) throw new InputError(spec.source, 'every bin lies at the centre; give bins off the centre');
      grid = pointsPolarGrid(qMed, spec.x, spec.y, 20, 10);
      // Only centre bins lie inside the innermost ring of this grid (it starts at r_min / sqrt 2).
      excluded = outsidePolarGrid(grid, spec.x, spec.y);
    }
  }
  const ex = new Set(excluded);
  const used = spec.x.map((_, i) => i).filter((i) => !ex.has(i));
  const pick = (a: number[]) => used.map((i) => a[i]);
  const bx = pick(spec.x);
  const by = pick(spec.y);
  const data = checkVrmsData(pick(spec.vrms), pick(spec.err), spec.source);
  const op = buildGridToBins({ grid, x: bx, y: by, psf: psf ?? undefined, pixsize, light: integrate ? light : undefined });
  const model = engine === 'direct' ? exactJamGridModel({ light, massModel: spec.massModel, distanceMpc: spec.distanceMpc, mbh: spec.mbh, grid, nodes: spec.nodes, halo: spec.halo, group, sampledMbh: spec.mbhRange !== undefined, align }) : null;
  const surrogate = engine === 'surrogate' ? surrogateBinnedModel(sur!, sg!, op, spec.lightSource) : null;
  let table: TabulatedTable | null = null;
  let tabulated: TabulatedModel | null = null;
  if (engine === 'tabulated') {
    if (spec.massModel !== 'light') throw new InputError('mass_model', `${spec.massModel}: the tabulated engine tabulates mass-follows-light models (light); use the direct engine for qm`);
    const iInc = basePrior.names.indexOf('inc_deg');
    const iBeta = 0;
    const ts: TabulatedSpec = {
      light, distanceMpc: spec.distanceMpc, grid, op, group, nGroups, mbh: spec.mbh, sampledMbh: spec.mbhRange !== undefined, halo: spec.halo ?? 'none',
      incRange: [basePrior.lo[iInc], basePrior.hi[iInc]], betaRange: [basePrior.lo[iBeta], basePrior.hi[iBeta]], tol: spec.tableTol, nodes: spec.nodes,
    };
    table = prepared.table ?? cachedTable(spec, ts, prepared.onTableProgress);
    tabulated = tabulatedBinnedModel(ts, table);
  }
  const clip = new Set(spec.clipped ?? []);
  for (const i of clip) if (!(Number.isInteger(i) && i >= 0 && i < spec.x.length)) throw new InputError('clipped', `bin index ${i} is outside 0..${spec.x.length - 1}`);
  const active = used.map((_, k) => k).filter((k) => !clip.has(used[k]));
  if (active.length === 0) throw new InputError('--clip', `clipping left no bin in the likelihood (all ${used.length} are beyond the threshold); raise --clip`);
  const noise = noiseModel({ systematics: spec.systematics ?? 'none', likelihood: spec.likelihood ?? 'gaussian', nu: spec.nu, range: spec.sysRange }, active.length);
  const prior = withNoisePrior(basePrior, noise);
  const like = model ? gridLikelihood(data, op, model, spec.mlMode, { noise, active }) : binnedLikelihood(data, (tabulated ?? surrogate)!, spec.mlMode, { noise, active });
  const p: GridParams = newGridParams();
  const logLike: LogDensity = (x, blob) => {
    const r = like.evaluate(prior.unpack(x, p), prior.noiseValue(x));
    blob[0] = r.chi2;
    blob[1] = r.ml;
    return r.logL;
  };
  return { spec, names: prior.names, prior, grid, op, model, engine, table, surrogate, modelLabel: (model ?? tabulated ?? surrogate)!.label, like, noise, excluded, used, active, logProb: logPosterior(prior.logPrior, logLike), blobs: ['chi2', 'ml'] };
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

/** The fingerprint of everything a tabulated table depends on (not the noise model or clipping). */
export function tableFingerprint(spec: FitSpec): string {
  const { x, y, light, distanceMpc, psf, pixsize, massModel, mbh, halo, nodes, betaGroups, mbhRange, tableTol, ranges, incPrior } = spec;
  return createHash('sha256').update(JSON.stringify({ v: 1, x, y, light, distanceMpc, psf, pixsize, massModel, mbh, halo, nodes, betaGroups, mbhRange, tableTol, inc: ranges.inc_deg, beta: ranges.beta_z, incPrior })).digest('hex');
}

const tables = new Map<string, TabulatedTable>();

/** A table built once per process per fingerprint (clipping rounds rebuild the problem, not the table). */
function cachedTable(spec: FitSpec, ts: TabulatedSpec, onProgress?: (done: number, planned: number) => void): TabulatedTable {
  const key = tableFingerprint(spec);
  let t = tables.get(key);
  if (!t) {
    t = buildTabulatedTable(ts, onProgress);
    tables.set(key, t);
  }
  return t;
}

/** Registers a table built (or read back) elsewhere under its spec's fingerprint. */
export function rememberTable(spec: FitSpec, t: TabulatedTable): void {
  tables.set(tableFingerprint(spec), t);
}

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
