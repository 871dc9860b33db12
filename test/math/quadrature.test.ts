import assert from 'node:assert/strict';
import { test } from 'node:test';
import { erf } from '../../src/math/erf.ts';
import { gaussLegendre, graded, integrateAdaptive, transformedRule } from '../../src/math/quadrature.ts';

test('Gauss-Legendre with n nodes integrates x^k exactly for k < 2n', () => {
  for (const n of [1, 2, 5, 16, 48]) {
    const { x, w } = gaussLegendre(n);
    for (let k = 0; k < 2 * n; k += 1) {
      let s = 0;
      for (let i = 0; i < n; i++) s += w[i] * x[i] ** k;
      const exact = k % 2 ? 0 : 2 / (k + 1);
      assert.ok(Math.abs(s - exact) < 1e-13, `n ${n} k ${k}: ${s} vs ${exact}`);
    }
  }
});

test('transformed, graded and adaptive rules integrate known functions on [0, 1]', () => {
  const cases: [(u: number) => number, number][] = [
    [(u) => u * u, 1 / 3],
    [(u) => 1 / Math.sqrt(1 - 0.99 * u * u), Math.asin(Math.sqrt(0.99)) / Math.sqrt(0.99)],
    // A peak at u ~ 1e-3, the shape a black hole gives far from the centre.
    [(u) => u * u * Math.exp(-((u * 1000) ** 2) / 2), Math.sqrt(Math.PI / 2) * 1e-9],
  ];
  for (const [f, exact] of cases) {
    assert.ok(Math.abs(integrateAdaptive(f, { epsrel: 1e-12 }).value / exact - 1) < 1e-10);
    const g = graded(1000);
    let s = 0;
    for (let i = 0; i < g.u.length; i++) s += g.weight[i] * f(g.u[i]);
    assert.ok(Math.abs(s / exact - 1) < 1e-7, `graded: ${s} vs ${exact}`);
    for (let i = 1; i < g.u.length; i++) assert.ok(g.u[i] > g.u[i - 1], 'nodes must increase');
  }
  // The single 48-node rule cannot resolve the narrow peak: the reason the graded rule exists.
  const t = transformedRule(48);
  let s = 0;
  for (let i = 0; i < 48; i++) s += t.weight[i] * cases[2][0](t.u[i]);
  assert.ok(Math.abs(s / cases[2][1] - 1) > 1e-3);
});

test('erf matches tabulated values (Abramowitz & Stegun 7.1) and is odd', () => {
  const table: [number, number][] = [
    [0.1, 0.1124629160182849],
    [0.5, 0.5204998778130465],
    [1, 0.8427007929497149],
    [1.9, 0.9927904292352575],
    [2, 0.9953222650189527],
    [3, 0.9999779095030014],
    [4.5, 0.9999999998033839],
  ];
  for (const [x, v] of table) {
    assert.ok(Math.abs(erf(x) - v) < 2e-15, `erf(${x}) = ${erf(x)}`);
    assert.equal(erf(-x), -erf(x));
  }
  assert.equal(erf(0), 0);
});
