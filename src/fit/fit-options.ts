/**
 * `jamfit fit`'s options and their resolution (src/fit/fit.ts runs the fit): FitOptions as the
 * command parses them, and prepareFit, which validates every option, reads and checks the
 * kinematics and photometry, chooses the engine and builds the problem (src/fit/fit-problem.ts)
 * before anything is written. FitConfig is what config.json stores.
 */
import { checkAnchors } from '../surrogate/mfl/anchors.ts';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { InputError } from '../../core/errors.ts';
import { PARAMETERS } from '../../likelihoods/parameters.ts';
import { numberList } from '../run/number-list.ts';
import type { MassModel } from '../../likelihoods/grid-model.ts';
import type { IncPrior } from '../../likelihoods/fit-prior.ts';
import { chooseEngine } from '../engines/choose.ts';
import type { EngineName } from '../engines/names.ts';
import { prepareProgress } from '../engines/progress.ts';
import type { MlMode } from '../../likelihoods/vrms-grid.ts';
import { orientKinematics } from '../data/kinematics-build.ts';
import { resolveGeometry, type GeometryReport } from '../geometry/resolve-geometry.ts';
import { readKinematics, type Kinematics } from '../data/kinematics.ts';
import { readPhotometry } from '../data/photometry.ts';
import { sersicToMge } from '../photometry/sersic-mge.ts';
import { autoRefusal, buildFitProblem, engineCut, engineOf, preparationFingerprint, rememberPreparation, type FitProblem, type FitSpec } from './fit-problem.ts';
import { selfCheck } from './self-check.ts';
import { LIKELIHOODS, SYSTEMATICS, type LikelihoodKind, type Systematics } from '../../likelihoods/systematics.ts';
import { checkClipOptions } from './clip.ts';
import { KAPPA_RANGE } from '../../likelihoods/v-sigma.ts';
import { defaultRaRange } from '../../likelihoods/beta-profile.ts';


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
  /** Surrogate engine: a model directory other than the shipped one (`jamfit train` output). */
  surrogateModel?: string;
  /** Multi-component surrogate: exact anchor maps per galaxy (0: the network alone; default MFL_ANCHORS). */
  anchors?: number;
  /** Velocity-ellipsoid alignment: cyl (default) or sph. */
  align?: string;
  /** What is fitted: vrms (default) or v-sigma (V and sigma with kappa; likelihoods/v-sigma.ts). */
  moments?: string;
  /** kappa's uniform prior range "lo,hi" (--moments v-sigma only; default KAPPA_RANGE). */
  kappaRange?: string;
  /** One kappa per anisotropy group, kappa_1..kappa_G (--moments v-sigma with --beta-groups only). */
  kappaGroups?: boolean;
  /** Anisotropy profile: constant (default) or logistic (Simon, Cappellari & Hartke 2024; --align sph, direct engine). */
  betaProfile?: string;
  /** r_a's prior range "lo,hi" in arcsec (logistic profile; default the MGE's sigma range). */
  raRange?: string;
  /** Anisotropy groups: increasing radii in arcsec, "R1[,R2..]" (one beta_z per group). */
  betaGroups?: string;
  /** Posterior draws the direct exact JAM re-evaluates after sampling (default 16; 0: none; direct engine: none). */
  selfCheck?: number;
  seed?: number;
  walkers?: number;
  steps?: number;
  maxSteps?: number;
  mlMode?: string;
  /** Inclination prior: 'uniform' (in degrees, the default) or 'isotropic' (uniform in cos i). */
  incPrior?: string;
  /** @deprecated The old name of incPrior (`--prior-inc`); refused together with a different incPrior. */
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
  /** The surrogate model directory when not the shipped one (absent otherwise). */
  surrogate_model?: string;
  align: 'cyl' | 'sph';
  moments: 'vrms' | 'v-sigma';
  kappa_range: [number, number] | null;
  /** One kappa per anisotropy group (kappa_<g>) instead of one global kappa. */
  kappa_groups: boolean;
  beta_profile: 'constant' | 'logistic';
  ra_range: [number, number] | null;
  beta_groups: number[] | null;
  mbh_range: [number, number] | null;
  self_check: number;
  seed: number;
  walkers: number;
  steps: number | null;
  max_steps: number;
  ml_mode: MlMode;
  /** The inclination prior (incPrior); the key keeps its first name so that older run folders resume. */
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
  return resolveFit(o, false) as Prepared;
}

/**
 * The fit's spec alone (every option validated, the data read), before any engine preparation:
 * what a caller needs to prepare the engine elsewhere (in worker threads) first.
 */
export function fitSpecOf(o: FitOptions): FitSpec {
  return resolveFit(o, true) as FitSpec;
}

function resolveFit(o: FitOptions, specOnly: boolean): Prepared | FitSpec {
  const warnings: string[] = [];
  if (!o.kinematics) throw new InputError('kinematics', 'missing; give the kinematics file (jamfit fit <kinematics> --photometry <file> --out runs/<name>)');
  if (!o.photometry) throw new InputError('photometry', 'missing; give the Sérsic .json or MGE .ecsv/.csv photometry');
  if (!o.out) throw new InputError('out', 'missing; give the run folder, e.g. --out runs/ngc6278');
  const outDir = o.out;
  if (o.distance === undefined) throw new InputError('distance', 'missing; give the distance in Mpc');
  if (!(o.distance > 0)) throw new InputError('distance', `is ${o.distance}; the distance must be > 0 Mpc`);
  const massModel = oneOf('mass_model', o.massModel, ['qm', 'light'] as const, 'qm');
  const mlMode = oneOf('ml_mode', o.mlMode, ['sample', 'profile', 'marginal'] as const, 'sample');
  // --inc-prior defaults to uniform on the command line, so only a different value conflicts.
  if (o.priorInc !== undefined && o.incPrior !== undefined && o.incPrior !== 'uniform' && o.incPrior !== o.priorInc) {
    throw new InputError('prior_inc', `is the old name of --inc-prior, which says '${o.incPrior}'; give --inc-prior only`);
  }
  const incPrior = oneOf(o.priorInc !== undefined ? 'prior_inc' : 'inc_prior', o.priorInc ?? o.incPrior, ['uniform', 'isotropic'] as const, 'uniform');
  const seed = int('seed', o.seed, 1, 0)!;
  const walkers = int('walkers', o.walkers, 32, 1)!;
  const steps = int('steps', o.steps, undefined, 10) ?? null;
  const maxSteps = int('max_steps', o.maxSteps, 20000, 100)!;
  const workers = int('workers', o.workers, 1, 1)!;
  void workers;
  const mbh = o.mbh ?? 0;
  if (!(mbh >= 0 && Number.isFinite(mbh))) throw new InputError('mbh', `is ${mbh}; give the black-hole mass in Msun, >= 0`);
  if (o.pixsize !== undefined && !(o.pixsize >= 0)) throw new InputError('pixsize', `is ${o.pixsize}; give the pixel side in arcsec, >= 0`);
  const halo = oneOf('halo', o.halo, ['none', 'nfw', 'gnfw'] as const, 'none');
  const P = PARAMETERS;
  const mbhRange = pair(P.log10_mbh.option, o.mbhRange) ?? null;
  if (mbhRange && o.mbh !== undefined) throw new InputError(P.log10_mbh.option, 'samples the black-hole mass; drop --mbh (a fixed mass) or this range');
  const [mbhLo, mbhHi] = P.log10_mbh.limits!;
  if (mbhRange && !(mbhRange[0] >= mbhLo && mbhRange[1] <= mbhHi && mbhRange[0] < mbhRange[1])) throw new InputError(P.log10_mbh.option, `is ${mbhRange.join(',')}; give lo,hi of log10(M_BH/Msun) within [${mbhLo}, ${mbhHi}], lo < hi`);
  const betaGroups = numberList('beta_groups', o.betaGroups) ?? null;
  if (betaGroups) {
    for (let r = 0; r < betaGroups.length; r++) {
      if (!(betaGroups[r] > 0 && Number.isFinite(betaGroups[r]) && (r === 0 || betaGroups[r] > betaGroups[r - 1]))) throw new InputError('beta_groups', `is '${o.betaGroups}'; give increasing radii in arcsec, > 0`);
    }
  }
  const align = oneOf('align', o.align, ['cyl', 'sph'] as const, 'cyl');
  const moments = oneOf('moments', o.moments, ['vrms', 'v-sigma'] as const, 'vrms');
  const kappaRange = pair('kappa_range', o.kappaRange) ?? null;
  if (kappaRange && moments !== 'v-sigma') throw new InputError('kappa_range', 'applies only to --moments v-sigma (kappa is the rotation of the mean velocity V, which a V_rms fit does not see)');
  if (kappaRange && !(kappaRange[0] < kappaRange[1])) throw new InputError('kappa_range', `is '${o.kappaRange}'; give lo,hi with lo < hi`);
  const kappaGroups = o.kappaGroups === true;
  if (kappaGroups && moments !== 'v-sigma') throw new InputError('kappa_groups', 'applies only to --moments v-sigma (kappa is the rotation of the mean velocity V, which a V_rms fit does not see)');
  if (kappaGroups && !betaGroups) throw new InputError('kappa_groups', 'needs anisotropy groups: give --beta-groups R1[,R2..] (one kappa per group)');
  if (moments === 'v-sigma') {
    const e = o.engine ?? 'auto';
    if (e !== 'auto' && e !== 'direct') throw new InputError('moments', `v-sigma fits the first moment, which only the direct engine computes (not ${e}); use --engine direct`);
    if (align !== 'cyl') throw new InputError('moments', 'v-sigma needs the cylindrically aligned JAM (the first moment with kappa is that of Cappellari 2008); use --align cyl');
    if (mlMode !== 'sample') throw new InputError('moments', `v-sigma samples M/L (V is not linear in it alongside sigma); drop --ml-mode ${mlMode}`);
    if (o.clip !== undefined) throw new InputError('moments', 'v-sigma does not clip outliers yet (--clip works on V_rms); drop --clip');
  }
  const betaProfile = oneOf('beta_profile', o.betaProfile, ['constant', 'logistic'] as const, 'constant');
  const raRange = pair('ra_range', o.raRange) ?? null;
  if (raRange && betaProfile !== 'logistic') throw new InputError('ra_range', 'applies only to --beta-profile logistic');
  if (raRange && !(raRange[0] > 0 && raRange[0] < raRange[1])) throw new InputError('ra_range', `is '${o.raRange}'; give lo,hi of the transition radius r_a in arcsec with 0 < lo < hi (r_a <= 0 has no meaning)`);
  if (betaProfile === 'logistic') {
    const e = o.engine ?? 'auto';
    if (e !== 'auto' && e !== 'direct') throw new InputError('beta_profile', `logistic needs the direct engine (the ${e} engine has one beta per group); use --engine direct`);
    if (align !== 'sph') throw new InputError('beta_profile', 'logistic is the anisotropy profile Simon, Cappellari & Hartke (2024) use with the spherically aligned JAM; add --align sph');
    if (betaGroups) throw new InputError('beta_profile', 'logistic and --beta-groups both set the anisotropy of each Gaussian; give one of them');
  }
  let engine = moments === 'v-sigma' || betaProfile === 'logistic' ? 'direct' : chooseEngine(o.engine, o.exact === true, { massModel, halo, blackHole: mbh > 0 || mbhRange !== null, groups: (betaGroups?.length ?? 0) > 0, align });
  const tableTol = o.tableTol ?? null;
  if (tableTol !== null) {
    // The multi-component surrogate tabulates its maps in inclination with the same table.
    if (engine !== 'tabulated' && !(engine === 'surrogate' && massModel === 'light')) throw new InputError('table_tol', `applies to the tabulated engine (and the multi-component surrogate, --mass-model light), not ${engine}`);
    if (!(tableTol >= 1e-9 && tableTol <= 0.1)) throw new InputError('table_tol', `is ${tableTol}; give a relative tolerance in [1e-9, 0.1]`);
  }
  const anchors = o.anchors ?? null;
  if (anchors !== null) {
    if (!(engine === 'surrogate' && massModel === 'light')) throw new InputError('anchors', `applies to the multi-component surrogate (--engine surrogate --mass-model light), not ${engine}`);
    checkAnchors(anchors, 'anchors');
  }
  if (o.surrogateModel !== undefined && engine !== 'surrogate') throw new InputError('surrogate_model', `applies to the surrogate engine, not ${engine}`);
  const selfCheck = int('self_check', o.selfCheck, engine === 'direct' ? 0 : 16, 0)!;
  const ranges: FitSpec['ranges'] = {};
  const br = pair(P.beta_z.option, o.betaRange);
  const qr = pair(P.q_m.option, o.qmRange);
  const ir = pair(P.inc_deg.option, o.incRange);
  const mr = pair(P.log10_ml.option, o.mlRange);
  if (br) ranges.beta_z = br;
  if (qr) {
    if (massModel !== 'qm') throw new InputError(P.q_m.option, 'applies only to --mass-model qm (mass follows light has no q_M)');
    ranges.q_m = qr;
  }
  if (ir) ranges.inc_deg = ir;
  if (mr) {
    if (mlMode !== 'sample') throw new InputError(P.log10_ml.option, `applies only to --ml-mode sample (M/L is ${mlMode}d analytically)`);
    ranges.ml = mr;
  }
  const haloRanges = [[o.fdmRange, 'f_dm'], [o.rsRange, 'log10_rs'], [o.gammaRange, 'gamma']] as const;
  for (const [v, key] of haloRanges) {
    const opt = P[key].option;
    const r = pair(opt, v);
    if (!r) continue;
    if (halo === 'none' || (key === 'gamma' && halo !== 'gnfw')) throw new InputError(opt, `applies only to --halo ${key === 'gamma' ? 'gnfw' : 'nfw or gnfw'}`);
    ranges[key] = r;
  }
  const systematics = oneOf('systematics', o.systematics, SYSTEMATICS, 'fraction');
  const likelihood = oneOf('likelihood', o.likelihood, LIKELIHOODS, 'gaussian');
  const sysRange = pair(P.log10_f_sys.option, o.sysRange) ?? null;
  const clip = o.clip ?? null;
  const clipRounds = int('clip_rounds', o.clipRounds, 5, 1)!;
  if (clip !== null) checkClipOptions(clip, clipRounds);
  else if (o.clipRounds !== undefined) throw new InputError('clip_rounds', 'needs --clip K');
  const rmax = o.rmax ?? null;
  if (rmax !== null && !(Number.isFinite(rmax) && rmax > 0)) throw new InputError('rmax', `is ${rmax}; give the largest radius to fit in arcsec (galaxy frame), > 0`);
  const mask = numberList('mask', o.mask);
  if (mask && mask.some((v) => !Number.isInteger(v))) throw new InputError('mask', `is '${o.mask}'; give comma-separated integer bin ids`);

  // Kinematics, then the geometry (src/geometry/resolve-geometry.ts: --centre, --pa, auto).
  const raw = readKinematics(o.kinematics, { vsys: o.vsys, mask: mask ? { ids: mask } : undefined });
  const geo = resolveGeometry(raw, { centre: o.centre, x0: o.x0, y0: o.y0, pa: o.pa });
  warnings.push(...geo.warnings);
  const paDeg = geo.paDeg;
  const paSource = geo.paSource;
  const [x0, y0] = geo.centre;
  const kin = paDeg !== null || x0 !== 0 || y0 !== 0 ? orientKinematics(raw, { paDeg: paDeg ?? -90, x0, y0 }) : raw;
  if (moments === 'v-sigma' && !(kin.v && kin.vErr && kin.sigma && kin.sigmaErr)) {
    throw new InputError('moments', `v-sigma needs V and sigma with errors; ${o.kinematics} has no v, v_err, sigma, sigma_err columns (V_rms only)`);
  }
  // PA = -90 maps (x, y) -> (x, y): the identity rotation, used when only a centre is given.

  // PSF and pixel: the options, else the file's metadata.
  // `--psf-sigma none` overrides a PSF in the data file's metadata (a fit without seeing).
  const noPsf = o.psfSigma === 'none';
  const ps = noPsf ? undefined : numberList('psf_sigma', o.psfSigma);
  const pw = numberList('psf_weight', o.psfWeight);
  let psf: FitConfig['psf'] = null;
  let psfSource = 'none';
  if (noPsf) {
    if (pw) throw new InputError('psf_weight', 'needs --psf-sigma values, not none');
    psfSource = '--psf-sigma none';
  } else if (ps) {
    const weight = pw ?? ps.map(() => 1);
    if (weight.length !== ps.length) throw new InputError('psf_weight', `has ${weight.length} values for ${ps.length} PSF sigmas; give one weight per sigma`);
    psf = { sigma: ps, weight };
    psfSource = '--psf-sigma';
  } else if (pw) throw new InputError('psf_weight', 'needs --psf-sigma');
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
    if (inside.length === 0) throw new InputError('rmax', `${rmax}" keeps none of the ${good.length} unmasked bins (the nearest is at ${Math.min(...good.map(r)).toPrecision(3)}"); give a larger radius`);
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
    incPrior,
    ranges,
    engine,
    ...(betaGroups ? { betaGroups } : {}),
    ...(mbhRange ? { mbhRange } : {}),
    ...(tableTol !== null ? { tableTol } : {}),
    ...(anchors !== null ? { anchors } : {}),
    ...(o.surrogateModel !== undefined ? { surrogateDir: resolve(o.surrogateModel) } : {}),
    ...(align !== 'cyl' ? { align } : {}),
    sersic: phot.kind === 'sersic' ? { n: phot.params.n, qobs: phot.params.qobs } : null,
    // Absent without a halo, so that a halo-less spec (and its fingerprint) is what it was before.
    ...(halo !== 'none' ? { halo } : {}),
    systematics,
    likelihood,
    ...(o.nu !== undefined ? { nu: o.nu } : {}),
    ...(sysRange ? { sysRange } : {}),
    // Absent for V_rms fits, so that their spec (and fingerprint) is what it was before.
    ...(betaProfile === 'logistic' ? { betaProfile, ...(raRange ? { raRange } : {}) } : {}),
    ...(moments === 'v-sigma' ? { moments, v: pick(kin.v!), vErr: pick(kin.vErr!), sigma: pick(kin.sigma!), sigmaErr: pick(kin.sigmaErr!), ...(kappaRange ? { kappaRange } : {}), ...(kappaGroups ? { kappaGroups } : {}) } : {}),
  };
  // auto's multi-component surrogate is provisional (src/engines/choose.ts): for a galaxy outside
  // its training family, or bins beyond its grid, the tabulated exact engine fits instead. A
  // model named by --surrogate-model is a request for it: its refusals are errors, as with
  // --engine surrogate.
  const provisional = (o.engine ?? 'auto') === 'auto' && engine === 'surrogate' && massModel === 'light' && o.surrogateModel === undefined;
  const fallBack = (why: string) => {
    engine = spec.engine = 'tabulated';
    delete spec.anchors;
    warnings.push(`--engine auto fits with the tabulated exact engine, not the multi-component surrogate: ${why}`);
  };
  if (provisional) {
    const why = autoRefusal(spec);
    if (why) fallBack(why);
  }
  // The tabulated engine's table: read back from the run folder (a resumed fit), else built here
  // once (clipping rounds and the self-check reuse it); it is stored once the folder exists.
  if (specOnly) return spec;
  // The same for any engine whose preparation has a store (src/engines/engine.ts).
  const build = () => {
    const eng = engineOf(spec);
    const prepFp = eng.store ? preparationFingerprint(eng, spec) : null;
    const stored = prepFp ? eng.store!.read(outDir, prepFp) : null;
    if (stored) rememberPreparation(eng, spec, stored);
    const bar = prepFp && !stored ? prepareProgress(engine === 'tabulated' ? 'tabulating' : 'preparing', o.progress ?? true) : null;
    const tb = performance.now();
    try {
      return { problem: buildFitProblem(spec, { onProgress: bar ? (d, p) => bar.update(d, p) : undefined }), stored, tb };
    } finally {
      bar?.stop();
    }
  };
  let { problem, stored, tb } = build();
  // The surrogate refuses beta_z above its collapse limit, which the prior does not know: where
  // that limit cuts the prior, auto leaves the galaxy to the exact engine, which has none.
  if (provisional && spec.engine === 'surrogate') {
    const cut = engineCut(problem);
    if (cut.share > 0) {
      fallBack(`its limit ${cut.limit} refuses ${(100 * cut.share).toPrecision(2)}% of the prior`);
      ({ problem, stored, tb } = build());
    }
  }
  const tableLine = problem.table ? `table: ${problem.table.nodes} nodes (${problem.table.evaluations} ${engine === 'tabulated' ? 'exact' : 'network'} basis evaluations, ${problem.table.components.length} mass components x ${problem.table.nGroups} anisotropy group(s)), interpolation error <= ${problem.table.maxError.toExponential(2)} (tolerance ${problem.table.tol}); ${stored ? 'read from the run folder' : `built in ${(problem.table.buildSeconds ?? (performance.now() - tb) / 1000).toFixed(2)} s`}` : null;
  const ndim = problem.names.length;
  if (walkers < 2 * ndim) throw new InputError('walkers', `is ${walkers} for ${ndim} parameters; use at least 2 x ${ndim} = ${2 * ndim} (32 is a good default)`);
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
    ...(spec.anchors !== undefined ? { anchors: spec.anchors } : {}),
    ...(o.surrogateModel !== undefined ? { surrogate_model: resolve(o.surrogateModel) } : {}),
    align,
    moments,
    kappa_range: moments === 'v-sigma' ? (kappaRange ?? [...KAPPA_RANGE]) : null,
    kappa_groups: kappaGroups,
    beta_profile: betaProfile,
    ra_range: betaProfile === 'logistic' ? (raRange ?? defaultRaRange(light.sigma)) : null,
    beta_groups: betaGroups,
    mbh_range: mbhRange,
    self_check: selfCheck,
    seed,
    walkers,
    steps,
    max_steps: maxSteps,
    ml_mode: mlMode,
    prior_inc: incPrior,
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
    `parameters: ${problem.names.join(', ')}; prior ranges ${problem.names.map((n, k) => `${n} [${problem.prior.lo[k]}, ${problem.prior.hi[k]}]`).join(', ')}; inclination prior ${incPrior}; M/L ${mlMode}${mlMode === 'marginal' ? ' (flat in sqrt(M/L))' : mlMode === 'sample' ? ' (log-uniform)' : ''}`,
    `noise: ${problem.noise.label}${clip !== null ? `; clipping bins beyond ${clip} total errors, up to ${clipRounds} rounds` : ''}${rmax !== null ? `; bins within ${rmax}" only` : ''}`,
    ...(kin.meta.notes ?? []).map((n) => `reader note: ${n}`),
  ];
  return { cfg, spec, problem, kin, good, warnings, dataLines, geometry: geo.report, goodIndex: good };
}
