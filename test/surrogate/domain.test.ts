/** The training domain and its sampler (src/surrogate/domain.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { domainViolation, drawDomain, TRAINING_DOMAIN_V1 } from '../../src/surrogate/domain.ts';

const D = TRAINING_DOMAIN_V1;
const N = 4000;
const draws = Array.from({ length: N }, (_, k) => drawDomain(D, 7, k));

/** Intrinsic q written out here, independently of src/jam/deproject.ts. */
function qIntr(q: number, incDeg: number): number {
  const i = (incDeg * Math.PI) / 180;
  return Math.sqrt(q * q - Math.cos(i) ** 2) / Math.sin(i);
}

/** Kolmogorov-Smirnov distance of a sample from the uniform distribution on [lo, hi]. */
function ksUniform(sample: number[], lo: number, hi: number): number {
  const s = sample.map((v) => (v - lo) / (hi - lo)).sort((a, b) => a - b);
  let d = 0;
  for (let i = 0; i < s.length; i++) d = Math.max(d, (i + 1) / s.length - s[i], s[i] - i / s.length);
  return d;
}

test('the domain contains Table 1 of Simon et al. and widens n and q', () => {
  assert.deepEqual(D.box.beta_z, [-0.4, 0.4]);
  assert.ok(D.box.n[0] <= 2 && D.box.n[1] >= 4);
  assert.ok(D.box.q_L[0] <= 0.6 && D.box.q_M[0] <= 0.6 && D.box.q_L[1] === 1 && D.box.q_M[1] === 1);
  assert.ok(Math.abs(Math.cos((D.box.inc_deg[0] * Math.PI) / 180) - 0.6) < 1e-12 && D.box.inc_deg[1] === 90);
  assert.equal(D.betaEpsFactor, 0.7);
});

test('every draw satisfies the box and the physical constraints', () => {
  for (const p of draws) {
    const [n, qL, qM, beta, inc] = p;
    assert.equal(domainViolation(D, p), null);
    assert.ok(n >= 1 && n <= 6 && qL >= 0.4 && qL <= 1 && qM >= 0.4 && qM <= 1 && beta >= -0.4 && beta <= 0.4 && inc <= 90);
    const qLi = qIntr(qL, inc);
    assert.ok(qLi >= 0.05, `light deprojects: q_intr ${qLi}`);
    assert.ok(qIntr(qM, inc) >= 0.05, 'mass deprojects');
    assert.ok(beta < 0.7 * (1 - qLi), `beta_z ${beta} < 0.7 eps_intr ${0.7 * (1 - qLi)}`);
  }
  // The constraints do bite: rejected points exist, and domainViolation names them.
  assert.match(domainViolation(D, [3, 0.45, 0.9, 0, 55])!, /q_L = 0.45 at inc_deg = 55/);
  assert.match(domainViolation(D, [3, 0.9, 0.45, -0.1, 55])!, /q_M = 0.45/);
  assert.match(domainViolation(D, [3, 1, 1, 0.01, 80])!, /beta_z = 0.01 is not < 0.7 eps_intr/);
  assert.match(domainViolation(D, [7, 1, 1, 0, 80])!, /n = 7 is outside/);
});

test('marginals are uniform where unconstrained (KS at the 1% level, fixed seed)', () => {
  // 1.63 / sqrt(N) is the 1% critical value of the one-sample KS statistic.
  const crit = 1.63 / Math.sqrt(N);
  assert.ok(ksUniform(draws.map((p) => p[0]), 1, 6) < crit, 'n is not constrained: uniform on [1, 6]');
  // q_M >= 0.61 deprojects at every inclination of the box, so there q_M is uniform.
  const qm = draws.map((p) => p[2]).filter((q) => q >= 0.61);
  assert.ok(ksUniform(qm, 0.61, 1) < 1.63 / Math.sqrt(qm.length), 'q_M uniform above 0.61');
  // Every beta_z <= 0 satisfies beta_z < 0.7 eps_intr whatever the shape: uniform on [-0.4, 0].
  const b = draws.map((p) => p[3]).filter((v) => v <= 0);
  assert.ok(ksUniform(b, -0.4, 0) < 1.63 / Math.sqrt(b.length), 'beta_z uniform below 0');
  // The test has power: the constrained q_L marginal is NOT uniform (flat q_L needs high i).
  const dq = ksUniform(draws.map((p) => p[1]), 0.4, 1);
  assert.ok(dq > 2 * crit, `q_L KS distance ${dq}`);
});

test('draw k depends only on the seed and k', () => {
  const again = drawDomain(D, 7, 1234);
  assert.deepEqual(Array.from(again), Array.from(draws[1234]));
  // Reverse order, fresh calls: the same draws (no shared generator state).
  for (let k = 20; k >= 0; k--) assert.deepEqual(Array.from(drawDomain(D, 7, k)), Array.from(draws[k]));
  assert.notDeepEqual(Array.from(drawDomain(D, 8, 5)), Array.from(draws[5]), 'another seed, another draw');
  assert.notDeepEqual(Array.from(draws[5]), Array.from(draws[6]));
});
