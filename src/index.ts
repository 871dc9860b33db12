/**
 * jamfit's public API. Units throughout: lengths on the sky in arcsec (x along the projected major
 * axis), surface densities in Lsun/pc^2 (light) or Msun/pc^2 (mass), distances in Mpc, velocities
 * in km/s, inclinations in degrees (90 = edge-on).
 */
export { JamfitError, InputError, NumericalError } from '../core/errors.ts';

// Exact JAM forward model.
export { jamVrms, jamVrms2, type JamOptions } from './jam/jam.ts';
export { prepareModel, type JamParams, type PreparedModel } from './jam/model.ts';
export { checkMge, mgeSurfaceDensity, type Mge } from './photometry/mge.ts';
export { deprojectMge, intrinsicQ, minQobs } from './jam/deproject.ts';
export { checkPsf, type Psf } from './operator/psf.ts';
export { pcPerArcsec, G_KMS2_PC_MSUN } from './jam/constants.ts';
export { skyGrid, type SkyGrid } from './operator/pixel-grid.ts';

// Photometry: Sérsic profiles and Multi-Gaussian Expansions.
export { sersicBn, sersicProfile, sersicTotalLuminosity, sersicEnclosedLuminosity, type SersicParams } from './photometry/sersic.ts';
export { mgeFit1d, type MgeFit1dOptions, type MgeFit1dResult } from './photometry/mge-fit-1d.ts';
export { sersicToMge, type SersicMge, type SersicMgeParams, type SersicMgeOptions } from './photometry/sersic-mge.ts';
export { nnls } from './math/nnls.ts';
export { gammaincP, gammaincQ, gammaincInv, lnGamma } from './math/special.ts';

// The grid -> bins operator (polar grid V_rms^2 -> binned, PSF- and pixel-convolved V_rms^2).
export { makePolarGrid, type PolarGrid } from './operator/polar-grid.ts';
export { buildGridToBins, applyGridToBins, applyGridToBinsBatch, binsOutsideGrid, type GridToBins, type GridToBinsSpec } from './operator/grid-to-bins.ts';

// Surrogate output grid.
export { thetaLogRGrid, interpWeights, applyWeights, outsideGrid, DEFAULT_GRID, type ThetaLogRGrid } from './surrogate/grid.ts';

// Ensemble MCMC sampler and diagnostics.
export * from '../samplers/index.ts';

// Likelihoods and priors.
export * from '../likelihoods/index.ts';
