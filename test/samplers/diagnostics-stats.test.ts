/**
 * Statistical tests of samplers/diagnostics on seeded synthetic chains with known answers.
 * Every tolerance is set from the estimator's own sampling error (stated next to it), so a
 * broken estimator fails while a correct one passes for any seed with high probability.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autocorrTimeDetailed, splitRhat, ess, mcse } from '../../samplers/diagnostics/index.ts';
import { classicSplitRhat } from '../../samplers/diagnostics/rhat.ts';
import { makeRng, ar1, ar1Flat, phiForTau, chainsOf, type Rng } from './diagnostics-helpers.ts';

const iidChains = (rng: Rng, m: number, n: number, f: (c: number, z: number) => number = (_c, z) => z) =>
  chainsOf(m, (c) => Float64Array.from({ length: n }, () => f(c, rng.normal())));

/*
 * AR(1) with tau = (1+phi)/(1-phi). Sokal: var(tau_hat)/tau^2 ~= 2(2M+1)/N with the window
 * M ~= 5 tau (c = 5) and N the total number of draws averaged (independent walkers), i.e. a
 * relative sd of sqrt(20 tau / N). The mean-subtraction bias is ~ -(2M+1)/nsteps (relative).
 *   tau=3:   32 x 16384  -> N = 5.2e5, M ~ 15:  sd 1.1%,  bias -0.2%
 *   tau=19:  32 x 65536  -> N = 2.1e6, M ~ 95:  sd 1.35%, bias -0.3%
 *   tau=199: 32 x 524288 -> N = 1.7e7, M ~ 997: sd 1.5%,  bias -0.4%
 * so the 5% requirement is > 3 sd away in every case.
 */
for (const [tau, nsteps] of [[3, 16384], [19, 65536], [199, 524288]] as const) {
  test(`AR(1) integrated autocorrelation time tau = ${tau} recovered within 5%`, () => {
    const nwalkers = 32;
    const data = ar1Flat(makeRng(`tau${tau}`), nsteps, nwalkers, phiForTau(tau));
    const r = autocorrTimeDetailed(data, { nsteps, nwalkers, ndim: 1 });
    const M = r.window[0];
    const relSd = Math.sqrt((2 * (2 * M + 1)) / (nsteps * nwalkers));
    const err = r.tau[0] / tau - 1;
    console.log(`# tau=${tau}: estimate ${r.tau[0].toFixed(3)} (${(100 * err).toFixed(2)}%), window M=${M}, predicted sd ${(100 * relSd).toFixed(2)}%`);
    assert.ok(r.reliable);
    assert.ok(relSd < 0.017, `test design: estimator sd ${relSd} too large for a 5% check`);
    assert.ok(Math.abs(err) < 0.05, `tau ${r.tau[0]} vs ${tau}`);
  });
}

test('split R-hat: ~1 for iid chains, > 1.05 for a shifted chain, rank version catches a scale difference', () => {
  const rng = makeRng('rhat');
  for (let rep = 0; rep < 10; rep++) {
    // iid: R-hat - 1 = O(1/N); over 20 seeds of 4 x 1000 the max seen was 1.0015.
    const iid = iidChains(rng, 4, 1000);
    assert.ok(splitRhat(iid) < 1.01, `iid rank R-hat ${splitRhat(iid)}`);
    assert.ok(classicSplitRhat(iid) < 1.01);
    // One chain shifted by 1 sd: 2 of 8 split chains off by delta -> R-hat ~ 1 + 0.107 delta^2 ~ 1.11.
    const shifted = iidChains(rng, 4, 1000, (c, z) => (c === 0 ? z + 1 : z));
    assert.ok(splitRhat(shifted) > 1.05, `shifted ${splitRhat(shifted)}`);
    assert.ok(classicSplitRhat(shifted) > 1.05);
    // One chain with 3x the scale, same mean: the classic R-hat only compares means and stays ~1;
    // the folded (tail) R-hat sees E|x - median| differ (0.80 vs 2.39).
    const scaled = iidChains(rng, 4, 1000, (c, z) => (c === 0 ? 3 * z : z));
    assert.ok(classicSplitRhat(scaled) < 1.01, `classic on scaled ${classicSplitRhat(scaled)}`);
    assert.ok(splitRhat(scaled) > 1.05, `rank on scaled ${splitRhat(scaled)}`);
  }
});

test('rank-normalised R-hat works on a Cauchy target', () => {
  const rng = makeRng('cauchy');
  for (let rep = 0; rep < 10; rep++) {
    const iid = chainsOf(4, () => Float64Array.from({ length: 1000 }, () => rng.cauchy()));
    assert.ok(splitRhat(iid) < 1.01, `iid Cauchy ${splitRhat(iid)}`);
    const shifted = chainsOf(4, (c) => Float64Array.from({ length: 1000 }, () => rng.cauchy() + (c === 0 ? 3 : 0)));
    assert.ok(splitRhat(shifted) > 1.05, `shifted Cauchy ${splitRhat(shifted)}`);
  }
});

test('ESS: iid normal draws give ESS_bulk ~ total draws', () => {
  // 8 x 4000 = 32000 draws; Geyer truncation after ~2 pairs gives a relative sd ~ sqrt(10/S) ~ 2%.
  const rng = makeRng('ess-iid');
  for (let rep = 0; rep < 3; rep++) {
    const ch = iidChains(rng, 8, 4000);
    const r = ess(ch, 'bulk') / 32000;
    assert.ok(Math.abs(r - 1) < 0.1, `ESS_bulk/S = ${r}`);
    assert.ok(Math.abs(ess(ch, 'basic') / 32000 - 1) < 0.1);
  }
});

test('ESS: AR(1) chains give ESS ~ N/tau within 10%', () => {
  // 4 x 50000 draws, tau = 19 -> ESS ~ 10526; Geyer window ~ 3 tau: relative sd ~ sqrt(2(2*60+1)/2e5) ~ 1.1%.
  const rng = makeRng('ess-ar');
  for (const tau of [5, 19]) {
    const ch = chainsOf(4, () => ar1(rng, 50000, phiForTau(tau)));
    const expected = 200000 / tau;
    for (const kind of ['bulk', 'basic'] as const) {
      const e = ess(ch, kind);
      assert.ok(Math.abs(e / expected - 1) < 0.1, `tau ${tau} ${kind}: ESS ${e} vs ${expected}`);
    }
  }
});

test('tail ESS is smaller than bulk ESS for heavy-tailed draws with persistent tails', () => {
  // Stochastic volatility: x_t = exp(1.5 h_t) z_t, h an AR(1) with phi = 0.99. The marginal is a
  // heavy-tailed scale mixture; the bulk (sign) is nearly iid while extreme |x| cluster in time.
  const rng = makeRng('sv');
  const ch = chainsOf(4, () => {
    const x = new Float64Array(20000);
    let h = 0;
    for (let i = 0; i < x.length; i++) {
      h = 0.99 * h + Math.sqrt(1 - 0.99 * 0.99) * rng.normal();
      x[i] = Math.exp(1.5 * h) * rng.normal();
    }
    return x;
  });
  const bulk = ess(ch, 'bulk');
  const tail = ess(ch, 'tail');
  console.log(`# SV process: ESS_bulk ${bulk.toFixed(0)}, ESS_tail ${tail.toFixed(0)}`);
  assert.ok(tail < bulk / 5, `tail ${tail} vs bulk ${bulk}`);
});

test('MCSE of the mean matches the empirical sd of the mean across seeded AR(1) replicas', () => {
  // 400 replicas of 4 x 2500 draws of an AR(1) with tau = 19 (S = 10000, ESS ~ 526). The empirical
  // sd over R replicas has relative error 1/sqrt(2(R-1)) = 3.5%, so a 10% check is ~3 sd wide.
  const rng = makeRng('mcse');
  const R = 400, phi = phiForTau(19);
  const means: number[] = [], medians: number[] = [];
  let sumMcse = 0, sumMcseMed = 0;
  for (let r = 0; r < R; r++) {
    const ch = chainsOf(4, () => ar1(rng, 2500, phi));
    let s = 0;
    const all: number[] = [];
    for (const c of ch) for (const v of c) { s += v; all.push(v); }
    means.push(s / 10000);
    all.sort((a, b) => a - b);
    medians.push((all[4999] + all[5000]) / 2);
    sumMcse += mcse(ch, 'mean');
    sumMcseMed += mcse(ch, { quantile: 0.5 });
  }
  const sd = (xs: number[]) => { const m = xs.reduce((a, b) => a + b) / xs.length; return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1)); };
  const ratio = sumMcse / R / sd(means);
  const ratioMed = sumMcseMed / R / sd(medians);
  console.log(`# MCSE(mean)/empirical sd = ${ratio.toFixed(3)}; theory sqrt(tau/S) = ${Math.sqrt(19 / 10000).toFixed(4)}, empirical ${sd(means).toFixed(4)}; MCSE(median) ratio ${ratioMed.toFixed(3)}`);
  assert.ok(Math.abs(ratio - 1) < 0.1, `MCSE mean ratio ${ratio}`);
  // The quantile MCSE uses a coarser (indicator ESS + quantile difference) approximation: 15%.
  assert.ok(Math.abs(ratioMed - 1) < 0.15, `MCSE median ratio ${ratioMed}`);
});
