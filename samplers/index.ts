/**
 * jamfit's ensemble MCMC sampler: an emcee-class affine-invariant ensemble sampler with stretch,
 * differential-evolution, walk and DE-snooker moves; per-walker, batched and worker-pool
 * likelihoods; seeded, checkpointed and resumable runs; and convergence diagnostics.
 *
 * The public surface (also re-exported by the package's main entry), listed name by name so that
 * an internal helper cannot leak into it by being exported from a module.
 */
export { EnsembleSampler, type EnsembleSamplerOptions, type RunOptions, type RunResult, type RunStatus, type ChainOptions } from './ensemble.ts';
export {
  createKernel,
  stackProposals,
  stepTogether,
  toSamplerState,
  fromSamplerState,
  type EnsembleKernel,
  type KernelOptions,
  type KernelState,
  type Proposal,
} from './kernel/kernel.ts';
export { stretchMove, deMove, walkMove, snookerMove, type Move, type ProposalContext, type WeightedMove } from './moves/index.ts';
export { perWalkerEvaluator, batchEvaluator, workerPoolEvaluator, type Evaluator, type EvalBuffers, type LogProbFn, type LogProbBatchFn, type WorkerPoolOptions } from './evaluate/index.ts';
export type { Backend, Dims } from './backends/backend.ts';
export { MemoryBackend } from './backends/memory.ts';
export { DiskBackend, type DiskBackendOptions, type Sidecar } from './backends/disk.ts';
export { readNpy, writeNpy } from './backends/npy.ts';
export { ball, fromOptimum, checkDegenerate, type BallOptions, type FromOptimumOptions } from './start.ts';
export { strandedWalkers, strandThreshold } from './reseat.ts';
export { Rng, type RngState } from './rng.ts';
export type { SamplerState } from './state.ts';
export type { AutoStopOptions } from './autostop.ts';
export type { ProgressOptions } from './progress.ts';

// Convergence diagnostics (autocorrelation time, split R-hat, ESS, MCSE, summaries).
export {
  autocorrFunction,
  autocorrTime,
  autocorrTimeDetailed,
  integratedTime,
  AutocorrError,
  ensembleToChains,
  splitRhat,
  splitRhatDetailed,
  ess,
  mcse,
  summarize,
  formatSummary,
  type AutocorrOptions,
  type AutocorrResult,
  type ChainShape,
  type EnsembleChain,
  type FlatChain,
  type ParameterChains,
  type RhatDetail,
  type EssKind,
  type McseKind,
  type SummaryRow,
} from './diagnostics/index.ts';
