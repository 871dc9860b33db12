/**
 * Deterministic checks of samplers/diagnostics: FFT autocorrelation vs the direct sum, the normal
 * and Beta quantiles, R-hat / ESS / MCSE against ArviZ 0.23.4 and the integrated time against
 * emcee 3.1.4 (test/fixtures/diagnostics/, see its README for how the fixtures were made), and
 * input validation. Speed is the benchmark's business (`npm run bench -- sampler`), not a test's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { InputError } from '../../core/errors.ts';
import {
  autocorrFunction, autocorrTime, autocorrTimeDetailed, integratedTime, AutocorrError,
  splitRhat, splitRhatDetailed, ess, mcse, summarize, ensembleToChains, formatSummary,
} from '../../samplers/diagnostics/index.ts';
import { classicSplitRhat } from '../../samplers/diagnostics/rhat.ts';
import { argsort, foldChains, pooledRanks, rankNormalize, rankNormalizeWithFolded } from '../../samplers/diagnostics/rank.ts';
import { normalQuantile, erfc } from '../../samplers/diagnostics/normal.ts';
import { fft } from '../../samplers/diagnostics/fft.ts';
import { betaQuantile } from '../../samplers/diagnostics/beta.ts';
import { makeRng, ar1Flat, phiForTau } from './diagnostics-helpers.ts';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/diagnostics/${name}`, import.meta.url), 'utf8'));
const arviz = fixture('arviz.json');
const emcee = fixture('emcee.json');

function directAcf(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += x[i];
  m /= n;
  const out = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    let s = 0;
    for (let i = 0; i + t < n; i++) s += (x[i] - m) * (x[i + t] - m);
    out[t] = s;
  }
  const c0 = out[0];
  return out.map((v) => v / c0);
}

const close = (a: number, b: number, rel: number, msg: string) =>
  assert.ok(Math.abs(a - b) <= rel * Math.max(Math.abs(b), 1e-300), `${msg}: got ${a}, expected ${b} (rel tol ${rel})`);

test('FFT matches a direct DFT', () => {
  const rng = makeRng('dft');
  const n = 64;
  const re = Float64Array.from({ length: n }, () => rng.normal());
  const im = Float64Array.from({ length: n }, () => rng.normal());
  const r2 = re.slice(), i2 = im.slice();
  fft(r2, i2);
  for (let k = 0; k < n; k++) {
    let sr = 0, si = 0;
    for (let j = 0; j < n; j++) {
      const a = (-2 * Math.PI * j * k) / n;
      sr += re[j] * Math.cos(a) - im[j] * Math.sin(a);
      si += re[j] * Math.sin(a) + im[j] * Math.cos(a);
    }
    assert.ok(Math.abs(r2[k] - sr) < 1e-12 && Math.abs(i2[k] - si) < 1e-12, `bin ${k}`);
  }
  fft(r2, i2, true);
  for (let j = 0; j < n; j++) assert.ok(Math.abs(r2[j] / n - re[j]) < 1e-14, 'round trip');
});

test('FFT autocorrelation equals the direct O(n^2) sum to 1e-12 (several lengths, incl. non powers of two)', () => {
  const rng = makeRng('acf');
  for (const n of [2, 3, 7, 64, 100, 1000, 1537]) {
    const x = Float64Array.from({ length: n }, () => 5 + rng.normal() * 3);
    const a = autocorrFunction(x);
    const b = directAcf(x);
    for (let t = 0; t < n; t++) assert.ok(Math.abs(a[t] - b[t]) < 1e-12, `n=${n} t=${t}: ${a[t]} vs ${b[t]}`);
  }
  // Against emcee's function_1d on walker 0, dim 1 of each fixture chain.
  for (const c of emcee.cases) {
    const a = autocorrFunction(c.chain.map((s: number[][]) => s[0][Math.min(1, s[0].length - 1)]));
    c.acf_walker0_dim1_first20.forEach((v: number, t: number) => assert.ok(Math.abs(a[t] - v) < 1e-12, `${c.name} lag ${t}`));
  }
});

test('normal quantile and erfc agree with scipy to ~1e-15 relative', () => {
  const ref = arviz.normal;
  ref.p.forEach((p: number, i: number) => close(normalQuantile(p), ref.quantile[i], 2e-15, `q(${p})`));
  ref.x.forEach((x: number, i: number) => close(erfc(x), ref.erfc[i], 2e-15, `erfc(${x})`));
  assert.equal(normalQuantile(0), -Infinity);
  assert.equal(normalQuantile(1), Infinity);
  assert.ok(Number.isNaN(normalQuantile(1.5)));
});

test('Beta quantile agrees with scipy.stats.beta.ppf (shapes 1.5 to 3.3e5) to 5e-13 relative', () => {
  // Measured worst 1.4e-13, at a + b = 4e4 and 3.4e5, where ln Gamma's absolute error (~1e-16
  // of ~4e6) limits the CDF; far finer than the order-statistic step the MCSE rounds to.
  for (const [a, b, p, x] of arviz.beta_ppf) close(betaQuantile(p, a, b), x, 5e-13, `Beta(${a}, ${b}) ppf(${p})`);
  assert.equal(betaQuantile(0, 2, 3), 0);
  assert.equal(betaQuantile(1, 2, 3), 1);
  assert.ok(Number.isNaN(betaQuantile(0.5, 0, 3)) && Number.isNaN(betaQuantile(1.5, 2, 3)));
});

for (const c of emcee.cases) {
  test(`integrated time matches emcee ${emcee.versions.emcee} integrated_time: ${c.name}`, () => {
    const opts = { c: c.c, tol: 0 };
    const r = autocorrTimeDetailed(c.chain, opts);
    // Same estimator (walker-averaged FFT autocorrelation, Sokal window): only rounding differs.
    c.tau.forEach((t: number, d: number) => close(r.tau[d], t, 1e-11, `tau[${d}]`));
    assert.deepEqual(Array.from(r.window), c.window);
    // emcee raises AutocorrError with tol = 50 exactly when we flag the estimate unreliable.
    const strict = autocorrTimeDetailed(c.chain, { c: c.c });
    assert.equal(!strict.reliable, c.raises_at_tol50, `reliable = ${strict.reliable}, emcee raises = ${c.raises_at_tol50}`);
    // Flat layout gives the same numbers.
    const shape = { nsteps: c.chain.length, nwalkers: c.chain[0].length, ndim: c.chain[0][0].length };
    const flat = Float64Array.from((c.chain as number[][][]).flat(2));
    assert.deepEqual(autocorrTime(flat, shape, opts), Array.from(r.tau));
  });
}

// Tolerance 1e-12: both sides are the same formulas; only rounding differs (our FFT and
// summation order vs numpy's). Measured worst 1.2e-14. The quantile MCSEs are differences of
// order statistics, so they match exactly or (if a Beta level landed on an index boundary)
// would miss by a whole spacing; they match exactly.
const TOL = 1e-12;
for (const c of arviz.cases) {
  test(`R-hat, ESS, MCSE match ArviZ ${arviz.versions.arviz}: ${c.name}`, () => {
    const e = c.expected;
    const ch: number[][] = c.chains;
    const d = splitRhatDetailed(ch);
    if (ch.length === 1) {
      // Deliberate difference: ArviZ refuses R-hat for one chain (NaN); we split it in two, as the
      // paper and the posterior R package do, and match ArviZ's own formula on the two halves.
      assert.equal(e.rhat, null, 'ArviZ public rhat of one chain is NaN');
      close(d.bulk, e.rhat_single_bulk, TOL, 'rhat bulk');
      close(d.tail, e.rhat_single_tail, TOL, 'rhat tail');
      close(d.rhat, e.rhat_single, TOL, 'rhat');
      close(classicSplitRhat(ch), e.rhat_single_classic, TOL, 'classic rhat');
    } else {
      close(d.bulk, e.rhat_bulk, TOL, 'rhat bulk (az method z_scale)');
      close(d.tail, e.rhat_tail, TOL, 'rhat tail (az method folded)');
      close(splitRhat(ch), e.rhat, TOL, 'rhat (az method rank)');
      close(classicSplitRhat(ch), e.rhat_classic, TOL, 'classic rhat (az method split)');
    }
    // Indicator ESS: where ArviZ's mquantiles threshold sits 1 ulp off numpy's type-7 quantile
    // (see make_arviz_fixture.py), compare with ArviZ's _ess on numpy's threshold ("_npq"),
    // which is our convention; elsewhere with ArviZ's public value.
    const q = (name: string) => e[`ess_${name}_npq`] ?? e[`ess_${name}`];
    close(ess(ch, 'bulk'), e.ess_bulk, TOL, 'ess bulk');
    close(ess(ch, 'basic'), e.ess_basic, TOL, 'ess basic (az method mean)');
    close(ess(ch, 'mean'), e.ess_basic, TOL, 'ess mean');
    close(ess(ch, 'tail'), Math.min(q('q05'), q('q95')), TOL, 'ess tail');
    close(ess(ch, { quantile: 0.05 }), q('q05'), TOL, 'ess q05');
    close(ess(ch, { quantile: 0.25 }), q('q25'), TOL, 'ess q25');
    close(ess(ch, { quantile: 0.5 }), q('median'), TOL, 'ess median');
    close(ess(ch, { quantile: 0.95 }), q('q95'), TOL, 'ess q95');
    close(mcse(ch, 'mean'), e.mcse_mean, TOL, 'mcse mean');
    close(mcse(ch, 'sd'), e.mcse_sd, TOL, 'mcse sd');
    close(mcse(ch, { quantile: 0.5 }), e.mcse_median, TOL, 'mcse median');
    close(mcse(ch, { quantile: 0.05 }), e.mcse_q05, TOL, 'mcse q05');
    close(mcse(ch, { quantile: 0.95 }), e.mcse_q95, TOL, 'mcse q95');
    // summarize() on the same draws laid out as an ensemble (walker = chain), against az.summary.
    const n = ch[0].length;
    const ens = Array.from({ length: n }, (_, s) => ch.map((row) => [row[s]]));
    const [row] = summarize(ens, ['theta']);
    const sm = e.summary;
    close(row.mean, sm.mean, TOL, 'summary mean');
    close(row.sd, sm.sd, TOL, 'summary sd');
    close(row.mcse_mean, sm.mcse_mean, TOL, 'summary mcse_mean');
    close(row.ess_bulk, sm.ess_bulk, TOL, 'summary ess_bulk');
    close(row.ess_tail, Math.min(q('q05'), q('q95')), TOL, 'summary ess_tail');
    if (ch.length > 1) close(row.rhat, sm.r_hat, TOL, 'summary r_hat');
    for (const k of ['q5', 'q50', 'q95'] as const) close(row[k], e[k], TOL, `summary ${k} (numpy.quantile)`);
    assert.equal(row.name, 'theta');
    assert.match(formatSummary([row]), /theta/);
  });
}

test('argsort (radix) sorts like a comparison sort, stably; rankNormalizeWithFolded equals rankNormalize and rankNormalize(foldChains) to the bit', () => {
  const rng = makeRng('argsort');
  const cases: Float64Array[] = [
    new Float64Array(0),
    Float64Array.from([3]),
    Float64Array.from([0, -0, 0, -1e-310, 1e-310, -Number.MAX_VALUE, Number.MAX_VALUE, 5e-324, -5e-324, 1, -1, 1]),
    Float64Array.from({ length: 5000 }, () => rng.normal() * 10 ** Math.floor(rng.uniform() * 40 - 20)),
    Float64Array.from({ length: 3000 }, () => Math.round(rng.normal() * 3)), // many ties
  ];
  for (const v of cases) {
    const p = argsort(v);
    const ref = Array.from(v.keys()).sort((a, b) => v[a] - v[b] || a - b); // stable by index
    assert.deepEqual(Array.from(p), ref, `argsort of ${v.length} values`);
  }
  // Chains like an ensemble's: runs of repeated values (rejections), a median tie, -0.
  for (const [m, n, rep] of [[32, 500, 0.6], [4, 1001, 0], [3, 9, 0.9], [2, 4, 0]] as const) {
    const chains = Array.from({ length: m }, () => {
      const c = new Float64Array(n);
      let x = rng.normal();
      for (let i = 0; i < n; i++) {
        if (rng.uniform() >= rep) x = rng.normal();
        c[i] = x;
      }
      return c;
    });
    chains[0][0] = -0;
    chains[1][0] = 0;
    const both = rankNormalizeWithFolded(chains);
    assert.deepEqual(both.z, rankNormalize(chains), `bulk ${m} x ${n}`);
    assert.deepEqual(both.zFolded, rankNormalize(foldChains(chains)), `folded ${m} x ${n}`);
    // and the ranks themselves against a brute-force count
    const all = chains.flatMap((c) => Array.from(c));
    const r = pooledRanks(chains).flatMap((c) => Array.from(c));
    for (let i = 0; i < all.length; i += 7) {
      const below = all.filter((v) => v < all[i]).length;
      const equal = all.filter((v) => v === all[i]).length;
      assert.equal(r[i], below + (equal + 1) / 2, `rank of draw ${i}`);
    }
  }
});

test('edge cases: NaN -> InputError naming the element; short, ragged and constant chains', () => {
  const rng = makeRng('edge');
  const chains = Array.from({ length: 4 }, () => Array.from({ length: 50 }, () => rng.normal()));
  chains[2][17] = NaN;
  assert.throws(() => splitRhat(chains), (e: unknown) => e instanceof InputError && e.where === 'chains[2][17]' && /NaN/.test(e.message));
  assert.throws(() => ess(chains), InputError);
  assert.throws(() => mcse(chains), InputError);
  assert.throws(() => splitRhat([[1, 2, 3], [1, 2, 3]]), InputError); // < 4 draws
  assert.throws(() => ess([[1, 2, 3, 4], [1, 2, 3]]), InputError); // ragged
  assert.throws(() => splitRhat([]), InputError);
  assert.throws(() => ess([[1, 2, 3, 4]], 'nope' as never), InputError);
  assert.throws(() => mcse([[1, 2, 3, 4]], { quantile: 1 }), InputError);
  const constant = [[2, 2, 2, 2, 2, 2], [2, 2, 2, 2, 2, 2]];
  assert.ok(Number.isNaN(splitRhat(constant)));
  assert.ok(Number.isNaN(ess(constant)));
  assert.ok(Number.isNaN(mcse(constant)));
  assert.equal(classicSplitRhat([[1, 1, 1, 1], [2, 2, 2, 2]]), Infinity); // stuck at different values
  assert.ok(autocorrFunction([3, 3, 3, 3]).every(Number.isNaN));
  assert.throws(() => autocorrFunction([1, NaN, 2]), (e: unknown) => e instanceof InputError && e.where === 'x[1]');
  // Ensemble chain: NaN named by step/walker/dim; constant walker -> tau NaN, unreliable.
  const ens = Array.from({ length: 100 }, (_, s) => [[Math.sin(s)], [s % 7], [1]]);
  const r = autocorrTimeDetailed(ens);
  assert.equal(r.reliable, false);
  assert.ok(Number.isNaN(r.tau[0]));
  assert.match(r.message!, /walker 2 is constant/);
  assert.throws(() => autocorrTime(ens), AutocorrError);
  const bad = ens.map((row) => row.map((p) => p.slice()));
  bad[5][1][0] = NaN;
  assert.throws(() => autocorrTime(bad), (e: unknown) => e instanceof InputError && e.where === 'chain[5][1][0]');
  assert.throws(() => autocorrTime([[[1]], [[2]], [[3]]]), InputError); // 3 steps
  assert.throws(() => autocorrTime(new Float64Array(10), { nsteps: 4, nwalkers: 2, ndim: 2 }), InputError);
  assert.deepEqual(ensembleToChains([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]).map((d) => d.map((c) => Array.from(c))), [[[1, 5], [3, 7]], [[2, 6], [4, 8]]]);
});

test('short chain: AutocorrError carries the estimate; quiet returns it with reliable = false', () => {
  const rng = makeRng('short');
  const data = ar1Flat(rng, 500, 8, phiForTau(30));
  const shape = { nsteps: 500, nwalkers: 8, ndim: 1 };
  let caught: AutocorrError | undefined;
  try { autocorrTime(data, shape); } catch (e) { caught = e as AutocorrError; }
  assert.ok(caught instanceof AutocorrError, 'expected AutocorrError');
  assert.ok(caught.tau[0] > 10 && caught.exitCode === 1);
  const q = autocorrTime(data, shape, { quiet: true });
  assert.equal(q[0], caught.tau[0]);
  const d = autocorrTimeDetailed(data, shape);
  assert.equal(d.reliable, false);
  assert.match(d.message!, /shorter than 50 times/);
  assert.doesNotThrow(() => integratedTime(data.subarray(0, 500), { quiet: true }));
});
