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
import { NETWORK_INPUTS_V2 } from '../../src/surrogate/normalise.ts';
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
  assert.deepEqual(m.inputs, [...NETWORK_INPUTS_V2]);
  assert.equal(m.inMean.length, NETWORK_INPUTS_V2.length);
  assert.equal(typeof m.trainingSet.seed, 'number');
  assert.ok((m.metrics as any).validation.mlpExactSersic.medianAbs > 0);
  assert.match(m.packageVersion, /^\d+\.\d+\.\d+/);
  assert.ok(statSync(join(SHIPPED_DIR, m.weightsFile)).size < 4e6);
});

// The targets (median |error| <= 0.1%, max <= 1%) on the 12 jampy reference cases
// (n 2..4, q >= 0.6, inside the domain). Measured with the shipped v3 model (exact Sérsic /
// through the CNN, against the own exact JAM and against jampy): medians 0.010-0.042%, max
// 0.066-0.216% (scratch script in the closing note of issue 8). Max bound 0.5%: 2.3x the worst
// case; a broken scale, R_e definition, interpolation or feature path costs >= 1% (measured on
// v2: the nominal instead of the MGE half-light R_e gives max 1.06%).
const TOL = { max: 0.005, median: 0.001 };

function errors(a: ArrayLike<number>, b: ArrayLike<number>) {
  const e = Array.from(a, (v, i) => Math.abs(v / b[i] - 1)).sort((x, y) => x - y);
  return { median: e[e.length >> 1], max: e[e.length - 1] };
}

test('predict on the jampy reference cases agrees with the exact JAM of the same Sersic MGE (and with jampy)', async () => {
  const s = loadSurrogate();
  for (const c of loadReferenceCases()) {
    const p = c.sersic;
    const input = { sersic: { n: p.n, re_arcsec: p.R_e_arcsec, q: p.qL, ie_lsun_pc2: IE }, distance_mpc: c.params.distanceMpc, ml: 1, beta_z: p.beta_z, q_m: p.qM, inc_deg: p.inc_deg, x: c.polar.x, y: c.polar.y };
    const light = sersicToMge({ n: p.n, Re: p.R_e_arcsec, Ie: IE, qobs: p.qL });
    const exact = jamVrms({ mgeLum: light, mgePot: { surf: light.surf, sigma: light.sigma, qobs: new Float64Array(light.sigma.length).fill(p.qM) }, incDeg: p.inc_deg, beta: p.beta_z, distanceMpc: c.params.distanceMpc }, c.polar.x, c.polar.y);
    for (const viaCnn of [false, true]) {
      const { vrms } = await predictVrms(s, input, { viaCnn });
      for (const [ref, name] of [[exact, 'own exact JAM'], [c.polar.vrms, 'jampy']] as const) {
        const e = errors(vrms, ref);
        assert.ok(e.max <= TOL.max && e.median <= TOL.median, `${c.name} (${viaCnn ? 'via CNN' : 'exact Sersic'}) vs ${name}: median ${e.median}, max ${e.max}`);
      }
    }
  }
});
