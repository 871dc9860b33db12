/**
 * The worker-pool entry of `jamfit fit --workers K`: each worker receives the fit's spec once
 * (workerPoolEvaluator's `init`) and builds the same problem as the main thread from it.
 */
import type { LogProbFn } from '../../samplers/evaluate/evaluator.ts';
import { buildFitProblem, type FitSpec } from './fit-problem.ts';

export function setup(spec: FitSpec): LogProbFn {
  return buildFitProblem(spec).logProb;
}
