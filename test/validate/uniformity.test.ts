/**
 * The uniformity tests on their own, against independent references: the binomial CDF against
 * the summed probability mass function, the chi^2 p-value against its closed form for 2 degrees
 * of freedom, the Kolmogorov distribution against published critical values, and the KS test's
 * false-positive rate on seeded uniform samples (a known distribution) with its binomial error.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../samplers/rng.ts';
import { binomialBand, binomialCdf, chi2Uniform, kolmogorovQ, ksBandHalfWidth, ksUniform } from '../../src/validate/uniformity.ts';

function pmf(k: number, n: number, p: number): number {
  // log-space binomial coefficient by summing logs: independent of the beta function path.
  let lc = 0;
  for (let i = 1; i <= k; i++) lc += Math.log(n - k + i) - Math.log(i);
  return Math.exp(lc + k * Math.log(p) + (n - k) * Math.log1p(-p));
}

test('binomialCdf equals the summed pmf (n = 400, p = 1/20 and n = 30, p = 0.7)', () => {
  for (const [n, p] of [[400, 0.05], [30, 0.7]]) {
    let s = 0;
    for (let k = 0; k <= n; k++) {
      s += pmf(k, n, p);
      // The beta continued fraction is good to ~1e-13 here; the pmf sum accumulates ~n ulps.
      assert.ok(Math.abs(binomialCdf(k, n, p) - s) < 1e-11, `n ${n} p ${p} k ${k}: ${binomialCdf(k, n, p)} vs ${s}`);
    }
  }
  assert.equal(binomialCdf(-1, 10, 0.3), 0);
  assert.equal(binomialCdf(10, 10, 0.3), 1);
});

test('binomialBand(400, 1/20, 0.99): each tail outside holds <= 0.5%, and one count further in holds more', () => {
  const n = 400;
  const p = 0.05;
  const [lo, hi] = binomialBand(n, p, 0.99);
  let below = 0;
  for (let k = 0; k < lo; k++) below += pmf(k, n, p);
  let above = 0;
  for (let k = hi + 1; k <= n; k++) above += pmf(k, n, p);
  assert.ok(below <= 0.005 && below + pmf(lo, n, p) > 0.005, `lo ${lo}: ${below}`);
  assert.ok(above <= 0.005 && above + pmf(hi, n, p) > 0.005, `hi ${hi}: ${above}`);
  // Around the mean 20 with sd sqrt(19) = 4.36: +-2.58 sd is 8.8..31.2.
  assert.ok(lo >= 8 && lo <= 10 && hi >= 31 && hi <= 33, `[${lo}, ${hi}]`);
});

test('chi2Uniform: the 2-dof p-value is exp(-chi2/2) exactly; equal counts give chi2 0, p 1', () => {
  const r = chi2Uniform([10, 20, 30]);
  // expected 20: chi2 = (100 + 0 + 100)/20 = 10.
  assert.ok(Math.abs(r.chi2 - 10) < 1e-12);
  assert.equal(r.dof, 2);
  assert.ok(Math.abs(r.p - Math.exp(-5)) < 1e-14, `${r.p}`);
  const flat = chi2Uniform([7, 7, 7, 7]);
  assert.equal(flat.chi2, 0);
  assert.equal(flat.p, 1);
});

test('kolmogorovQ matches the published critical values (Smirnov 1948 table: lambda 1.2238, 1.3581, 1.6276)', () => {
  for (const [lambda, q] of [[1.2238, 0.1], [1.3581, 0.05], [1.6276, 0.01]]) {
    // The table is given to 4 decimals in lambda: dQ/dlambda ~ 0.3 there, so Q to ~3e-5.
    assert.ok(Math.abs(kolmogorovQ(lambda) - q) < 1e-4, `Q(${lambda}) = ${kolmogorovQ(lambda)}`);
  }
  assert.equal(kolmogorovQ(0), 1);
  assert.ok(kolmogorovQ(3) < 1e-7);
  // The 99% band is the 1% critical value over sqrt(n) (with Stephens' small correction).
  const n = 400;
  assert.ok(Math.abs(ksBandHalfWidth(n, 0.99) * (Math.sqrt(n) + 0.12 + 0.11 / Math.sqrt(n)) - 1.6276) < 1e-3);
});

test('ksUniform on seeded uniform samples rejects at 5% about 5% of the time (2000 samples of 50, 4 binomial sd)', () => {
  const rng = new Rng('ks-null');
  const reps = 2000;
  let rejected = 0;
  for (let r = 0; r < reps; r++) {
    const u = Array.from({ length: 50 }, () => rng.uniform());
    if (ksUniform(u).p < 0.05) rejected++;
  }
  const sd = Math.sqrt((0.05 * 0.95) / reps);
  assert.ok(Math.abs(rejected / reps - 0.05) < 4 * sd, `rejection rate ${rejected / reps}`);
  // And it sees a shifted sample: u^2 is Beta(1/2, 1), far from uniform at n = 200.
  const v = Array.from({ length: 200 }, () => rng.uniform() ** 2);
  assert.ok(ksUniform(v).p < 1e-6);
  // D of an exact grid of n midpoints is 1/(2n).
  const grid = Array.from({ length: 10 }, (_, i) => (i + 0.5) / 10);
  assert.ok(Math.abs(ksUniform(grid).d - 0.05) < 1e-15);
});
