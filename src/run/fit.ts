/**
 * `jamfit fit`: one posterior fit into a run folder.
 *
 * Order (so that bad input leaves nothing behind): resolve and validate every option, read and
 * check the kinematics and photometry, build the likelihood and prior (src/run/fit-problem.ts),
 * check the walkers; only then create the run folder. Files (all written atomically through
 * core/atomic-write.ts, except the chain, which DiskBackend checkpoints crash-safely):
 *   config.json    the resolved options and a fingerprint of the data (a resume with other
 *                  options or other data is refused with one line);
 *   chain.npy, log_prob.npy, blobs.npy (chi2, ml), state.json   the checkpointed chain;
 *   run.json       'sampled' once the sampler has finished (so a kill between the end of sampling
 *                  and the summary does not sample again);
 *   summary.json   src/run/fit-summary.ts (with the `ppc` block and, with --clip, `clipping`);
 *   ppc.json       the posterior predictive check bin by bin (src/run/ppc.ts);
 *   bins_model.json  data, best model and total error per bin;
 *   fit.log        command, versions, data summary, warnings, timings.
 * A run killed at any moment and started again with the same command continues from the last
 * checkpoint and, with --steps, ends with the same chain and summary, bit for bit. Without
 * --steps (auto-stop: N > 50 tau, tau stable to 1 %, checked every 100 steps, the check
 * independent of timing) the chain is the same but the stopping step after a resume can differ,
 * because the auto-stop's thinning restarts from its first estimate (samplers/autostop.ts).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { writeFileAtomic } from '../../core/atomic-write.ts';
import { InputError } from '../../core/errors.ts';
import { numberList } from './number-list.ts';
import type { MassModel } from '../../likelihoods/grid-model.ts';
import type { IncPrior } from '../../likelihoods/fit-prior.ts';
import { chooseEngine } from '../engines/choose.ts';
import type { EngineName } from '../engines/names.ts';
import { prepareProgress } from '../engines/progress.ts';
import { ENGINES } from '../engines/registry.ts';
import type { MlMode } from '../../likelihoods/vrms-grid.ts';
import { DiskBackend } from '../../samplers/backends/disk.ts';
import { EnsembleSampler } from '../../samplers/ensemble.ts';
import { perWalkerEvaluator } from '../../samplers/evaluate/serial.ts';
import { workerPoolEvaluator } from '../../samplers/evaluate/parallel.ts';
import { Rng } from '../../samplers/rng.ts';
import { orientKinematics } from '../data/kinematics-build.ts';
import { resolveGeometry, type GeometryReport } from '../geometry/resolve-geometry.ts';
import { readKinematics, type Kinematics } from '../data/kinematics.ts';
import { readPhotometry } from '../data/photometry.ts';
import { mgeHalfLight } from '../photometry/half-light.ts';
import { sersicToMge } from '../photometry/sersic-mge.ts';
import { version } from '../version.ts';
import { buildFitProblem, preparationFingerprint, rememberPreparation, type FitProblem, type FitSpec } from './fit-problem.ts';
import { renderFitPlots } from './fit-plots.ts';
import { reportedName, summarizeFit, type FitSummary } from './fit-summary.ts';
import { surrogateEvaluator } from './surrogate-evaluator.ts';
import { selfCheck, selfCheckDraws, selfCheckWarning } from './self-check.ts';
import { writeRunArtifacts } from '../report/index.ts';
import { LIKELIHOODS, SYSTEMATICS, type LikelihoodKind, type Systematics } from '../../likelihoods/systematics.ts';
import { checkClipOptions, clipOutliers, type ClipResult } from './clip.ts';
import { posteriorPredictive, ppcPositions } from './ppc.ts';
import type { SharedEngine } from '../surrogate/shared-engine.ts';

/** The command's options as parsed (undefined = not given). */
export interface FitOptions {
  kinematics: string;
  photometry?: string;
  out?: string;
  distance?: number;
  /** Degrees, or 'auto' (the kinematic PA; a numeric string is read as degrees). */
  pa?: number | string;
  /** 'X,Y' (arcsec, input coordinates) or 'auto' (the V_rms symmetry centre); --x0/--y0 are the older form. */
  centre?: string;
  x0?: number;
  y0?: number;
  vsys?: number;
  mask?: string;
  psfSigma?: string;
  psfWeight?: string;
  pixsize?: number;
  massModel?: string;
  mbh?: number;
  /** log10(M_BH/Msun) range "lo,hi": the black-hole mass becomes a parameter (exact engines). */
  mbhRange?: string;
  /** auto (default), surrogate, tabulated or direct (src/engines/choose.ts). */
  engine?: string;
  /** The exact engine auto would pick (the older spelling of --engine tabulated|direct). */
  exact?: boolean;
  /** Tabulated engine: interpolation tolerance, relative in V_rms^2 (default 1e-5). */
  tableTol?: number;
  /** Velocity-ellipsoid alignment: cyl (default) or sph. */
  align?: string;
  /** Anisotropy groups: increasing radii in arcsec, "R1[,R2..]" (one beta_z per group). */
  betaGroups?: string;
  /** Posterior draws the direct exact JAM re-evaluates after sampling (default 16; 0: none; direct engine: none). */
  selfCheck?: number;
  seed?: number;
  walkers?: number;
  steps?: number;
  maxSteps?: number;
  mlMode?: string;
  priorInc?: string;
  betaRange?: string;
  qmRange?: string;
  incRange?: string;
  mlRange?: string;
  /** Dark halo: none (default), nfw or gnfw (exact JAM only). */
  halo?: string;
  fdmRange?: string;
  rsRange?: string;
  gammaRange?: string;
  workers?: number;
  /** A mock's truth.json (jamfit mock): its parameters are drawn on the corner plot. */
  truth?: string;
  /** Render the corner and map figures (default true); false for batch and validation runs. */
  plots?: boolean;
  /** Noise model (likelihoods/systematics.ts): default 'fraction' and 'gaussian'. */
  systematics?: string;
  likelihood?: string;
  nu?: number;
  /** Prior range of the sampled systematic term, "lo,hi" (f_sys, or km/s for floor). */
  sysRange?: string;
  /** Outlier clipping threshold in total errors (> 0; default none) and its maximum rounds (default 5). */
  clip?: number;
  clipRounds?: number;
  /** Keep only bins within this radius of the centre in the galaxy frame, arcsec (> 0). */
  rmax?: number;
  /** Show the sampler's progress bar on a terminal (default true; off when a caller draws its own, as `jamfit batch` does). */
  progress?: boolean;
  /** The command line, for the log. */
  argv?: string[];
}

export interface FitOutcome {
  runDir: string;
  summary: FitSummary;
  resumedFrom: number;
  seconds: number;
  msPerStep: number;
  msPerModel: number;
  warnings: string[];
  plotNote: string | null;
}

export interface FitIO {
  out(s: string): void;
  err(s: string): void;
}

function int(name: string, v: number | undefined, dflt: number | undefined, min: number): number | undefined {
  if (v === undefined) return dflt;
  if (!Number.isInteger(v) || v < min) throw new InputError(name, `is ${v}; give an integer >= ${min}`);
  return v;
}

function pair(name: string, s: string | undefined): [number, number] | undefined {
  const v = numberList(name, s);
  if (v === undefined) return undefined;
  if (v.length !== 2) throw new InputError(name, `is '${s}'; give lo,hi`);
  return [v[0], v[1]];
}

function oneOf<T extends string>(name: string, v: string | undefined, allowed: readonly T[], dflt: T): T {
  if (v === undefined) return dflt;
  if (!(allowed as readonly string[]).includes(v)) throw new InputError(name, `is '${v}'; use ${allowed.join(' or ')}`);
  return v as T;
}

/** The resolved configuration stored in config.json. */
export interface FitConfig {
  kinematics: string;
  photometry: string;
  distance_mpc: number;
  pa_deg: number | null;
  pa_source: string;
  centre: [number, number];
  vsys: number | null;
  mask: number[] | null;
  psf: { sigma: number[]; weight: number[] } | null;
  psf_source: string;
  pixsize: number;
  mass_model: MassModel;
  mbh: number;
  /** The engine (src/engines/choose.ts). */
  engine: EngineName;
  table_tol: number | null;
  align: 'cyl' | 'sph';
  beta_groups: number[] | null;
  mbh_range: [number, number] | null;
  self_check: number;
  seed: number;
  walkers: number;
  steps: number | null;
  max_steps: number;
  ml_mode: MlMode;
  prior_inc: IncPrior;
  ranges: FitSpec['ranges'];
  /** Dark halo of the mass model (none, nfw, gnfw). */
  halo: 'none' | 'nfw' | 'gnfw';
  systematics: Systematics;
  likelihood: LikelihoodKind;
  nu: number | null;
  sys_range: [number, number] | null;
  clip: number | null;
  clip_rounds: number;
  rmax: number | null;
  /** sha256 of the spec the likelihood is built from (bins, light, options): changed data are detected. */
  data_fingerprint: string;
}

interface Prepared {
  cfg: FitConfig;
  spec: FitSpec;
  problem: FitProblem;
  kin: Kinematics;
  /** Index into kin of each spec bin. */
  good: number[];
  warnings: string[];
  dataLines: string[];
  /** summary.json's geometry block, and the bins (indices into kin) that survived the mask. */
  geometry: GeometryReport;
  goodIndex: number[];
}

/** Everything up to (not including) touching the run folder; throws InputError on bad input. */
export function prepareFit(o: FitOptions): Prepared {
  const warnings: string[] = [];
  if (!o.kinematics) throw new InputError('kinematics', 'missing; give the kinematics file (jamfit fit <kinematics> --photometry <file> --out runs/<name>)');
  if (!o.photometry) throw new InputError('--photometry', 'missing; give the Sérsic .json or MGE .ecsv/.csv photometry');
  if (!o.out) throw new InputError('--out', 'missing; give the run folder, e.g. --out runs/ngc6278');
  if (o.distance === undefined) throw new InputError('--distance', 'missing; give the distance in Mpc');
  if (!(o.distance > 0)) throw new InputError('--distance', `is ${o.distance}; the distance must be > 0 Mpc`);
  const massModel = oneOf('--mass-model', o.massModel, ['qm', 'light'] as const, 'qm');
  const mlMode = oneOf('--ml-mode', o.mlMode, ['sample', 'profile', 'marginal'] as const, 'sample');
  const priorInc = oneOf('--prior-inc', o.priorInc, ['uniform', 'isotropic'] as const, 'uniform');
  const seed = int('--seed', o.seed, 1, 0)!;
  const walkers = int('--walkers', o.walkers, 32, 1)!;
  const steps = int('--steps', o.steps, undefined, 10) ?? null;
  const maxSteps = int('--max-steps', o.maxSteps, 20000, 100)!;
  const workers = int('--workers', o.workers, 1, 1)!;
  void workers;
  const mbh = o.mbh ?? 0;
  if (!(mbh >= 0 && Number.isFinite(mbh))) throw new InputError('--mbh', `is ${mbh}; give the black-hole mass in Msun, >= 0`);
  if (o.pixsize !== undefined && !(o.pixsize >= 0)) throw new InputError('--pixsize', `is ${o.pixsize}; give the pixel side in arcsec, >= 0`);
  const halo = oneOf('--halo', o.halo, ['none', 'nfw', 'gnfw'] as const, 'none');
  const mbhRange = pair('--mbh-range', o.mbhRange) ?? null;
  if (mbhRange && o.mbh !== undefined) throw new InputError('--mbh-range', 'samples the black-hole mass; drop --mbh (a fixed mass) or this range');
  if (mbhRange && !(mbhRange[0] >= 0 && mbhRange[1] <= 12 && mbhRange[0] < mbhRange[1])) throw new InputError('--mbh-range', `is ${mbhRange.join(',')}; give lo,hi of log10(M_BH/Msun) within [0, 12], lo < hi`);
  const betaGroups = numberList('--beta-groups', o.betaGroups) ?? null;
  if (betaGroups) {
    for (let r = 0; r < betaGroups.length; r++) {
      if (!(betaGroups[r] > 0 && Number.isFinite(betaGroups[r]) && (r === 0 || betaGroups[r] > betaGroups[r - 1]))) throw new InputError('--beta-groups', `is '${o.betaGroups}'; give increasing radii in arcsec, > 0`);
    }
  }
  const align = oneOf('--align', o.align, ['cyl', 'sph'] as const, 'cyl');
  const engine = chooseEngine(o.engine, o.exact === true, { massModel, halo, blackHole: mbh > 0 || mbhRange !== null, groups: (betaGroups?.length ?? 0) > 0, align });
  const tableTol = o.tableTol ?? null;
  if (tableTol !== null) {
    if (engine !== 'tabulated') throw new InputError('--table-tol', `applies to the tabulated engine, not ${engine}`);
    if (!(tableTol >= 1e-9 && tableTol <= 0.1)) throw new InputError('--table-tol', `is ${tableTol}; give a relative tolerance in [1e-9, 0.1]`);
  }
  const selfCheck = int('--self-check', o.selfCheck, engine === 'direct' ? 0 : 16, 0)!;
  const ranges: FitSpec['ranges'] = {};
  const br = pair('--beta-range', o.betaRange);
  const qr = pair('--qm-range', o.qmRange);
  const ir = pair('--inc-range', o.incRange);
  const mr = pair('--ml-range', o.mlRange);
  if (br) ranges.beta_z = br;
  if (qr) {
    if (massModel !== 'qm') throw new InputError('--qm-range', 'applies only to --mass-model qm (mass follows light has no q_M)');
    ranges.q_m = qr;
  }
  if (ir) ranges.inc_deg = ir;
  if (mr) {
    if (mlMode !== 'sample') throw new InputError('--ml-range', `applies only to --ml-mode sample (M/L is ${mlMode}d analytically)`);
    ranges.ml = mr;
  }
  const haloRanges = [['--fdm-range', o.fdmRange, 'f_dm'], ['--rs-range', o.rsRange, 'log10_rs'], ['--gamma-range', o.gammaRange, 'gamma']] as const;
  for (const [opt, v, key] of haloRanges) {
    const r = pair(opt, v);
    if (!r) continue;
    if (halo === 'none' || (key === 'gamma' && halo !== 'gnfw')) throw new InputError(opt, `applies only to --halo ${key === 'gamma' ? 'gnfw' : 'nfw or gnfw'}`);
    ranges[key] = r;
  }
  const systematics = oneOf('--systematics', o.systematics, SYSTEMATICS, 'fraction');
  const likelihood = oneOf('--likelihood', o.likelihood, LIKELIHOODS, 'gaussian');
  const sysRange = pair('--sys-range', o.sysRange) ?? null;
  const clip = o.clip ?? null;
  const clipRounds = int('--clip-rounds', o.clipRounds, 5, 1)!;
  if (clip !== null) checkClipOptions(clip, clipRounds);
  else if (o.clipRounds !== undefined) throw new InputError('--clip-rounds', 'needs --clip K');
  const rmax = o.rmax ?? null;
  if (rmax !== null && !(Number.isFinite(rmax) && rmax > 0)) throw new InputError('--rmax', `is ${rmax}; give the largest radius to fit in arcsec (galaxy frame), > 0`);
  const mask = numberList('--mask', o.mask);
  if (mask && mask.some((v) => !Number.isInteger(v))) throw new InputError('--mask', `is '${o.mask}'; give comma-separated integer bin ids`);

  // Kinematics, then the geometry (src/geometry/resolve-geometry.ts: --centre, --pa, auto).
  const raw = readKinematics(o.kinematics, { vsys: o.vsys, mask: mask ? { ids: mask } : undefined });
  const geo = resolveGeometry(raw, { centre: o.centre, x0: o.x0, y0: o.y0, pa: o.pa });
  warnings.push(...geo.warnings);
  const paDeg = geo.paDeg;
  const paSource = geo.paSource;
  const [x0, y0] = geo.centre;
  const kin = paDeg !== null || x0 !== 0 || y0 !== 0 ? orientKinematics(raw, { paDeg: paDeg ?? -90, x0, y0 }) : raw;
  // PA = -90 maps (x, y) -> (x, y): the identity rotation, used when only a centre is given.

  // PSF and pixel: the options, else the file's metadata.
  // `--psf-sigma none` overrides a PSF in the data file's metadata (a fit without seeing).
  const noPsf = o.psfSigma === 'none';
  const ps = noPsf ? undefined : numberList('--psf-sigma', o.psfSigma);
  const pw = numberList('--psf-weight', o.psfWeight);
  let psf: FitConfig['psf'] = null;
  let psfSource = 'none';
  if (noPsf) {
    if (pw) throw new InputError('--psf-weight', 'needs --psf-sigma values, not none');
    psfSource = '--psf-sigma none';
  } else if (ps) {
    const weight = pw ?? ps.map(() => 1);
    if (weight.length !== ps.length) throw new InputError('--psf-weight', `has ${weight.length} values for ${ps.length} PSF sigmas; give one weight per sigma`);
    psf = { sigma: ps, weight };
    psfSource = '--psf-sigma';
  } else if (pw) throw new InputError('--psf-weight', 'needs --psf-sigma');
  else if (kin.meta.psf) {
    psf = { sigma: kin.meta.psf.sigma, weight: kin.meta.psf.weight };
    psfSource = `${o.kinematics} metadata`;
  }
  let pixsize = o.pixsize ?? 0;
  if (o.pixsize === undefined && kin.pixels) {
    pixsize = kin.pixels.pixsize;
    warnings.push(`no --pixsize: using the data file's ${pixsize}" pixels`);
  }

  // Photometry.
  const phot = readPhotometry(o.photometry);
  const mge = phot.kind === 'mge' ? phot.mge : sersicToMge(phot.params);
  const light = { surf: Array.from(mge.surf), sigma: Array.from(mge.sigma), qobs: Array.from(mge.qobs) };

  const good: number[] = [];
  for (let i = 0; i < kin.x.length; i++) if (kin.good[i]) good.push(i);
  if (good.length === 0) throw new InputError(o.kinematics, 'every bin is masked; unmask some bins');
  const nUnmasked = good.length;
  if (rmax !== null) {
    // The radius in the galaxy frame (after --x0/--y0 and the PA), circular.
    const r = (i: number) => Math.hypot(kin.x[i], kin.y[i]);
    const inside = good.filter((i) => r(i) <= rmax);
    if (inside.length === 0) throw new InputError('--rmax', `${rmax}" keeps none of the ${good.length} unmasked bins (the nearest is at ${Math.min(...good.map(r)).toPrecision(3)}"); give a larger radius`);
    if (inside.length < good.length) warnings.push(`--rmax ${rmax}": ${good.length - inside.length} bin(s) beyond it left out (rows ${good.filter((i) => r(i) > rmax).map((i) => kin.row[i]).join(', ')})`);
    good.splice(0, good.length, ...inside);
  }
  const pick = (a: Float64Array) => good.map((i) => a[i]);
  const spec: FitSpec = {
    x: pick(kin.x),
    y: pick(kin.y),
    vrms: pick(kin.vrms),
    err: pick(kin.vrmsErr),
    source: o.kinematics,
    light,
    lightSource: o.photometry,
    distanceMpc: o.distance,
    massModel,
    mbh,
    psf,
    pixsize,
    mlMode,
    incPrior: priorInc,
    ranges,
    engine,
    ...(betaGroups ? { betaGroups } : {}),
    ...(mbhRange ? { mbhRange } : {}),
    ...(tableTol !== null ? { tableTol } : {}),
    ...(align !== 'cyl' ? { align } : {}),
    sersic: phot.kind === 'sersic' ? { n: phot.params.n, qobs: phot.params.qobs } : null,
    // Absent without a halo, so that a halo-less spec (and its fingerprint) is what it was before.
    ...(halo !== 'none' ? { halo } : {}),
    systematics,
    likelihood,
    ...(o.nu !== undefined ? { nu: o.nu } : {}),
    ...(sysRange ? { sysRange } : {}),
  };
  // The tabulated engine's table: read back from the run folder (a resumed fit), else built here
  // once (clipping rounds and the self-check reuse it); it is stored once the folder exists.
  // The same for any engine whose preparation has a store (src/engines/engine.ts).
  const eng = ENGINES[engine];
  const prepFp = eng.store ? preparationFingerprint(eng, spec) : null;
  const stored = prepFp ? eng.store!.read(o.out, prepFp) : null;
  if (stored) rememberPreparation(eng, spec, stored);
  const bar = prepFp && !stored ? prepareProgress(engine === 'tabulated' ? 'tabulating' : 'preparing', o.progress ?? true) : null;
  const tb = performance.now();
  let problem: FitProblem;
  try {
    problem = buildFitProblem(spec, { onProgress: bar ? (d, p) => bar.update(d, p) : undefined });
  } finally {
    bar?.stop();
  }
  const tableLine = problem.table ? `table: ${problem.table.table.nNodes} inclination nodes (${problem.table.table.evaluations} exact basis evaluations, ${problem.table.components.length} mass components x ${problem.table.nGroups} anisotropy group(s)), interpolation error <= ${problem.table.table.maxError.toExponential(2)} (tolerance ${tableTol ?? 1e-5}); ${stored ? 'read from the run folder' : `built in ${((performance.now() - tb) / 1000).toFixed(2)} s`}` : null;
  const ndim = problem.names.length;
  if (walkers < 2 * ndim) throw new InputError('--walkers', `is ${walkers} for ${ndim} parameters; use at least 2 x ${ndim} = ${2 * ndim} (32 is a good default)`);
  if (problem.excluded.length > 0) {
    warnings.push(`${problem.excluded.length} bin(s) outside the model grid excluded (rows ${problem.excluded.map((i) => kin.row[good[i]]).join(', ')})`);
  }
  const fingerprint = createHash('sha256').update(JSON.stringify(spec)).digest('hex');
  const cfg: FitConfig = {
    kinematics: o.kinematics,
    photometry: o.photometry,
    distance_mpc: o.distance,
    pa_deg: paDeg,
    pa_source: paSource,
    centre: [x0, y0],
    vsys: o.vsys ?? null,
    mask: mask ?? null,
    psf,
    psf_source: psfSource,
    pixsize,
    mass_model: massModel,
    mbh,
    engine,
    table_tol: tableTol,
    align,
    beta_groups: betaGroups,
    mbh_range: mbhRange,
    self_check: selfCheck,
    seed,
    walkers,
    steps,
    max_steps: maxSteps,
    ml_mode: mlMode,
    prior_inc: priorInc,
    ranges,
    halo,
    systematics,
    likelihood,
    nu: likelihood === 'student-t' ? problem.noise.nu : null,
    sys_range: problem.noise.param ? [problem.noise.param.lo, problem.noise.param.hi] : null,
    clip,
    clip_rounds: clipRounds,
    rmax,
    data_fingerprint: fingerprint,
  };
  let vmin = Infinity;
  let vmax = -Infinity;
  for (const v of spec.vrms) [vmin, vmax] = [Math.min(vmin, v), Math.max(vmax, v)];
  const errs = spec.err.slice().sort((a, b) => a - b);
  const range = (a: Float64Array) => {
    const u = good.map((i) => a[i]);
    return `${Math.min(...u).toFixed(1)}..${Math.max(...u).toFixed(1)}`;
  };
  const dataLines = [
    `kinematics: ${o.kinematics} (${kin.meta.format}), ${kin.x.length} bins, ${nUnmasked} unmasked, ${rmax !== null ? `${good.length} within --rmax, ` : ''}${problem.used.length} used; V_rms ${vmin.toFixed(1)}..${vmax.toFixed(1)} km/s, median error ${errs[errs.length >> 1].toFixed(2)} km/s`,
    `orientation: PA ${paDeg ?? 'none'} deg from ${paSource}; centre (${x0}, ${y0}) arcsec (${geo.report.centre_method})`,
    ...geo.lines,
    ...(kin.v && kin.sigma ? [`moments: V ${range(kin.v)} km/s, sigma ${range(kin.sigma)} km/s (kept: velocity.svg maps V, sigma, V_rms)`] : []),
    ...(kin.meta.vsys ? [`systemic velocity: ${kin.meta.vsys.kms.toFixed(2)} km/s (${kin.meta.vsys.method})`] : []),
    `psf: ${psf ? `sigma ${psf.sigma.join(',')}" weight ${psf.weight.join(',')}` : 'none'} (${psfSource}); pixel ${pixsize}"`,
    `photometry: ${o.photometry} (${phot.kind}, ${light.surf.length} Gaussians, q' ${Math.min(...light.qobs)}..${Math.max(...light.qobs)}, light-weighted q' ${problem.prior.qLight.toFixed(4)})`,
    ...(tableLine ? [tableLine] : []),
    `model: ${problem.modelLabel}; grid r ${Math.exp(problem.grid.lnRad[0]).toPrecision(3)}..${Math.exp(problem.grid.lnRad[problem.grid.lnRad.length - 1]).toPrecision(4)}" q_med ${problem.grid.qMed}; W ${problem.op.dense ? 'dense (PSF/pixel)' : 'sparse (bilinear)'}`,
    `parameters: ${problem.names.join(', ')}; prior ranges ${problem.names.map((n, k) => `${n} [${problem.prior.lo[k]}, ${problem.prior.hi[k]}]`).join(', ')}; inclination prior ${priorInc}; M/L ${mlMode}${mlMode === 'marginal' ? ' (flat in sqrt(M/L))' : mlMode === 'sample' ? ' (log-uniform)' : ''}`,
    `noise: ${problem.noise.label}${clip !== null ? `; clipping bins beyond ${clip} total errors, up to ${clipRounds} rounds` : ''}${rmax !== null ? `; bins within ${rmax}" only` : ''}`,
    ...(kin.meta.notes ?? []).map((n) => `reader note: ${n}`),
  ];
  return { cfg, spec, problem, kin, good, warnings, dataLines, geometry: geo.report, goodIndex: good };
}

const COMPARED: (keyof FitConfig)[] = ['kinematics', 'photometry', 'distance_mpc', 'pa_deg', 'centre', 'vsys', 'mask', 'psf', 'pixsize', 'mass_model', 'mbh', 'engine', 'table_tol', 'align', 'beta_groups', 'mbh_range', 'self_check', 'seed', 'walkers', 'steps', 'max_steps', 'ml_mode', 'prior_inc', 'ranges', 'halo', 'data_fingerprint', 'systematics', 'likelihood', 'nu', 'sys_range', 'clip', 'clip_rounds', 'rmax'];

function checkResume(dir: string, cfg: FitConfig): boolean {
  const f = join(dir, 'config.json');
  if (!existsSync(f)) {
    if (existsSync(dir) && readdirSync(dir).length > 0) throw new InputError('--out', `${dir} exists and is not a jamfit run folder (no config.json); choose another --out`);
    return false;
  }
  let old: FitConfig;
  try {
    old = JSON.parse(readFileSync(f, 'utf8'));
  } catch {
    throw new InputError(f, 'is not valid JSON; remove the run folder or choose another --out');
  }
  for (const k of COMPARED) {
    const a = JSON.stringify(old[k]);
    const b = JSON.stringify(cfg[k]);
    if (a !== b) {
      const what = k === 'data_fingerprint' ? 'the data files (bins, photometry) differ' : `${k} was ${a}, now ${b}`;
      throw new InputError(f, `this run folder was started with other options: ${what}; resume with the same command or choose another --out`);
    }
  }
  return true;
}

/** Picks the walkers' start: the nwalkers best of 3 nwalkers prior draws (seeded), evaluated in this thread. */
async function startPositions(p: FitProblem, nwalkers: number, seed: number, prefetch?: Prefetch): Promise<Float64Array[]> {
  const rng = new Rng(`jamfit-fit-start:${seed}`);
  const blob = new Float64Array(p.blobs.length);
  const xs = Array.from({ length: 3 * nwalkers }, () => p.prior.draw(rng));
  await prefetch?.(xs);
  const draws = xs.map((x) => ({ x, lp: p.logProb(x, blob) }));
  const ok = draws.filter((d) => d.lp > -Infinity);
  if (ok.length < nwalkers) throw new InputError('prior', `only ${ok.length} of ${draws.length} prior draws have a finite posterior; check the data and priors`);
  // Stable sort with the draw order as tie-breaker: deterministic for a seed.
  return ok
    .map((d, i) => ({ ...d, i }))
    .sort((a, b) => b.lp - a.lp || a.i - b.i)
    .slice(0, nwalkers)
    .map((d) => d.x);
}

/** What a caller running many fits at once shares with them (jamfit batch --lockstep). */
export interface FitContext {
  /** The surrogate's network, in calls shared with the other galaxies (surrogate fits only). */
  shared?: SharedEngine;
}

/** Runs (or resumes) a fit; see the module header. */
export async function runFit(o: FitOptions, io: FitIO, ctx: FitContext = {}): Promise<FitOutcome> {
  const t0 = performance.now();
  const prep = prepareFit(o);
  const truth = o.truth ? readTruth(o.truth) : undefined; // before the run folder is touched
  const { cfg, warnings } = prep;
  let { spec, problem } = prep;
  const dir = o.out!;
  const resuming = checkResume(dir, cfg);
  const logFile = join(dir, 'fit.log');
  const log: string[] = resuming && existsSync(logFile) ? readFileSync(logFile, 'utf8').trimEnd().split('\n') : [];
  const say = (s: string) => log.push(`[${new Date().toISOString()}] ${s}`);
  // The log is rewritten at every stage: atomic, but not fsynced (see writeFileAtomic).
  const flush = () => writeFileAtomic(logFile, log.join('\n') + '\n', { durable: false });
  say(`${resuming ? 'resume' : 'start'}: jamfit ${version}, node ${process.version}; command: jamfit fit ${(o.argv ?? []).join(' ')}`);
  for (const l of prep.dataLines) say(l);
  for (const w of warnings) {
    say(`warning: ${w}`);
    io.err(`jamfit fit: warning: ${w}`);
  }
  if (!resuming) writeFileAtomic(join(dir, 'config.json'), JSON.stringify(cfg, null, 2) + '\n');
  const eng = ENGINES[problem.engine];
  const prepFp = eng.store ? preparationFingerprint(eng, spec) : null;
  if (prepFp && eng.store!.read(dir, prepFp) === null) eng.store!.write(dir, prepFp, problem.prepared);
  flush();

  // Outlier clipping: fixes the bins the sampler's likelihood leaves out (deterministic, so a
  // resumed run recomputes the same mask). Reported bin by bin here and in summary.json.
  let clipping: ClipResult | null = null;
  const rowOf = (i: number) => prep.kin.row[prep.good[i]];
  if (cfg.clip !== null) {
    const tc = performance.now();
    clipping = clipOutliers(spec, { k: cfg.clip, maxRounds: cfg.clip_rounds, seed: cfg.seed });
    for (const r of clipping.rounds) {
      say(`clip round ${r.round}: best log posterior ${r.log_prob.toFixed(2)} (${r.evals} models), chi2_total ${r.chi2_total.toFixed(1)}; ${r.beyond.length} bin(s) beyond ${cfg.clip} sigma${r.added.length ? `; clipped rows ${r.added.map(rowOf).join(', ')}` : ''}${r.restored.length ? `; restored rows ${r.restored.map(rowOf).join(', ')}` : ''}`);
      for (const b of r.beyond) say(`  row ${rowOf(b.index)} (x ${spec.x[b.index].toFixed(2)}", y ${spec.y[b.index].toFixed(2)}"): V_rms ${spec.vrms[b.index].toFixed(1)} +- ${spec.err[b.index].toFixed(1)} km/s, residual ${b.z.toFixed(2)} sigma`);
    }
    const how = clipping.converged ? 'the mask stopped changing' : `not stable after ${cfg.clip_rounds} rounds (the last mask is used)`;
    say(`clipping: ${clipping.clipped.length} bin(s) left out of the likelihood (rows ${clipping.clipped.map(rowOf).join(', ') || 'none'}); ${how}; ${((performance.now() - tc) / 1000).toFixed(1)} s`);
    if (!clipping.converged) warnings.push(`clipping ${how}`);
    spec = { ...spec, clipped: clipping.clipped };
    problem = buildFitProblem(spec);
    flush();
  }

  const ndim = problem.names.length;
  const nw = cfg.walkers;
  const workers = o.workers ?? 1;
  const runJson = join(dir, 'run.json');
  const sampled = existsSync(runJson) ? (JSON.parse(readFileSync(runJson, 'utf8')) as { status: string; converged: boolean | null; stop: string }) : null;
  const fast = problem.surrogate ? await surrogateEvaluator(problem, undefined, ctx.shared) : null;
  const evaluator = fast
    ? fast
    : workers > 1 && problem.engine === 'direct'
      ? workerPoolEvaluator({ module: new URL(import.meta.url.endsWith('.ts') ? './fit-worker.ts' : './fit-worker.js', import.meta.url), exportName: 'setup', init: spec, workers }) : perWalkerEvaluator(problem.logProb);
  // The surrogate's engine also serves the start draws and the posterior predictive check (one
  // call each instead of ~100 JS forwards), so it stays open until the end; the sampler gets a
  // view whose close leaves it open.
  const prefetch: Prefetch | undefined = fast ? (xs) => fast.prefetch(xs) : undefined;
  try {
    const sampler = new EnsembleSampler({
      nwalkers: nw,
      ndim,
      evaluator: { kind: evaluator.kind, bind: (b) => evaluator.bind(b), evaluate: (idx) => evaluator.evaluate(idx), close: async () => {} },
      seed: cfg.seed,
      blobs: problem.blobs,
      names: problem.names,
      // Surrogate steps are fast: at most one checkpoint a second, or the fsyncs every 10 steps
      // cost 0.7 s of a 5 s fit (a kill loses < 1 s of sampling and resumes exactly).
      // Exact-JAM steps are slow: every 10 steps.
      backend: new DiskBackend(dir, { checkpointEvery: 10, minIntervalMs: cfg.engine === 'surrogate' ? 1000 : 0 }),
    });
    const resumedFrom = sampler.iteration;
    let converged: boolean | null = sampled?.converged ?? null;
    let stop = sampled?.stop ?? '';
    let sampleMs = 0;
    let stepsRun = 0;
    try {
      if (!sampled) {
        const total = cfg.steps ?? cfg.max_steps;
        let initial: Float64Array[] | null = null;
        if (resumedFrom === 0) {
          const ts = performance.now();
          initial = await startPositions(problem, nw, cfg.seed, prefetch);
          say(`start: best ${nw} of ${3 * nw} prior draws, ${((performance.now() - ts) / (3 * nw)).toFixed(1)} ms per model (main thread)`);
        } else say(`resuming from step ${resumedFrom}`);
        flush();
        const ts = performance.now();
        const r = await sampler.run(initial, Math.max(total - resumedFrom, 0), {
          progress: o.progress ?? true,
          autoStop: cfg.steps === null ? { every: 100, factor: 50, rtol: 0.01, maxOverhead: Infinity } : undefined,
        });
        sampleMs = performance.now() - ts;
        stepsRun = r.steps;
        converged = r.converged;
        stop = cfg.steps !== null ? `fixed --steps ${cfg.steps}` : r.converged ? 'converged (N > 50 tau, tau stable to 1%)' : `not converged by --max-steps ${cfg.max_steps}`;
        writeFileAtomic(runJson, JSON.stringify({ status: 'sampled', iteration: sampler.iteration, converged, stop }) + '\n');
        say(`sampled ${r.steps} steps (${sampler.iteration} in all) in ${(sampleMs / 1000).toFixed(1)} s with ${evaluator.kind}: ${stepsRun ? (sampleMs / stepsRun).toFixed(1) : '-'} ms per step, ${stepsRun ? (sampleMs / (stepsRun * nw)).toFixed(2) : '-'} ms per model; ${stop}`);
      } else say('the chain was already complete (run.json): summarising');
    } finally {
      await sampler.close();
    }
    if (converged === false && cfg.steps === null) {
      warnings.push(stop);
      io.err(`jamfit fit: warning: ${stop}`);
    }

    const nsteps = sampler.iteration;
    if (nsteps < 8) throw new InputError('--steps', `the chain has ${nsteps} steps; a summary needs at least 8`);
    const summary = summarizeFit({
      chain: sampler.backend.chain().subarray(0, nsteps * nw * ndim),
      logProb: sampler.backend.logProb().subarray(0, nsteps * nw),
      blobs: sampler.backend.blobs().subarray(0, nsteps * nw * 2),
      nsteps,
      nwalkers: nw,
      columns: problem.names,
      massModel: cfg.mass_model,
      mlMode: cfg.ml_mode,
      light: spec.light,
      distanceMpc: cfg.distance_mpc,
      nbins: problem.active.length,
      acceptance: sampler.acceptanceFraction.reduce((a, b) => a + b, 0) / nw,
      nanCount: sampler.nanCount,
      converged,
      stop,
      reArcsec: spec.halo ? mgeHalfLight(spec.light).aMajor : undefined,
      geometry: prep.geometry,
    });
    if (problem.table) {
      const t = problem.table;
      summary.table = { nodes: t.table.nNodes, evaluations: t.table.evaluations, max_error: t.table.maxError, tolerance: cfg.table_tol ?? 1e-5, components: t.components.length, groups: t.nGroups };
    }
    summary.noise = { systematics: cfg.systematics, likelihood: cfg.likelihood, nu: cfg.nu, inflation: problem.noise.inflation, total_error: problem.noise.label };
    const discardRow = summary.discard * nw * ndim;
    const samples = sampler.backend.chain().slice(discardRow, nsteps * nw * ndim);
    // A posterior cut by a prior bound or by a joint limit of the model.
    for (const w of [...edgeWarnings(summary, problem, cfg.engine), ...constraintWarnings(samples, problem, cfg.engine)]) {
      warnings.push(w);
      say(`warning: ${w}`);
      io.err(`jamfit fit: warning: ${w}`);
    }

    // The fit checks itself against the direct exact JAM (src/run/self-check.ts).
    if (cfg.self_check > 0 && problem.engine !== 'direct') {
      const draws = selfCheckDraws(samples, ndim, cfg.self_check);
      await prefetch?.(draws);
      const tc = performance.now();
      const c = selfCheck(problem, draws);
      summary.self_check = c;
      say(`self-check against the direct exact JAM at ${c.draws} posterior draws (${((performance.now() - tc) / 1000).toFixed(1)} s): max |d ln L| ${c.max_abs_dlnl.toExponential(2)}, importance-weight ESS ${(100 * c.ess_fraction).toFixed(2)}% of the draws`);
      const w = selfCheckWarning(c);
      if (w) {
        warnings.push(w);
        say(`warning: ${w}`);
        io.err(`jamfit fit: warning: ${w}`);
      }
    }

    // Data and best model per bin (the maps' input).
    const bestX = problem.names.map((n) => (reportedName(n) !== n ? Math.log10(summary.best[reportedName(n)]) : summary.best[n]));
    const ppcOptions = { samples, best: bestX, seed: cfg.seed };
    await prefetch?.(ppcPositions(problem, ppcOptions));
    const best = problem.prior.unpack(bestX);
    const model = problem.like.modelVrms(best);
    const bx = Float64Array.from(problem.used, (i) => spec.x[i]);
    const by = Float64Array.from(problem.used, (i) => spec.y[i]);
    const bv = Float64Array.from(problem.used, (i) => spec.vrms[i]);
    const be = Float64Array.from(problem.used, (i) => spec.err[i]);
    // V and sigma of the used bins, when the data have them (kept for the maps and bins_model.json).
    const kinUsed = (a: Float64Array) => Float64Array.from(problem.used, (i) => a[prep.goodIndex[i]]);
    const moments = prep.kin.v && prep.kin.sigma ? { v: kinUsed(prep.kin.v), sigma: kinUsed(prep.kin.sigma) } : undefined;

    // Posterior predictive check (src/run/ppc.ts): ppc.json bin by bin, its numbers in summary.json.
    const tp = performance.now();
    const ppc = posteriorPredictive(problem, ppcOptions);
    summary.ppc = ppc.summary;
    if (clipping) {
      summary.clipping = {
        k: clipping.k, max_rounds: clipping.max_rounds, converged: clipping.converged,
        rounds: clipping.rounds.map((r) => ({ round: r.round, n_beyond: r.beyond.length, clipped_rows: r.added.map(rowOf), restored_rows: r.restored.map(rowOf), chi2_total: r.chi2_total })),
        clipped: ppc.bins.filter((b) => !b.in_fit).map((b) => ({ row: rowOf(b.index), x: b.x, y: b.y, vrms: b.data, err: b.err, model_best: b.model_best, z: b.z })),
      };
    }
    writeFileAtomic(join(dir, 'ppc.json'), JSON.stringify({ ...ppc.summary, bins: ppc.bins.map((b) => ({ row: rowOf(b.index), ...b })) }, null, 1) + '\n');
    writeFileAtomic(join(dir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
    const ps = ppc.summary;
    say(`posterior predictive check (${ps.ndraws} draws, ${((performance.now() - tp) / 1000).toFixed(1)} s): chi2_total ${ps.chi2_total.toFixed(1)} for ${ps.dof} dof (${ps.chi2_per_dof.toFixed(2)} per dof), p-value ${ps.p_value.toFixed(3)}; ${ps.beyond_3sigma.count} of ${ps.nbins} bins beyond 3 sigma (${(100 * ps.beyond_3sigma.fraction).toFixed(2)}%, expected ${(100 * ps.beyond_3sigma.expected_fraction).toFixed(2)}%, binomial p ${ps.beyond_3sigma.p_value.toPrecision(3)})`);
    for (const b of ppc.bins) if (Math.abs(b.z) > 3) say(`  beyond 3 sigma: row ${rowOf(b.index)} (x ${b.x.toFixed(2)}", y ${b.y.toFixed(2)}"): V_rms ${b.data.toFixed(1)}, model ${b.model_best.toFixed(1)}, sigma_total ${b.sigma_total.toFixed(1)} km/s, ${b.z.toFixed(2)} sigma${b.in_fit ? '' : ' (clipped)'}`);

    const r6 = (a: ArrayLike<number>) => Array.from(a, (v) => Number(v.toPrecision(7)));
    writeFileAtomic(
      join(dir, 'bins_model.json'),
      JSON.stringify({ frame: 'galaxy (x on the major axis), arcsec', x: r6(bx), y: r6(by), vrms: r6(bv), err: r6(be), model_best: r6(model), sigma_total: r6(ppc.bins.map((b) => b.sigma_total)), in_fit: ppc.bins.map((b) => b.in_fit), ...(moments ? { v: r6(moments.v), sigma: r6(moments.sigma) } : {}) }) + '\n',
    );
    const plots = o.plots === false ? { files: [] as string[], note: null } : renderFitPlots({
      runDir: dir,
      summary,
      samples,
      columns: problem.names,
      bins: { x: bx, y: by, vrms: bv, err: be, model },
      moments,
      light: spec.light,
      title: basename(o.kinematics),
      truth,
      ppc,
    });
    if (plots.note) say(plots.note);
    if (plots.files.length) say(`wrote ${plots.files.join(', ')}`);
    for (const name of summary.names) {
      const p = summary.parameters[name];
      say(`posterior ${name}: ${p.median.toPrecision(4)} (68%: ${p.lo68.toPrecision(4)}..${p.hi68.toPrecision(4)})`);
    }
    say(`chi2 ${summary.chi2.toFixed(1)} over ${summary.nbins} bins; tau ${summary.diagnostics.tau.map((t) => t.toFixed(1)).join(', ')}; discard ${summary.discard}; acceptance ${summary.diagnostics.acceptance.toFixed(3)}`);
    // posterior.nc (ArviZ) and report.html, from the files written above (src/report).
    flush();
    const ta = performance.now();
    const artifacts = await writeRunArtifacts(dir);
    say(`wrote ${artifacts.map((f) => basename(f)).join(', ')} in ${((performance.now() - ta) / 1000).toFixed(1)} s`);
    const seconds = (performance.now() - t0) / 1000;
    say(`done in ${seconds.toFixed(1)} s`);
    flush();
    return {
      runDir: resolve(dir),
      summary,
      resumedFrom,
      seconds,
      msPerStep: stepsRun ? sampleMs / stepsRun : NaN,
      msPerModel: stepsRun ? sampleMs / (stepsRun * nw) : NaN,
      warnings,
      plotNote: plots.note,
    };
  } finally {
    await evaluator.close();
  }
}

/** Hands positions to the surrogate's engine ahead of their direct-path evaluation. */
type Prefetch = (xs: readonly ArrayLike<number>[]) => Promise<void>;

/** The parameters of a mock's truth.json (src/run/mock.ts MockTruthFile), by reported name. */
function readTruth(file: string): Record<string, number> {
  let t: { parameters?: Record<string, unknown> };
  try {
    t = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError('--truth', `${file}: ${(e as Error).message.split('\n')[0]}; give a truth.json written by jamfit mock`);
  }
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(t.parameters ?? {})) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  if (Object.keys(out).length === 0) throw new InputError('--truth', `${file} has no numeric "parameters"; give a truth.json written by jamfit mock`);
  return out;
}

/**
 * A posterior piled up against a bound of its prior (the 95% interval within 1% of the range
 * from the bound, in the sampled coordinate) that is not a physical limit says the data want a model the prior or the
 * training domain excludes: the numbers are then the bound's, not a measurement.
 */
/**
 * The box edges' counterpart for the prior's joint constraints (likelihoods/fit-prior.ts): a
 * warning for each one that 2.5% or more of the posterior draws lie within 0.01 of (in slack
 * units: an intrinsic axial ratio, or beta_z; 0.01 is about 1% of either's range, the box
 * check's tolerance). Such a posterior is cut by the model's limits, not by the data.
 */
export function constraintWarnings(samples: Float64Array, problem: { prior: Pick<FitProblem['prior'], 'constraints'>; names: readonly string[] }, engine: FitConfig['engine']): string[] {
  const d = problem.names.length;
  const n = samples.length / d;
  const out: string[] = [];
  if (n === 0) return out;
  for (const c of problem.prior.constraints) {
    let near = 0;
    for (let k = 0; k < n; k++) if (c.slack(samples.subarray(k * d, (k + 1) * d)) < 0.01) near++;
    if (near / n >= 0.025) {
      out.push(`${((100 * near) / n).toFixed(0)}% of the posterior lies within 0.01 of the model's limit ${c.name}: the data want a model beyond it${engine === 'surrogate' ? " (the surrogate's training domain ends there too)" : ''}, so the parameters it ties are set by the limit there, not measured`);
    }
  }
  return out;
}

function edgeWarnings(summary: FitSummary, problem: FitProblem, engine: FitConfig['engine']): string[] {
  const out: string[] = [];
  problem.names.forEach((n, k) => {
    const name = reportedName(n);
    const p = summary.parameters[name];
    if (!p) return;
    const logged = name !== n;
    const f = (v: number) => (logged ? Math.log10(v) : v);
    const lo = problem.prior.lo[k];
    const hi = problem.prior.hi[k];
    const tol = 0.01 * (hi - lo);
    const at = f(p.lo95) - lo < tol ? lo : hi - f(p.hi95) < tol ? hi : null;
    // Physical limits, not the prior's choice: q_M = 1 (round), i = 90 deg (edge-on), no
    // systematic error, no dark matter.
    const physical = (n === 'q_m' && at === 1) || (n === 'inc_deg' && at === 90) || (at === lo && ['log10_f_sys', 'log10_sys_kms', 'f_dm'].includes(n));
    if (at === null || physical) return;
    const bound = logged ? 10 ** at : at;
    out.push(`the posterior of ${name} piles up at its prior bound ${+bound.toPrecision(4)}${engine === 'surrogate' && !logged && !n.startsWith('log10_') ? " (the surrogate's training domain)" : ''}: the data want a model outside the prior; widen the range if you can${engine === 'surrogate' ? ', or fit with --exact' : ''}, and do not quote this interval as a measurement`);
  });
  return out;
}
