export type { Evaluator, EvalBuffers, LogProbFn, LogProbBatchFn } from './evaluator.ts';
export { perWalkerEvaluator, batchEvaluator } from './serial.ts';
export { workerPoolEvaluator, type WorkerPoolOptions } from './parallel.ts';
