/**
 * Every fit checks itself against the reference: after sampling, the direct exact JAM (eq. 28 at
 * every call, src/jam) re-evaluates the log posterior at a few posterior draws spread evenly over
 * the kept chain, with the same bins, prior, noise model and clipping as the fit. With
 * d_k = ln p_direct(x_k) - ln p_engine(x_k), the importance weights w_k = exp(d_k - max d)
 * reweight the engine's posterior into the exact one; their effective sample size
 *     ESS = (sum w)^2 / sum w^2
 * over the draws is the fraction of them the exact posterior keeps. An engine that equals the
 * exact JAM gives d = 0 and ESS = all draws; a drifting one gives a small ESS, and its numbers
 * should not be quoted. (The same test as the vs-exact benchmark, in every run folder.)
 */
import { buildFitProblem, type FitProblem, type FitSpec } from './fit-problem.ts';

export interface SelfCheck {
  /** The fit's engine, checked against 'direct'. */
  engine: string;
  draws: number;
  /** Largest |ln p_direct - ln p_engine| over the draws. */
  max_abs_dlnl: number;
  /** max - min of ln p_direct - ln p_engine over the draws (Infinity when one is not finite): what reweights the posterior; a constant offset does not. */
  spread_dlnl: number;
  /** Importance-weight ESS / draws, in (0, 1]. */
  ess_fraction: number;
}

/**
 * Thresholds past which the fit warns. The posterior moves with the differences of d between
 * draws, not with a constant offset (the normalisation absorbs it), so the measure is the spread
 * s = max d - min d: importance weights within a factor e^s of each other keep
 * ESS / draws >= 4 e^-s / (1 + e^-s)^2 (Kantorovich's inequality), 94% at s = 0.5; and the ESS
 * itself at 90%.
 */
export const SELF_CHECK_LIMITS = { spreadDlnl: 0.5, essFraction: 0.9 };

/**
 * The direct engine's problem on exactly the bins the fit used (the surrogate's grid may have
 * excluded some) and with the same clipped bins.
 */
export function directTwin(problem: FitProblem): FitProblem {
  const spec = problem.spec;
  const used = problem.used;
  const pick = (a: number[]) => used.map((i) => a[i]);
  const pos = new Map(used.map((i, k) => [i, k]));
  const clipped = (spec.clipped ?? []).filter((i) => pos.has(i)).map((i) => pos.get(i)!);
  const twin: FitSpec = { ...spec, x: pick(spec.x), y: pick(spec.y), vrms: pick(spec.vrms), err: pick(spec.err), engine: 'direct', clipped };
  delete twin.tableTol;
  delete twin.anchors;
  return buildFitProblem(twin);
}

/**
 * The draws to check: `nDraws` rows spread evenly over the kept chain (row-major, n x ndim).
 */
export function selfCheckDraws(samples: Float64Array, ndim: number, nDraws: number): Float64Array[] {
  const n = samples.length / ndim;
  const k = Math.min(nDraws, n);
  return Array.from({ length: k }, (_, m) => {
    const row = Math.floor(((m + 0.5) * n) / k);
    return samples.slice(row * ndim, (row + 1) * ndim);
  });
}

/** Compares the fit's log posterior with the direct exact JAM's at `draws` (see the module header). */
export function selfCheck(problem: FitProblem, draws: readonly Float64Array[]): SelfCheck {
  const direct = directTwin(problem);
  const k = draws.length;
  const blob = new Float64Array(problem.blobs.length);
  const diffs: number[] = [];
  for (const x of draws) {
    const a = problem.logProb(x, blob);
    const b = direct.logProb(x, blob);
    diffs.push(b - a);
  }
  const { ess } = importanceWeights(diffs);
  return {
    engine: problem.engine,
    draws: k,
    max_abs_dlnl: diffs.reduce((s, v) => Math.max(s, Math.abs(v)), 0),
    spread_dlnl: diffs.every(Number.isFinite) ? Math.max(...diffs) - Math.min(...diffs) : Infinity,
    ess_fraction: ess / k,
  };
}

/**
 * Self-normalised importance weights from log-density differences d_k = ln p_target - ln p_draws
 * (scaled so that the largest is 1; a non-finite d gets weight 0) and their effective sample size
 * (sum w)^2 / sum w^2, in (0, draws]; 0 when no weight is finite.
 */
export function importanceWeights(d: readonly number[]): { w: Float64Array; ess: number } {
  let top = -Infinity;
  for (const v of d) if (Number.isFinite(v)) top = Math.max(top, v);
  const w = Float64Array.from(d, (v) => (Number.isFinite(v) ? Math.exp(v - top) : 0));
  let sw = 0;
  let sw2 = 0;
  for (const v of w) {
    sw += v;
    sw2 += v * v;
  }
  return { w, ess: sw2 > 0 ? (sw * sw) / sw2 : 0 };
}

/** The warning for a self-check past SELF_CHECK_LIMITS, or null. */
export function selfCheckWarning(c: SelfCheck): string | null {
  if (c.spread_dlnl <= SELF_CHECK_LIMITS.spreadDlnl && c.ess_fraction >= SELF_CHECK_LIMITS.essFraction) return null;
  return `self-check: the ${c.engine} engine's ln L differs from the direct exact JAM's at ${c.draws} posterior draws by amounts that spread over ${c.spread_dlnl.toPrecision(3)} (limit ${SELF_CHECK_LIMITS.spreadDlnl}; importance-weight ESS ${(100 * c.ess_fraction).toFixed(1)}% of the draws); ${c.engine === 'tabulated' ? 'lower --table-tol' : 'fit with --engine tabulated or direct'} before quoting these numbers`;
}
