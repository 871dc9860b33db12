import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gammaincInv, gammaincP, gammaincQ, lnGamma } from '../../src/math/special.ts';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

test('lnGamma: factorials, half-integers, large and tiny arguments', () => {
  let f = 1;
  for (let k = 1; k <= 30; k++) {
    // Γ(k) = (k-1)!; ln Γ(1) = ln Γ(2) = 0 exactly up to round-off.
    assert.ok(Math.abs(lnGamma(k) - Math.log(f)) <= 1e-14 * Math.max(1, Math.log(f)), `k = ${k}`);
    f *= k;
  }
  // Γ(1/2) = sqrt(pi), Γ(k + 1/2) = (2k-1)!! sqrt(pi) / 2^k.
  let g = Math.sqrt(Math.PI);
  for (let k = 0; k < 20; k++) {
    assert.ok(Math.abs(lnGamma(k + 0.5) - Math.log(g)) <= 2e-15 * Math.max(1, Math.abs(Math.log(g))), `k + 1/2, k = ${k}`);
    g *= k + 0.5;
  }
  assert.ok(rel(lnGamma(100), 359.13420536957539878) < 1e-15);
  assert.ok(rel(lnGamma(1e-8), 18.420680738180208905) < 1e-14);
  // Recurrence Γ(x+1) = x Γ(x) at non-integer points.
  for (const x of [0.013, 0.37, 1.7, 3.3, 12.9, 77.7]) assert.ok(Math.abs(lnGamma(x + 1) - lnGamma(x) - Math.log(x)) < 1e-14 * Math.max(1, lnGamma(x + 1)));
  assert.equal(lnGamma(0), Infinity);
  assert.ok(Number.isNaN(lnGamma(-1)));
  assert.ok(Number.isNaN(lnGamma(NaN)));
});

test('P(1, x) = 1 - exp(-x) and Q(1, x) = exp(-x)', () => {
  for (const x of [1e-8, 0.01, 0.3, 1, 2, 5, 20, 50]) {
    assert.ok(rel(gammaincP(1, x), -Math.expm1(-x)) < 1e-14, `P x = ${x}`);
    assert.ok(rel(gammaincQ(1, x), Math.exp(-x)) < 1e-13, `Q x = ${x}`);
  }
});

test('P(1/2, x) = erf(sqrt x), Q(1/2, x) = erfc(sqrt x)', () => {
  // erf/erfc at z = 0.5, 1, 2, 3 (A&S table 7.1, extended precision values).
  const table: [number, number, number][] = [
    [0.5, 0.5204998778130465, 0.4795001221869535],
    [1, 0.8427007929497149, 0.15729920705028513],
    [2, 0.9953222650189527, 0.004677734981047266],
    [3, 0.9999779095030014, 2.209049699858544e-5],
  ];
  for (const [z, erf, erfc] of table) {
    assert.ok(rel(gammaincP(0.5, z * z), erf) < 1e-14, `erf(${z})`);
    assert.ok(rel(gammaincQ(0.5, z * z), erfc) < 1e-13, `erfc(${z})`);
  }
});

test('recurrence P(a+1, x) = P(a, x) - x^a e^-x / Γ(a+1) on both branches', () => {
  for (const a of [0.3, 1.5, 4, 7.3, 15, 40]) {
    for (const x of [0.1, 0.5 * a, a, a + 1.5, 2 * a + 3]) {
      const lhs = gammaincP(a + 1, x);
      const rhs = gammaincP(a, x) - Math.exp(a * Math.log(x) - x - lnGamma(a + 1));
      // The prefactor exp(a ln x - x - ln Γ) carries ~eps × (a |ln x| + x) of relative error.
      const tol = 4e-16 * (a * Math.abs(Math.log(x)) + x + 20);
      assert.ok(Math.abs(lhs - rhs) < tol * Math.max(lhs, 1e-300) + 1e-16, `a = ${a}, x = ${x}: ${lhs} vs ${rhs}`);
    }
  }
});

test('P + Q = 1 and the edge cases', () => {
  for (const a of [0.05, 0.5, 2, 8, 40]) for (const x of [0.01, 1, a, 3 * a + 5]) assert.ok(Math.abs(gammaincP(a, x) + gammaincQ(a, x) - 1) < 2e-15);
  assert.equal(gammaincP(2, 0), 0);
  assert.equal(gammaincQ(2, 0), 1);
  assert.equal(gammaincP(2, Infinity), 1);
  assert.equal(gammaincQ(2, Infinity), 0);
  assert.ok(Number.isNaN(gammaincP(0, 1)));
  assert.ok(Number.isNaN(gammaincP(1, -1)));
  assert.ok(Number.isNaN(gammaincQ(-2, 1)));
  assert.ok(Number.isNaN(gammaincP(NaN, 1)));
});

test('gammaincInv round-trips to ~1e-14 over a and p, both tails', () => {
  for (const a of [0.01, 0.1, 0.4, 1, 2, 3.3, 8, 13, 40, 200]) {
    for (const p of [1e-12, 1e-6, 0.01, 0.2, 0.5, 0.8, 0.99, 1 - 1e-6, 1 - 1e-12]) {
      const x = gammaincInv(a, p);
      if (x < 1e-300) continue; // the answer underflows (a = 0.01, tiny p)
      // Compare in the tail that carries the information.
      const err = p <= 0.5 ? rel(gammaincP(a, x), p) : rel(gammaincQ(a, x), 1 - p);
      assert.ok(err < 1e-12, `a = ${a}, p = ${p}: x = ${x}, rel err ${err}`);
      // Conditioning: relative error in x is the error in P over x P'(x)/P.
      const back = gammaincInv(a, p <= 0.5 ? gammaincP(a, x) : 1 - gammaincQ(a, x));
      assert.ok(rel(back, x) < 1e-12 || Math.abs(back - x) < 1e-13, `round trip x for a = ${a}, p = ${p}`);
    }
  }
  // Closed forms: a = 1 is the exponential distribution; P(2, b_1) = 1/2 gives b_1.
  assert.ok(rel(gammaincInv(1, 0.5), Math.LN2) < 1e-15);
  assert.ok(rel(gammaincInv(1, 0.9), Math.log(10)) < 1e-15);
  assert.ok(rel(gammaincInv(2, 0.5), 1.6783469900166606) < 1e-15);
  assert.equal(gammaincInv(3, 0), 0);
  assert.equal(gammaincInv(3, 1), Infinity);
  assert.ok(Number.isNaN(gammaincInv(3, 1.5)));
  assert.ok(Number.isNaN(gammaincInv(0, 0.5)));
});
