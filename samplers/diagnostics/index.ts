/**
 * MCMC convergence diagnostics: emcee-style integrated autocorrelation time (Sokal window) and
 * the rank-normalised R-hat / ESS / MCSE of Vehtari et al. (2021). Pure functions; no
 * dependencies beyond the project's error types.
 *
 * This is the public surface, listed name by name. The building blocks (FFT and lag-product
 * accumulator, ranks, splitting and folding, the normal distribution, variance components,
 * chain validation, the classic R-hat kept for comparison) stay importable from their modules
 * for the package's own code and tests but are not part of the API.
 */
export {
  autocorrFunction,
  autocorrTime,
  autocorrTimeDetailed,
  integratedTime,
  type AutocorrOptions,
  type AutocorrResult,
} from './autocorr.ts';
export { AutocorrError } from './errors.ts';
export { ensembleToChains, type ChainShape, type EnsembleChain, type FlatChain, type ParameterChains } from './chain.ts';
export { splitRhat, splitRhatDetailed, type RhatDetail } from './rhat.ts';
export { ess, type EssKind } from './ess.ts';
export { mcse, type McseKind } from './mcse.ts';
export { summarize, formatSummary, type SummaryRow } from './summary.ts';
