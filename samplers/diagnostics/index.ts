/**
 * MCMC convergence diagnostics: emcee-style integrated autocorrelation time (Sokal window) and
 * the rank-normalised R-hat / ESS / MCSE of Vehtari et al. (2021). Pure functions; no
 * dependencies beyond the project's error types.
 */
export {
  autocorrFunction,
  autocorrTime,
  autocorrTimeDetailed,
  autoWindow,
  integratedTime,
  type AutocorrOptions,
  type AutocorrResult,
} from './autocorr.ts';
export { AutocorrError } from './errors.ts';
export {
  ensembleToChains,
  validateChains,
  type ChainShape,
  type EnsembleChain,
  type FlatChain,
  type ParameterChains,
} from './chain.ts';
export { splitRhat, splitRhatDetailed, classicSplitRhat, varianceComponents, type RhatDetail, type VarianceComponents } from './rhat.ts';
export { ess, combinedAutocorrelation, type EssKind } from './ess.ts';
export { mcse, type McseKind } from './mcse.ts';
export { summarize, summarizeChains, formatSummary, type SummaryRow } from './summary.ts';
export { splitChains, rankNormalize, foldChains, pooledRanks, quantile } from './rank.ts';
export { erfc, normalCdf, normalQuantile } from './normal.ts';
export { fft, nextPow2, LagProductAccumulator } from './fft.ts';
