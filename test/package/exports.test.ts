/**
 * The public entries list their names one by one (src/index.ts, samplers/index.ts,
 * samplers/diagnostics/index.ts, likelihoods/index.ts). These checks keep the lists consistent and
 * the internals out: `jamfit` re-exports every name of `jamfit/samplers` and `jamfit/likelihoods`
 * (the same objects), and none of the building blocks below is reachable from any entry.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as main from '../../src/index.ts';
import * as samplers from '../../samplers/index.ts';
import * as diagnostics from '../../samplers/diagnostics/index.ts';
import * as likelihoods from '../../likelihoods/index.ts';

/** Internals, each exported by its own module for the package's code and tests. */
const INTERNALS = [
  // diagnostics building blocks
  'fft', 'nextPow2', 'LagProductAccumulator', 'splitChains', 'rankNormalize', 'foldChains', 'pooledRanks', 'pooledSorted',
  'quantile', 'indicatorChains', 'erfc', 'normalCdf', 'normalQuantile', 'varianceComponents', 'rhatOfPrepared',
  'classicSplitRhat', 'combinedAutocorrelation', 'essOfPrepared', 'essQuantileOfSplit', 'validateChains', 'autoWindow',
  'summarizeChains', 'flatView', 'nestedView', 'toView',
  // sampler internals
  'symmetricEigen', 'toPositions', 'copyState', 'createProgress', 'autoStopSettings', 'currentTau', 'converged',
  'TauMonitor', 'npyHeader', 'readNpyHeader', 'formatPosition', 'errorMessage', 'withCause',
  // numerics and JAM internals
  'nnls', 'qrFactor', 'gammaincP', 'gammaincQ', 'gammaincInv', 'lnGamma', 'erf', 'gaussLegendre', 'transformedRule',
  'graded', 'integrateAdaptive', 'prepareLosKernel', 'losSecondMoment', 'kernelFor', 'vrms2Direct', 'makePolarGrid',
  'polarWeights', 'applyWeights', 'interpolatePolar', 'convolvePsf', 'cartesianGrid', 'interpolateCartesian',
  'mgeCellAverage', 'boxedGaussian', 'pixelCentres', 'thetaLogRGrid', 'interpWeights',
];

test('jamfit re-exports every sampler and likelihood name, as the same object', () => {
  for (const [entry, mod] of [['jamfit/samplers', samplers], ['jamfit/likelihoods', likelihoods]] as const) {
    const names = Object.keys(mod);
    assert.ok(names.length > 0, `${entry} exports nothing`);
    for (const k of names) assert.equal((main as Record<string, unknown>)[k], (mod as Record<string, unknown>)[k], `${entry} exports ${k} but jamfit does not`);
  }
  for (const k of Object.keys(diagnostics)) assert.equal((samplers as Record<string, unknown>)[k], (diagnostics as Record<string, unknown>)[k], `diagnostics exports ${k} but jamfit/samplers does not`);
});

test('no entry exposes an internal', () => {
  for (const [entry, mod] of [['jamfit', main], ['jamfit/samplers', samplers], ['samplers/diagnostics', diagnostics], ['jamfit/likelihoods', likelihoods]] as const) {
    const leaked = INTERNALS.filter((k) => k in mod);
    assert.deepEqual(leaked, [], `${entry} exposes internals`);
  }
});

test('jamfit exports what the README and the user-facing docs call', () => {
  for (const k of ['version', 'jamVrms', 'jamVrms2', 'prepareModel', 'checkMge', 'mgeSurfaceDensity', 'deprojectMge', 'sersicToMge', 'mgeFit1d', 'sersicBn', 'EnsembleSampler', 'stretchMove', 'workerPoolEvaluator', 'ball', 'autocorrTime', 'splitRhat', 'ess', 'mcse', 'summarize', 'formatSummary', 'profiled', 'marginal', 'boxPrior', 'InputError', 'NumericalError', 'AutocorrError']) {
    assert.ok(k in main, `jamfit does not export ${k}`);
  }
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  assert.equal(main.version, pkg.version);
});
