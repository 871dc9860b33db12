/**
 * jamfit's public API (`import { ... } from 'jamfit'`). Units throughout: lengths on the sky in
 * arcsec (x along the projected major axis), surface densities in Lsun/pc^2 (light) or Msun/pc^2
 * (mass), distances in Mpc, velocities in km/s, inclinations in degrees (90 = edge-on).
 *
 * Every name is listed: what a user calls to build a model, fit it and check the chains. The
 * numerical building blocks (quadrature, NNLS, special functions, erf, the polar and Cartesian
 * grids and their interpolation, the PSF convolution, FFT, ranks) are internals: they serve the
 * model and may change with it, and general-purpose versions belong in numerics libraries.
 * `jamfit/samplers` and `jamfit/likelihoods` are the same sampler and likelihood names alone.
 */
export { version } from './version.ts';
export { JamfitError, InputError, DomainError, NumericalError } from '../core/errors.ts';

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

// Ensemble MCMC sampler and diagnostics: exactly the explicit list of samplers/index.ts (no
// internals there), so `jamfit` and `jamfit/samplers` cannot drift apart.
export * from '../samplers/index.ts';

// Likelihoods and priors: the explicit list of likelihoods/index.ts.
export * from '../likelihoods/index.ts';

// Spherically aligned JAM (Cappellari 2020) and the cylindrical model's first moment (kappa).
export { vrms2DirectSph, sphGridFor, type SphOptions } from './jam/sph-los.ts';
export { vlosDirect, firstMomentGridFor } from './jam/first-moment.ts';
export { jamVlos } from './jam/first-moment-jam.ts';
export { buildGridToBinsOdd } from './operator/grid-to-bins.ts';

// Engines and the fit without the CLI: a problem (likelihood + prior + posterior) from a
// JSON-serialisable spec for any engine, the tabulated engine on its own, and whole fits.
export { ENGINE_NAMES, type EngineName } from './engines/names.ts';
export { chooseEngine, exactEngineFor, type EngineNeeds } from './engines/choose.ts';
export { buildTabulatedTable, tabulatedBinnedModel, type TabulatedSpec, type TabulatedTable, type TabulatedModel } from './engines/tabulated/model.ts';
export { buildFitProblem, anisotropyGroups, type FitProblem, type FitSpec } from './fit/fit-problem.ts';
export { runFit, prepareFit, type FitOptions, type FitOutcome } from './fit/fit.ts';
export { selfCheck, selfCheckDraws, type SelfCheck } from './fit/self-check.ts';
