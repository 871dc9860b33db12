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
 *   summary.json   src/run/fit-summary.ts;  bins_model.json  data and best model per bin;
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
import type { MlMode } from '../../likelihoods/vrms-grid.ts';
import { DiskBackend } from '../../samplers/backends/disk.ts';
import { EnsembleSampler } from '../../samplers/ensemble.ts';
import { perWalkerEvaluator } from '../../samplers/evaluate/serial.ts';
import { workerPoolEvaluator } from '../../samplers/evaluate/parallel.ts';
import { Rng } from '../../samplers/rng.ts';
import { orientKinematics } from '../data/kinematics-build.ts';
import { readKinematics, type Kinematics } from '../data/kinematics.ts';
import { readPhotometry } from '../data/photometry.ts';
import { sersicToMge } from '../photometry/sersic-mge.ts';
import { version } from '../version.ts';
import { buildFitProblem, type FitProblem, type FitSpec } from './fit-problem.ts';
import { renderFitPlots } from './fit-plots.ts';
import { summarizeFit, type FitSummary } from './fit-summary.ts';

/** The command's options as parsed (undefined = not given). */
export interface FitOptions {
  kinematics: string;
  photometry?: string;
  out?: string;
  distance?: number;
  pa?: number;
  x0?: number;
  y0?: number;
  vsys?: number;
  mask?: string;
  psfSigma?: string;
  psfWeight?: string;
  pixsize?: number;
  massModel?: string;
  mbh?: number;
  exact?: boolean;
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
  workers?: number;
  /** Render corner/maps (SVG+PNG) into the run folder (default true; `jamfit batch --plots none` turns them off). */
  plots?: boolean;
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
  engine: 'exact';
  seed: number;
  walkers: number;
  steps: number | null;
  max_steps: number;
  ml_mode: MlMode;
  prior_inc: IncPrior;
  ranges: FitSpec['ranges'];
  /** sha256 of the spec the likelihood is built from (bins, light, options): changed data are detected. */
  data_fingerprint: string;
}

interface Prepared {
  cfg: FitConfig;
  spec: FitSpec;
  problem: FitProblem;
  kin: Kinematics;
  warnings: string[];
  dataLines: string[];
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
  if (!o.exact) warnings.push('the surrogate engine does not exist yet: using the exact JAM (pass --exact to say so)');
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
  const mask = numberList('--mask', o.mask);
  if (mask && mask.some((v) => !Number.isInteger(v))) throw new InputError('--mask', `is '${o.mask}'; give comma-separated integer bin ids`);

  // Kinematics, then orientation.
  const raw = readKinematics(o.kinematics, { vsys: o.vsys, mask: mask ? { ids: mask } : undefined });
  let paDeg: number | null = o.pa ?? null;
  let paSource = o.pa !== undefined ? '--pa' : 'none (x is the major axis)';
  if (paDeg === null && raw.meta.paDeg !== undefined) {
    paDeg = raw.meta.paDeg;
    paSource = `${o.kinematics} (aperture angle)`;
    warnings.push(`no --pa: using the position angle ${paDeg} deg implied by the data file`);
  }
  if (paDeg !== null && !Number.isFinite(paDeg)) throw new InputError('--pa', `is ${paDeg}; give the position angle in degrees`);
  const x0 = o.x0 ?? 0;
  const y0 = o.y0 ?? 0;
  const kin = paDeg !== null || x0 !== 0 || y0 !== 0 ? orientKinematics(raw, { paDeg: paDeg ?? -90, x0, y0 }) : raw;
  // PA = -90 maps (x, y) -> (x, y): the identity rotation, used when only a centre is given.

  // PSF and pixel: the options, else the file's metadata.
  const ps = numberList('--psf-sigma', o.psfSigma);
  const pw = numberList('--psf-weight', o.psfWeight);
  let psf: FitConfig['psf'] = null;
  let psfSource = 'none';
  if (ps) {
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
  };
  const problem = buildFitProblem(spec);
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
    engine: 'exact',
    seed,
    walkers,
    steps,
    max_steps: maxSteps,
    ml_mode: mlMode,
    prior_inc: priorInc,
    ranges,
    data_fingerprint: fingerprint,
  };
  let vmin = Infinity;
  let vmax = -Infinity;
  for (const v of spec.vrms) [vmin, vmax] = [Math.min(vmin, v), Math.max(vmax, v)];
  const errs = spec.err.slice().sort((a, b) => a - b);
  const dataLines = [
    `kinematics: ${o.kinematics} (${kin.meta.format}), ${kin.x.length} bins, ${good.length} unmasked, ${problem.used.length} used; V_rms ${vmin.toFixed(1)}..${vmax.toFixed(1)} km/s, median error ${errs[errs.length >> 1].toFixed(2)} km/s`,
    `orientation: PA ${paDeg ?? 'none'} deg from ${paSource}; centre (${x0}, ${y0}) arcsec`,
    ...(kin.meta.vsys ? [`systemic velocity: ${kin.meta.vsys.kms.toFixed(2)} km/s (${kin.meta.vsys.method})`] : []),
    `psf: ${psf ? `sigma ${psf.sigma.join(',')}" weight ${psf.weight.join(',')}` : 'none'} (${psfSource}); pixel ${pixsize}"`,
    `photometry: ${o.photometry} (${phot.kind}, ${light.surf.length} Gaussians, q' ${Math.min(...light.qobs)}..${Math.max(...light.qobs)}, light-weighted q' ${problem.prior.qLight.toFixed(4)})`,
    `model: ${problem.model.label}; grid r ${Math.exp(problem.grid.lnRad[0]).toPrecision(3)}..${Math.exp(problem.grid.lnRad[problem.grid.lnRad.length - 1]).toPrecision(4)}" q_med ${problem.grid.qMed}; W ${problem.op.dense ? 'dense (PSF/pixel)' : 'sparse (bilinear)'}`,
    `parameters: ${problem.names.join(', ')}; prior ranges ${problem.names.map((n, k) => `${n} [${problem.prior.lo[k]}, ${problem.prior.hi[k]}]`).join(', ')}; inclination prior ${priorInc}; M/L ${mlMode}${mlMode === 'marginal' ? ' (flat in sqrt(M/L))' : mlMode === 'sample' ? ' (log-uniform)' : ''}`,
    ...(kin.meta.notes ?? []).map((n) => `reader note: ${n}`),
  ];
  return { cfg, spec, problem, kin, warnings, dataLines };
}

const COMPARED: (keyof FitConfig)[] = ['kinematics', 'photometry', 'distance_mpc', 'pa_deg', 'centre', 'vsys', 'mask', 'psf', 'pixsize', 'mass_model', 'mbh', 'engine', 'seed', 'walkers', 'steps', 'max_steps', 'ml_mode', 'prior_inc', 'ranges', 'data_fingerprint'];

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
function startPositions(p: FitProblem, nwalkers: number, seed: number): Float64Array[] {
  const rng = new Rng(`jamfit-fit-start:${seed}`);
  const blob = new Float64Array(p.blobs.length);
  const draws: { x: Float64Array; lp: number }[] = [];
  for (let k = 0; k < 3 * nwalkers; k++) {
    const x = p.prior.draw(rng);
    draws.push({ x, lp: p.logProb(x, blob) });
  }
  const ok = draws.filter((d) => d.lp > -Infinity);
  if (ok.length < nwalkers) throw new InputError('prior', `only ${ok.length} of ${draws.length} prior draws have a finite posterior; check the data and priors`);
  // Stable sort with the draw order as tie-breaker: deterministic for a seed.
  return ok
    .map((d, i) => ({ ...d, i }))
    .sort((a, b) => b.lp - a.lp || a.i - b.i)
    .slice(0, nwalkers)
    .map((d) => d.x);
}

/** Runs (or resumes) a fit; see the module header. */
export async function runFit(o: FitOptions, io: FitIO): Promise<FitOutcome> {
  const t0 = performance.now();
  const prep = prepareFit(o);
  const { cfg, spec, problem, warnings } = prep;
  const dir = o.out!;
  const resuming = checkResume(dir, cfg);
  const logFile = join(dir, 'fit.log');
  const log: string[] = resuming && existsSync(logFile) ? readFileSync(logFile, 'utf8').trimEnd().split('\n') : [];
  const say = (s: string) => log.push(`[${new Date().toISOString()}] ${s}`);
  const flush = () => writeFileAtomic(logFile, log.join('\n') + '\n');
  say(`${resuming ? 'resume' : 'start'}: jamfit ${version}, node ${process.version}; command: jamfit fit ${(o.argv ?? []).join(' ')}`);
  for (const l of prep.dataLines) say(l);
  for (const w of warnings) {
    say(`warning: ${w}`);
    io.err(`jamfit fit: warning: ${w}`);
  }
  if (!resuming) writeFileAtomic(join(dir, 'config.json'), JSON.stringify(cfg, null, 2) + '\n');
  flush();

  const ndim = problem.names.length;
  const nw = cfg.walkers;
  const workers = o.workers ?? 1;
  const runJson = join(dir, 'run.json');
  const sampled = existsSync(runJson) ? (JSON.parse(readFileSync(runJson, 'utf8')) as { status: string; converged: boolean | null; stop: string }) : null;
  const evaluator =
    workers > 1 ? workerPoolEvaluator({ module: new URL(import.meta.url.endsWith('.ts') ? './fit-worker.ts' : './fit-worker.js', import.meta.url), exportName: 'setup', init: spec, workers }) : perWalkerEvaluator(problem.logProb);
  const sampler = new EnsembleSampler({
    nwalkers: nw,
    ndim,
    evaluator,
    seed: cfg.seed,
    blobs: problem.blobs,
    names: problem.names,
    backend: new DiskBackend(dir, { checkpointEvery: 10, minIntervalMs: 0 }),
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
        initial = startPositions(problem, nw, cfg.seed);
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
      say(`sampled ${r.steps} steps (${sampler.iteration} in all) in ${(sampleMs / 1000).toFixed(1)} s with ${workers} worker(s): ${stepsRun ? (sampleMs / stepsRun).toFixed(1) : '-'} ms per step, ${stepsRun ? (sampleMs / (stepsRun * nw)).toFixed(2) : '-'} ms per model; ${stop}`);
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
    nbins: problem.used.length,
    acceptance: sampler.acceptanceFraction.reduce((a, b) => a + b, 0) / nw,
    nanCount: sampler.nanCount,
    converged,
    stop,
  });
  writeFileAtomic(join(dir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');

  // Data and best model per bin (the maps' input).
  const best = problem.prior.unpack(problem.names.map((n) => (n === 'log10_ml' ? Math.log10(summary.best.ml) : summary.best[n])));
  const model = problem.like.modelVrms(best);
  const bx = Float64Array.from(problem.used, (i) => spec.x[i]);
  const by = Float64Array.from(problem.used, (i) => spec.y[i]);
  const bv = Float64Array.from(problem.used, (i) => spec.vrms[i]);
  const be = Float64Array.from(problem.used, (i) => spec.err[i]);
  const r6 = (a: Float64Array) => Array.from(a, (v) => Number(v.toPrecision(7)));
  writeFileAtomic(join(dir, 'bins_model.json'), JSON.stringify({ frame: 'galaxy (x on the major axis), arcsec', x: r6(bx), y: r6(by), vrms: r6(bv), err: r6(be), model_best: r6(model) }) + '\n');
  const discardRow = summary.discard * nw * ndim;
  const plots =
    o.plots === false
      ? { files: [], note: null }
      : renderFitPlots({
          runDir: dir,
          summary,
          samples: sampler.backend.chain().slice(discardRow, nsteps * nw * ndim),
          columns: problem.names,
          bins: { x: bx, y: by, vrms: bv, err: be, model },
          light: spec.light,
          title: basename(o.kinematics),
        });
  if (plots.note) say(plots.note);
  if (plots.files.length) say(`wrote ${plots.files.join(', ')}`);
  for (const name of summary.names) {
    const p = summary.parameters[name];
    say(`posterior ${name}: ${p.median.toPrecision(4)} (68%: ${p.lo68.toPrecision(4)}..${p.hi68.toPrecision(4)})`);
  }
  say(`chi2 ${summary.chi2.toFixed(1)} over ${summary.nbins} bins; tau ${summary.diagnostics.tau.map((t) => t.toFixed(1)).join(', ')}; discard ${summary.discard}; acceptance ${summary.diagnostics.acceptance.toFixed(3)}`);
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
}
