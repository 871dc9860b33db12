import assert from 'node:assert/strict';
import { test } from 'node:test';
import seedrandom from 'seedrandom';
import { boxPrior } from '../../likelihoods/box-prior.ts';
import { marginal, profiled } from '../../likelihoods/vrms-gaussian.ts';

const rng = seedrandom('lik');
const n = 50;
const model = Float64Array.from({ length: n }, (_, i) => 150 + 60 * Math.cos(i / 7));
const err = Float64Array.from({ length: n }, () => 3 + 4 * rng());
const trueScale = 1.7;
const gauss = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
const vrms = Float64Array.from(model, (m, i) => trueScale * m + err[i] * gauss());
const data = { vrms, err };

function logL(s: number): number {
  let r = 0;
  for (let i = 0; i < n; i++) r += -0.5 * ((vrms[i] - s * model[i]) / err[i]) ** 2 - Math.log(err[i]) - 0.5 * Math.log(2 * Math.PI);
  return r;
}

test('profiled scale is the maximum of the direct log-likelihood', () => {
  const p = profiled(data, model);
  assert.ok(Math.abs(p.logL - logL(p.scale)) < 1e-9);
  for (const d of [-1e-3, 1e-3]) assert.ok(logL(p.scale + d) < p.logL);
  // s* is an unbiased estimate with sd 1/sqrt(sum m^2/e^2) ~ 0.004: within 5 sd of the truth.
  assert.ok(Math.abs(p.scale - trueScale) < 0.02, `${p.scale}`);
});

test('marginal equals a brute-force integral over the scale', () => {
  const m = marginal(data, model);
  // Trapezoid over s in [0, 4] on a fine grid; the integrand is negligible outside.
  const N = 40000;
  let peak = -Infinity;
  for (let k = 0; k <= N; k++) peak = Math.max(peak, logL((4 * k) / N));
  let sum = 0;
  let mean = 0;
  for (let k = 0; k <= N; k++) {
    const s = (4 * k) / N;
    const w = (k === 0 || k === N ? 0.5 : 1) * Math.exp(logL(s) - peak);
    sum += w;
    mean += w * s;
  }
  const brute = peak + Math.log((sum * 4) / N);
  assert.ok(Math.abs(m.logL - brute) < 1e-6, `${m.logL} vs ${brute}`);
  assert.ok(Math.abs(m.scaleMean - mean / sum) < 1e-8);
});

test('degenerate models give -Infinity', () => {
  assert.equal(profiled(data, new Float64Array(n)).logL, -Infinity);
  assert.equal(marginal(data, new Float64Array(n).fill(NaN)).logL, -Infinity);
});

test('box prior: density, bounds, and refusal to leave the domain', () => {
  const p = boxPrior({ beta_z: [-0.4, 0.4], inc_deg: [60, 90] }, { beta_z: [-0.4, 0.4], inc_deg: [53.13, 90] });
  assert.ok(Math.abs(p.logPrior([0, 70]) + Math.log(0.8 * 30)) < 1e-12);
  assert.equal(p.logPrior([0.5, 70]), -Infinity);
  assert.equal(p.logPrior([0, NaN]), -Infinity);
  assert.throws(() => boxPrior({ beta_z: [-0.5, 0.4] }, { beta_z: [-0.4, 0.4] }), /prior\.beta_z: \[-0\.5, 0\.4\] leaves the domain/);
  assert.throws(() => boxPrior({ q: [1, 0.5] }), /prior\.q: is \[1,0\.5\]; give \[lo, hi\] with finite lo < hi/);
});
