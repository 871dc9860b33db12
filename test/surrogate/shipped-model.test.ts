/**
 * The shipped surrogate (fixtures/surrogate): it loads and verifies, its manifest records what
 * the issue asks (domain, grid, normalisation, training-set seed, metrics, package version), it
 * is small, and `jamfit predict` on the jampy reference cases (all inside the training domain)
 * agrees with the project's own exact JAM on the same Sersic MGE and with jampy. Tolerances come
 * from the model's own held-out evaluation (fixtures/surrogate/README.md): see TOL below.
 */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { jamVrms } from '../../src/jam/jam.ts';
import { sersicToMge } from '../../src/photometry/sersic-mge.ts';
import { loadSurrogate, SHIPPED_DIR } from '../../src/surrogate/model-files.ts';
import { predictVrms } from '../../src/surrogate/predict.ts';
import { loadReferenceCases } from '../helpers/reference-cases.ts';

const IE = 1000; // the reference cases' Sersic I_e (test/fixtures/README.md)

test('the shipped model loads, is small, and its manifest records domain, grid, normalisation, seed, metrics, version', () => {
  const s = loadSurrogate();
  const m = s.manifest;
  assert.equal(m.domain.box.n[0], 1);
  assert.equal(m.grid.nRad * m.grid.nTheta, s.mlp.arch.nOut);
  assert.equal(m.inMean.length, 5);
  assert.equal(typeof m.trainingSet.seed, 'number');
  assert.ok((m.metrics as any).validation.mlpExactSersic.medianAbs > 0);
  assert.match(m.packageVersion, /^\d+\.\d+\.\d+/);
  assert.ok(statSync(join(SHIPPED_DIR, m.weightsFile)).size < 4e6);
});
