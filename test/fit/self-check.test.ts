/**
 * The self-check's verdict (src/fit/self-check.ts): importance weights and their ESS, and the
 * warning, which follows the spread of d = ln p_direct - ln p_engine over the draws (what
 * reweights the posterior) and not a constant offset (which the normalisation absorbs).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../samplers/rng.ts';
import { importanceWeights, SELF_CHECK_LIMITS, selfCheckWarning, type SelfCheck } from '../../src/fit/self-check.ts';

const check = (d: number[]): SelfCheck => {
  const { ess } = importanceWeights(d);
  const finite = d.every(Number.isFinite);
  return { engine: 'surrogate', draws: d.length, max_abs_dlnl: Math.max(...d.map(Math.abs)), spread_dlnl: finite ? Math.max(...d) - Math.min(...d) : Infinity, ess_fraction: ess / d.length };
};

test('importanceWeights: equal d keep every draw, one dominant draw keeps one, a non-finite d weighs 0', () => {
  assert.equal(importanceWeights([3, 3, 3, 3]).ess, 4);
  assert.ok(Math.abs(importanceWeights([0, -50, -50, -50]).ess - 1) < 1e-12);
  const w = importanceWeights([0, -Infinity, 0, NaN]);
  assert.deepEqual(Array.from(w.w), [1, 0, 1, 0]);
  assert.equal(w.ess, 2);
});

test('a constant offset does not warn; a spread past the limit, a low ESS or a non-finite d does, naming the engine and the numbers', () => {
  assert.equal(selfCheckWarning(check(Array(16).fill(2.5))), null, 'an offset of 2.5 in ln L moves no posterior');
  const r = new Rng(1);
  const small = Array.from({ length: 16 }, () => 0.3 + 0.2 * r.uniform());
  assert.equal(selfCheckWarning(check(small)), null);
  const wide = [...small.slice(0, 15), 0.3 + SELF_CHECK_LIMITS.spreadDlnl + 0.05];
  assert.match(selfCheckWarning(check(wide)) ?? '', /^self-check: the surrogate engine's ln L differs from the direct exact JAM's at 16 posterior draws by amounts that spread over 0\.\d+ \(limit 0\.5; importance-weight ESS \d+\.\d% of the draws\); fit with --engine tabulated or direct before quoting these numbers$/);
  assert.match(selfCheckWarning(check([...small.slice(0, 15), -Infinity])) ?? '', /spread over Infinity/);
  assert.match(selfCheckWarning({ ...check(small), engine: 'tabulated', ess_fraction: 0.85 }) ?? '', /lower --table-tol/);
});

test('the spread limit bounds the ESS: weights within e^s of each other keep ESS / n >= 4 e^-s / (1 + e^-s)^2 (Kantorovich)', () => {
  const s = SELF_CHECK_LIMITS.spreadDlnl;
  const bound = (4 * Math.exp(-s)) / (1 + Math.exp(-s)) ** 2;
  assert.ok(bound > 0.93 && bound < 0.95, `bound ${bound}`);
  const r = new Rng(2);
  let worst = 1;
  for (let t = 0; t < 2000; t++) {
    const n = 2 + r.int(30);
    // The extremes of the bound: a share of the draws at 0, the rest at -s.
    const k = r.int(n + 1);
    const d = Array.from({ length: n }, (_, i) => (t % 2 ? (i < k ? 0 : -s) : -s * r.uniform()));
    worst = Math.min(worst, importanceWeights(d).ess / n);
  }
  assert.ok(worst >= bound - 1e-12, `ESS / n ${worst} below ${bound}`);
  assert.ok(worst < bound + 0.01, `the bound is reached (${worst})`);
});
