/**
 * `jamfit fit`: one posterior fit into a run folder.
 *
 * Order (so that bad input leaves nothing behind): resolve and validate every option, read and
 * check the kinematics and photometry, build the likelihood and prior (src/fit/fit-problem.ts),
 * check the walkers; only then create the run folder. Files (all written atomically through
 * core/atomic-write.ts, except the chain, which DiskBackend checkpoints crash-safely):
 *   config.json    the resolved options and a fingerprint of the data (a resume with other
 *                  options or other data is refused with one line);
 *   chain.npy, log_prob.npy, blobs.npy (chi2, ml), state.json   the checkpointed chain;
 *   run.json       'sampled' once the sampler has finished (so a kill between the end of sampling
 *                  and the summary does not sample again);
 *   summary.json   src/fit/fit-summary.ts (with the `ppc` block and, with --clip, `clipping`);
 *   ppc.json       the posterior predictive check bin by bin (src/fit/ppc.ts);
 *   bins_model.json  data, best model and total error per bin;
 *   fit.log        command, versions, data summary, warnings, timings.
 * A run killed at any moment and started again with the same command continues from the last
 * checkpoint and, with --steps, ends with the same chain and summary, bit for bit. Without
 * --steps (auto-stop: N > 50 tau, tau stable to 1 %, checked every 100 steps, the check
 * independent of timing) the chain is the same but the stopping step after a resume can differ,
 * because the auto-stop's thinning restarts from its first estimate (samplers/autostop.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { writeFileAtomic } from '../../core/atomic-write.ts';
import { InputError } from '../../core/errors.ts';
import { DiskBackend } from '../../samplers/backends/disk.ts';
import { EnsembleSampler } from '../../samplers/ensemble.ts';
import { perWalkerEvaluator } from '../../samplers/evaluate/serial.ts';
import { workerPoolEvaluator } from '../../samplers/evaluate/parallel.ts';
import { Rng } from '../../samplers/rng.ts';
import { mgeHalfLight } from '../photometry/half-light.ts';
import { version } from '../version.ts';
import { buildFitProblem, engineOf, preparationFingerprint, prepareInParallel, type FitProblem } from './fit-problem.ts';
import { prepareProgress } from '../engines/progress.ts';
import { renderFitPlots } from './fit-plots.ts';
import { summarizeFit, type FitSummary } from './fit-summary.ts';
import { reportedName } from '../../likelihoods/parameters.ts';
import { selfCheck, selfCheckDraws, selfCheckWarning } from './self-check.ts';
import { writeRunArtifacts } from '../report/index.ts';
import { clipOutliers, type ClipResult } from './clip.ts';
import { posteriorPredictive, ppcPositions } from './ppc.ts';
import type { SharedEngine } from '../surrogate/shared-engine.ts';
import type { VSigmaLikelihood } from '../../likelihoods/v-sigma.ts';

import { fitSpecOf, prepareFit, type FitOptions } from './fit-options.ts';
import { checkResume, readTruth } from './fit-folder.ts';
import { constraintWarnings, edgeWarnings } from './fit-warnings.ts';
import { strandedWalkers, strandThreshold } from '../../samplers/reseat.ts';

export { prepareFit, type FitOptions, type FitConfig } from './fit-options.ts';
export { constraintWarnings } from './fit-warnings.ts';

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

/**
 * The burn-in step after which stranded walkers (samplers/reseat.ts) are moved next to good ones;
 * a chain where one was keeps none of the steps before it. About three autocorrelation times of a
 * typical JAM fit (tau 50-80 steps): the ensemble has gathered in its mode by then, and it is
 * below the discard those fits get anyway (3 tau).
 */
export const RESEAT_STEP = 200;

/** Rounds of 3 nwalkers prior draws tried before the start gives up (a prior the model refuses over most of its volume). */
export const START_ROUNDS = 10;

/**
 * Picks the walkers' start: the nwalkers best of 3 nwalkers prior draws (seeded), evaluated in
 * this thread; while fewer than nwalkers of them have a finite posterior (e.g. the multi-component
 * surrogate refuses beta_z above a galaxy's collapse limit, which is not in the prior), another
 * 3 nwalkers, up to START_ROUNDS rounds. A first round with enough finite draws is all there is.
 */
export async function startPositions(p: FitProblem, nwalkers: number, seed: number, prefetch?: Prefetch): Promise<Float64Array[]> {
  const rng = new Rng(`jamfit-fit-start:${seed}`);
  const blob = new Float64Array(p.blobs.length);
  const draws: { x: Float64Array; lp: number }[] = [];
  let ok: typeof draws = [];
  for (let round = 0; round < START_ROUNDS && ok.length < nwalkers; round++) {
    const xs = Array.from({ length: 3 * nwalkers }, () => p.prior.draw(rng));
    await prefetch?.(xs);
    for (const x of xs) draws.push({ x, lp: p.logProb(x, blob) });
    ok = draws.filter((d) => d.lp > -Infinity);
  }
  if (ok.length < nwalkers) throw new InputError('prior', `only ${ok.length} of ${draws.length} prior draws have a finite posterior; check the data and priors`);
  // Stable sort with the draw order as tie-breaker: deterministic for a seed.
  return ok
    .map((d, i) => ({ ...d, i }))
    .sort((a, b) => b.lp - a.lp || a.i - b.i)
    .slice(0, nwalkers)
    .map((d) => d.x);
}

/**
 * The steps a chain must discard for the walkers moved at RESEAT_STEP: RESEAT_STEP when the
 * stored ln p after that step (what the sampler tested) shows a stranded walker, else 0. A pure
 * function of the chain, so a resumed or re-summarised run gets the same discard.
 */
export function reseatDiscard(logProb: Float64Array, nsteps: number, nwalkers: number, ndim: number): number {
  if (nsteps <= RESEAT_STEP) return 0;
  return strandedWalkers(logProb.subarray((RESEAT_STEP - 1) * nwalkers, RESEAT_STEP * nwalkers), ndim).length > 0 ? RESEAT_STEP : 0;
}

/** What a caller running many fits at once shares with them (jamfit batch --lockstep). */
export interface FitContext {
  /** The surrogate's network, in calls shared with the other galaxies (surrogate fits only). */
  shared?: SharedEngine;
}

/** Runs (or resumes) a fit; see the module header. */
export async function runFit(o: FitOptions, io: FitIO, ctx: FitContext = {}): Promise<FitOutcome> {
  const t0 = performance.now();
  await prepareEngineInWorkers(o);
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
  const eng = engineOf(spec);
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
  const batched = engineOf(spec).batchEvaluator;
  const fast = batched ? await batched(problem, ctx.shared) : null;
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
          reseatAt: RESEAT_STEP,
        });
        if (r.reseated.length > 0) say(`step ${RESEAT_STEP}: moved stranded walker(s) ${r.reseated.join(', ')} next to good ones (ln p more than ${strandThreshold(ndim, nw).toFixed(1)} below the best); the steps before are discarded`);
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
    if (nsteps < 8) throw new InputError('steps', `the chain has ${nsteps} steps; a summary needs at least 8`);
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
      minDiscard: reseatDiscard(sampler.backend.logProb(), nsteps, nw, ndim),
    });
    if (problem.table) {
      const t = problem.table;
      summary.table = { nodes: t.nodes, evaluations: t.evaluations, max_error: t.maxError, tolerance: t.tol, components: t.components.length, groups: t.nGroups };
    }
    summary.noise = { systematics: cfg.systematics, likelihood: cfg.likelihood, nu: cfg.nu, inflation: problem.noise.inflation, total_error: problem.noise.label };
    const discardRow = summary.discard * nw * ndim;
    const samples = sampler.backend.chain().slice(discardRow, nsteps * nw * ndim);
    // A posterior cut by a prior bound or by a joint limit of the model.
    const engineLimits = (engineOf(spec).limitsOf?.(problem.prepared) ?? []).map((c) => ({ ...c, slack: (x: ArrayLike<number>) => c.slack(problem.prior.unpack(x)) }));
    for (const w of [...edgeWarnings(summary, problem, cfg.engine), ...constraintWarnings(samples, problem, cfg.engine, engineLimits)]) {
      warnings.push(w);
      say(`warning: ${w}`);
      io.err(`jamfit fit: warning: ${w}`);
    }

    // The fit checks itself against the direct exact JAM (src/fit/self-check.ts).
    if (cfg.self_check > 0 && problem.engine !== 'direct') {
      const draws = selfCheckDraws(samples, ndim, cfg.self_check);
      await prefetch?.(draws);
      const tc = performance.now();
      const c = selfCheck(problem, draws);
      summary.self_check = c;
      say(`self-check against the direct exact JAM at ${c.draws} posterior draws (${((performance.now() - tc) / 1000).toFixed(1)} s): max |d ln L| ${c.max_abs_dlnl.toExponential(2)}, spread ${c.spread_dlnl.toExponential(2)}, importance-weight ESS ${(100 * c.ess_fraction).toFixed(2)}% of the draws`);
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

    // --moments v-sigma: the best model's V and sigma (likelihoods/v-sigma.ts) beside the data.
    let momentsFit: { vErr: Float64Array; sigmaErr: Float64Array; vModel: Float64Array; sigmaModel: Float64Array; v: Float64Array; sigma: Float64Array } | undefined;
    if (spec.moments === 'v-sigma' && 'modelMoments' in problem.like) {
      const mm = (problem.like as VSigmaLikelihood).modelMoments(best);
      const u = (a: number[]) => Float64Array.from(problem.used, (i) => a[i]);
      momentsFit = { v: u(spec.v!), sigma: u(spec.sigma!), vErr: u(spec.vErr!), sigmaErr: u(spec.sigmaErr!), vModel: mm.v, sigmaModel: mm.sigma };
      let cv = 0, cs = 0, rv = 0, rs = 0;
      for (const k of problem.active) {
        cv += ((momentsFit.v[k] - mm.v[k]) / momentsFit.vErr[k]) ** 2;
        cs += ((momentsFit.sigma[k] - mm.sigma[k]) / momentsFit.sigmaErr[k]) ** 2;
        rv += (momentsFit.v[k] - mm.v[k]) ** 2;
        rs += (momentsFit.sigma[k] - mm.sigma[k]) ** 2;
      }
      const na = problem.active.length;
      summary.moments_fit = { moments: 'v-sigma', kappa_range: cfg.kappa_range!, chi2_v: cv, chi2_sigma: cs, nbins: na, rms_v_residual_kms: Math.sqrt(rv / na), rms_sigma_residual_kms: Math.sqrt(rs / na) };
      say(`moments v-sigma, best model: chi2 V ${cv.toFixed(1)}, chi2 sigma ${cs.toFixed(1)} over ${na} bins; rms residual V ${Math.sqrt(rv / na).toFixed(2)}, sigma ${Math.sqrt(rs / na).toFixed(2)} km/s`);
    }

    // Posterior predictive check (src/fit/ppc.ts): ppc.json bin by bin, its numbers in summary.json.
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
    const rows = (bins: typeof ppc.bins) => bins.map((b) => ({ row: rowOf(b.index), ...b }));
    writeFileAtomic(join(dir, 'ppc.json'), JSON.stringify({ ...ppc.summary, bins: rows(ppc.bins), ...(ppc.moments ? { moment_bins: { v: rows(ppc.moments.v.bins), sigma: rows(ppc.moments.sigma.bins) } } : {}) }, null, 1) + '\n');
    writeFileAtomic(join(dir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
    const ps = ppc.summary;
    say(`posterior predictive check (${ps.ndraws} draws, ${((performance.now() - tp) / 1000).toFixed(1)} s): chi2_total ${ps.chi2_total.toFixed(1)} for ${ps.dof} dof (${ps.chi2_per_dof.toFixed(2)} per dof), p-value ${ps.p_value.toFixed(3)}; ${ps.beyond_3sigma.count} of ${ps.moments ? `${2 * ps.nbins} values (V and sigma of ${ps.nbins} bins)` : `${ps.nbins} bins`} beyond 3 sigma (${(100 * ps.beyond_3sigma.fraction).toFixed(2)}%, expected ${(100 * ps.beyond_3sigma.expected_fraction).toFixed(2)}%, binomial p ${ps.beyond_3sigma.p_value.toPrecision(3)})`);
    if (ppc.moments) {
      for (const [name, m] of [['V', ppc.moments.v], ['sigma', ppc.moments.sigma]] as const) {
        const t = m.summary;
        say(`  ${name}: chi2_total ${t.chi2_total.toFixed(1)} over ${t.nbins} bins (${t.chi2_per_bin.toFixed(2)} per bin), p-value ${t.p_value.toFixed(3)}; ${t.beyond_3sigma.count} bins beyond 3 sigma (binomial p ${t.beyond_3sigma.p_value.toPrecision(3)})`);
        for (const b of m.bins) if (Math.abs(b.z) > 3) say(`    beyond 3 sigma: row ${rowOf(b.index)} (x ${b.x.toFixed(2)}", y ${b.y.toFixed(2)}"): ${name} ${b.data.toFixed(1)}, model ${b.model_best.toFixed(1)}, sigma_total ${b.sigma_total.toFixed(1)} km/s, ${b.z.toFixed(2)} sigma`);
      }
    } else for (const b of ppc.bins) if (Math.abs(b.z) > 3) say(`  beyond 3 sigma: row ${rowOf(b.index)} (x ${b.x.toFixed(2)}", y ${b.y.toFixed(2)}"): V_rms ${b.data.toFixed(1)}, model ${b.model_best.toFixed(1)}, sigma_total ${b.sigma_total.toFixed(1)} km/s, ${b.z.toFixed(2)} sigma${b.in_fit ? '' : ' (clipped)'}`);

    const r6 = (a: ArrayLike<number>) => Array.from(a, (v) => Number(v.toPrecision(7)));
    writeFileAtomic(
      join(dir, 'bins_model.json'),
      JSON.stringify({ frame: 'galaxy (x on the major axis), arcsec', x: r6(bx), y: r6(by), vrms: r6(bv), err: r6(be), model_best: r6(model), sigma_total: r6(ppc.bins.map((b) => b.sigma_total)), in_fit: ppc.bins.map((b) => b.in_fit), ...(moments ? { v: r6(moments.v), sigma: r6(moments.sigma) } : {}), ...(momentsFit ? { v_err: r6(momentsFit.vErr), sigma_err: r6(momentsFit.sigmaErr), v_model_best: r6(momentsFit.vModel), sigma_model_best: r6(momentsFit.sigmaModel) } : {}) }) + '\n',
    );
    const plots = o.plots === false ? { files: [] as string[], note: null } : renderFitPlots({
      runDir: dir,
      summary,
      samples,
      columns: problem.names,
      bins: { x: bx, y: by, vrms: bv, err: be, model },
      moments: momentsFit ? { v: momentsFit.v, sigma: momentsFit.sigma } : moments,
      momentsFit,
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

/**
 * With --workers K > 1, an engine that can spread its preparation over threads (the tabulated
 * table build) does so here, before prepareFit, which then finds it prepared (in memory, by
 * fingerprint). Nothing happens when the run folder already holds the preparation.
 */
async function prepareEngineInWorkers(o: FitOptions): Promise<void> {
  const workers = o.workers ?? 1;
  if (!(Number.isInteger(workers) && workers > 1)) return;
  const spec = fitSpecOf(o);
  const eng = engineOf(spec);
  if (!eng.prepareParallel) return;
  const fp = preparationFingerprint(eng, spec);
  if (fp && eng.store && o.out && eng.store.read(o.out, fp)) return;
  const bar = prepareProgress(eng.name === 'tabulated' ? 'tabulating' : 'preparing', o.progress ?? true);
  try {
    await prepareInParallel(spec, workers, bar ? (d, p) => bar.update(d, p) : undefined);
  } finally {
    bar?.stop();
  }
}

/** Hands positions to the surrogate's engine ahead of their direct-path evaluation. */
type Prefetch = (xs: readonly ArrayLike<number>[]) => Promise<void>;
