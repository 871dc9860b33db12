/**
 * Iterative outlier clipping (`jamfit fit --clip K`): fit, mask the bins whose residual exceeds
 * K total errors, fit again, until the set of masked bins stops changing or `maxRounds` rounds
 * have run; the MCMC then samples the likelihood of the bins that remain (FitSpec.clipped).
 *
 * Each round's "fit" is the highest posterior found by Nelder-Mead (src/math/nelder-mead.ts) from
 * the previous round's best (the first round: the best of 64 seeded prior draws), not a full
 * MCMC: the mask needs the best model, not its uncertainty. Residuals are recomputed for every
 * modelled bin each round, so a bin clipped early comes back when a better model explains it
 * (`restored`). Under `--systematics fraction|floor` the total error includes the best f_sys or
 * floor, so only bins that the systematic term cannot absorb are clipped. Deterministic for a
 * spec and seed (a resumed run recomputes the same mask).
 */
import { InputError } from '../../core/errors.ts';
import { Rng } from '../../samplers/rng.ts';
import { nelderMead } from '../math/nelder-mead.ts';
import { buildFitProblem, type FitProblem, type FitSpec } from './fit-problem.ts';

export interface ClipRound {
  round: number;
  /** Bins (spec indices) beyond K after this round's fit, with their residuals. */
  beyond: { index: number; z: number }[];
  /** Newly clipped and restored bins relative to the round's input mask. */
  added: number[];
  restored: number[];
  chi2_total: number;
  log_prob: number;
  evals: number;
}

export interface ClipResult {
  k: number;
  max_rounds: number;
  /** The final mask (spec indices), the one the sampler's likelihood leaves out. */
  clipped: number[];
  rounds: ClipRound[];
  /** True when the last round's fit left the mask unchanged. */
  converged: boolean;
  /** The last round's best vector (a good start for the walkers). */
  best: number[];
}

/** Checks K (> 0) and the rounds (integer >= 1). @throws InputError naming --clip / --clip-rounds. */
export function checkClipOptions(k: number, maxRounds: number): void {
  if (!(typeof k === 'number' && Number.isFinite(k) && k > 0)) throw new InputError('clip', `is ${k}; give the clipping threshold in total errors, > 0 (3 is usual)`);
  if (!(Number.isInteger(maxRounds) && maxRounds >= 1)) throw new InputError('clip_rounds', `is ${maxRounds}; give an integer >= 1`);
}

/** Residuals (data - model) / sigma_total of every modelled bin at x, in problem.used order. */
export function residualsAt(problem: FitProblem, x: ArrayLike<number>): Float64Array {
  const m = problem.like.modelVrms(problem.prior.unpack(x));
  const theta = problem.prior.noiseValue(x);
  const { spec, used, noise } = problem;
  return Float64Array.from(used, (i, k) => (spec.vrms[i] - m[k]) / noise.sigma(spec.err[i], m[k], theta));
}

/** Runs the clipping (see the module header). */
export function clipOutliers(spec: FitSpec, o: { k: number; maxRounds: number; seed: number }): ClipResult {
  checkClipOptions(o.k, o.maxRounds);
  let clipped: number[] = [...(spec.clipped ?? [])].sort((a, b) => a - b);
  let problem = buildFitProblem({ ...spec, clipped });
  const blob = new Float64Array(problem.blobs.length);
  const rng = new Rng(`jamfit-clip:${o.seed}`);
  let best: Float64Array | null = null;
  let bestLp = -Infinity;
  for (let t = 0; t < 64; t++) {
    const x = problem.prior.draw(rng);
    const lp = problem.logProb(x, blob);
    if (lp > bestLp) [best, bestLp] = [x, lp];
  }
  if (!best) throw new InputError('prior', 'no prior draw has a finite posterior; check the data and priors');
  const step = Float64Array.from(problem.prior.lo, (lo, k) => 0.05 * (problem.prior.hi[k] - lo));
  const rounds: ClipRound[] = [];
  let converged = false;
  for (let r = 1; r <= o.maxRounds; r++) {
    const p = problem;
    const nm = nelderMead((x) => -p.logProb(x, blob), best, { step, maxEvals: 150 * step.length, ftol: 1e-4 });
    best = nm.x;
    const z = residualsAt(p, best);
    const beyond: { index: number; z: number }[] = [];
    p.used.forEach((i, k) => {
      if (Math.abs(z[k]) > o.k) beyond.push({ index: i, z: z[k] });
    });
    const next = beyond.map((b) => b.index);
    const was = new Set(clipped);
    const now = new Set(next);
    let chi2 = 0;
    for (const k of p.active) chi2 += z[k] * z[k];
    rounds.push({ round: r, beyond, added: next.filter((i) => !was.has(i)), restored: clipped.filter((i) => !now.has(i)), chi2_total: chi2, log_prob: -nm.f, evals: nm.evals });
    if (next.length === clipped.length && next.every((i) => was.has(i))) {
      converged = true;
      break;
    }
    clipped = next;
    problem = buildFitProblem({ ...spec, clipped });
    if (!(problem.logProb(best, blob) > -Infinity)) throw new InputError('clip', `round ${r} left a likelihood the best model cannot fit; raise --clip`);
  }
  return { k: o.k, max_rounds: o.maxRounds, clipped, rounds, converged, best: Array.from(best) };
}
