export { checkVrmsData, profiled, marginal, type VrmsData } from './vrms-gaussian.ts';
export { boxPrior, type BoxPrior, type Bounds } from './box-prior.ts';
export { domainSafe, logPosterior, type LogDensity } from './posterior.ts';
// The JAM likelihood pieces: parameters -> grid or binned V_rms^2 (the engines), the fit prior
// with its physical constraints, the noise models, and the likelihoods built from them.
export { exactJamGridModel, haloMassModel, newGridParams, type GridModel, type GridParams, type MassModel, type HaloMassModel } from './grid-model.ts';
export { fitPrior, EXACT_LIMITS, HALO_PRIOR, type FitPrior, type FitPriorOptions, type IncPrior } from './fit-prior.ts';
export { PARAMETERS, parameterDescriptor, parameterLabel, reportedName, toReported, type ParameterDescriptor } from './parameters.ts';
export { noiseModel, withNoisePrior, SYSTEMATICS, LIKELIHOODS, type NoiseModel, type NoisePrior, type Systematics, type LikelihoodKind } from './systematics.ts';
export { gridLikelihood, binnedLikelihood, type BinnedModel, type GridLikelihood, type MlMode } from './vrms-grid.ts';
export { surrogateBinnedModel, type SurrogateBinnedModel } from './surrogate-model.ts';
