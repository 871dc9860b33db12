/**
 * Warnings about a posterior that a bound of the prior, a joint limit of the model or a limit
 * of the engine (Engine.limitsOf) cuts.
 */
import { type FitProblem } from './fit-problem.ts';
import type { FitSummary } from './fit-summary.ts';
import { parameterDescriptor, reportedName } from '../../likelihoods/parameters.ts';
import type { FitConfig } from './fit-options.ts';

/**
 * The box edges' counterpart for the prior's joint constraints (likelihoods/fit-prior.ts): a
 * warning for each one that 2.5% or more of the posterior draws lie within 0.01 of (in slack
 * units: an intrinsic axial ratio, or beta_z; 0.01 is about 1% of either's range, the box
 * check's tolerance). Such a posterior is cut by the model's limits, not by the data.
 */
export function constraintWarnings(samples: Float64Array, problem: { prior: Pick<FitProblem['prior'], 'constraints'>; names: readonly string[] }, engine: FitConfig['engine'], engineLimits: { name: string; slack(x: ArrayLike<number>): number; fix: string }[] = []): string[] {
  const d = problem.names.length;
  const n = samples.length / d;
  const out: string[] = [];
  if (n === 0) return out;
  const share = (slack: (x: Float64Array) => number) => {
    let near = 0;
    for (let k = 0; k < n; k++) if (slack(samples.subarray(k * d, (k + 1) * d)) < 0.01) near++;
    return near / n;
  };
  for (const c of problem.prior.constraints) {
    const f = share(c.slack);
    if (f >= 0.025) {
      out.push(`${(100 * f).toFixed(0)}% of the posterior lies within 0.01 of the model's limit ${c.name}: the data want a model beyond it${engine === 'surrogate' ? " (the surrogate's training domain ends there too)" : ''}, so the parameters it ties are set by the limit there, not measured`);
    }
  }
  for (const c of engineLimits) {
    const f = share(c.slack);
    if (f >= 0.025) out.push(`${(100 * f).toFixed(0)}% of the posterior lies within 0.01 of the ${engine} engine's limit ${c.name}: the posterior is cut there, not by the data; ${c.fix}`);
  }
  return out;
}

/**
 * A posterior piled up against a bound of its prior (the 95% interval within 1% of the range
 * from the bound, in the sampled coordinate) that is not a physical limit says the data want a model the prior or the
 * training domain excludes: the numbers are then the bound's, not a measurement.
 */
export function edgeWarnings(summary: FitSummary, problem: FitProblem, engine: FitConfig['engine']): string[] {
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
    out.push(`the posterior of ${name} piles up at its prior bound ${+bound.toPrecision(4)}${engine === 'surrogate' && parameterDescriptor(n)?.domain !== undefined ? " (the surrogate's training domain)" : ''}: the data want a model outside the prior; widen the range if you can${engine === 'surrogate' ? ', or fit with --exact' : ''}, and do not quote this interval as a measurement`);
  });
  return out;
}
