export { checkVrmsData, profiled, marginal, type VrmsData } from './vrms-gaussian.ts';
export { boxPrior, type BoxPrior, type Bounds } from './box-prior.ts';
export { domainSafe, logPosterior, type LogDensity } from './posterior.ts';
