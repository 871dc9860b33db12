/** EnsembleSampler API: start checks, error reporting, chain access, determinism, continuation, auto-stop, start helpers. */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { InputError, NumericalError } from '../../core/errors.ts';
import { ball, EnsembleSampler, fromOptimum, MemoryBackend, Rng, stretchMove, deMove } from '../../samplers/index.ts';
import { createProgress } from '../../samplers/progress.ts';
import { checkDue, stuckWalkers } from '../../samplers/autostop.ts';
import { corr2, corr2Draws, nanOutside, stdNormal, stdNormalBatch, stdNormalBlob, throwsFarOut } from './fixtures/targets.ts';

const draws = (n: number, D: number, seed: number, sd = 1) => {
  const r = new Rng(seed);
  return Array.from({ length: n }, () => Array.from({ length: D }, () => sd * r.normal()));
};

test('start checks: too few walkers, wrong shapes, non-finite values, one likelihood', () => {
  assert.throws(() => new EnsembleSampler({ nwalkers: 5, ndim: 3, logProb: stdNormal }), (e: unknown) => e instanceof InputError && e.where === 'nwalkers' && /at least 2 x ndim = 6/.test(e.message));
  assert.throws(() => new EnsembleSampler({ nwalkers: 8, ndim: 0, logProb: stdNormal }), /ndim: must be an integer >= 1/);
  assert.throws(() => new EnsembleSampler({ nwalkers: 8, ndim: 2 }), /give exactly one of logProb, logProbBatch or evaluator \(got 0\)/);
  assert.throws(() => new EnsembleSampler({ nwalkers: 8, ndim: 2, logProb: stdNormal, logProbBatch: stdNormalBatch }), /got 2/);
});

test('start checks: bad starting positions and log-probabilities are named', async () => {
  const s = () => new EnsembleSampler({ nwalkers: 8, ndim: 2, logProb: (x) => (x[0] > 5 ? -Infinity : stdNormal(x)), seed: 1 });
  const init = draws(8, 2, 1);
  await assert.rejects(s().run(init.slice(0, 7), 1), /initial: has 7 rows; need one row per walker \(nwalkers = 8\)/);
  await assert.rejects(s().run(init.map((r, k) => (k === 2 ? [1] : r)), 1), /initial\[2\]: has 1 values; need ndim = 2/);
  await assert.rejects(s().run(init.map((r, k) => (k === 4 ? [r[0], NaN] : r)), 1), /initial\[4\]\[1\]: is NaN/);
  const bad = init.map((r, k) => (k === 3 ? [6, r[1]] : r));
  await assert.rejects(s().run(bad, 1), (e: unknown) => e instanceof InputError && e.where === 'initial[3]' && /log-probability is -Infinity at \[6, .*start walkers inside the prior/.test(e.message));
  const noReturn = new EnsembleSampler({ nwalkers: 8, ndim: 2, logProb: (() => {}) as unknown as (x: Float64Array) => number });
  await assert.rejects(noReturn.run(init, 1), /initial\[0\]: log-probability is NaN at .*returns no number/);
  await assert.rejects(s().run(init.map((r) => [r[0], 2 * r[0] + 1]), 1), /initial: walkers lie on a lower-dimensional subspace .*-?0\.\d\d\*p0 \+ -?0\.\d\d\*p1/);
  await assert.rejects(s().run(init.map((r) => [r[0], 0.5]), 1), /all walkers have the same value of parameter 1/);
  // A start that is degenerate only in absolute terms (tiny scale of one parameter) is fine.
  await s().run(init.map((r) => [r[0], 1e-9 * r[1]]), 1);
  // Run twice from a start: the second call must continue (null) or use a fresh backend.
  const ok = s();
  await ok.run(init, 2);
  await assert.rejects(ok.run(init, 2), /already holds 2 steps; pass null/);
  await assert.rejects(s().run(null, 2), /no state to continue from/);
});

test('NaN log-probabilities count as -Infinity and are reported; +Infinity is an error', async () => {
  const s = new EnsembleSampler({ nwalkers: 16, ndim: 2, logProb: nanOutside, seed: 2 });
  const res = await s.run(draws(16, 2, 2, 0.3), 500);
  assert.ok(res.nanCount > 0 && res.nanCount === s.nanCount, `nanCount ${res.nanCount}`);
  for (const p of s.getChain({ flat: true })) assert.ok(Math.abs(p[0]) <= 1.5);
  const inf = new EnsembleSampler({ nwalkers: 16, ndim: 2, logProb: (x) => (x[0] > 1 ? Infinity : stdNormal(x)), seed: 2 });
  await assert.rejects(inf.run(draws(16, 2, 2, 0.3), 500), (e: unknown) => e instanceof NumericalError && /\+Infinity at walker \d+, x = \[/.test(e.message));
});

test('an exception in the log-probability names the walker and its position', async () => {
  const s = new EnsembleSampler({ nwalkers: 16, ndim: 2, logProb: throwsFarOut, seed: 3 });
  await assert.rejects(s.run(draws(16, 2, 3, 0.5), 5000), (e: unknown) => {
    assert.ok(e instanceof NumericalError);
    const m = /logProb threw at walker (\d+), x = \[([-\d.e]+), ([-\d.e]+)\]: model diverged/.exec(e.message);
    assert.ok(m, e.message);
    assert.ok(Number(m[2]) > 2.5, 'the position shown is the one that threw');
    assert.ok((e as Error & { cause?: Error }).cause instanceof Error);
    return true;
  });
  await assert.rejects(s.run(null, 10), /an earlier run stopped mid-step \(logProb threw at walker/);
  const b = new EnsembleSampler({ nwalkers: 16, ndim: 2, logProbBatch: () => { throw new Error('GPU gone'); }, seed: 3 });
  await assert.rejects(b.run(draws(16, 2, 3), 1), /logProbBatch threw on a batch of 16 walkers .*GPU gone/);
  const short = new EnsembleSampler({ nwalkers: 16, ndim: 2, logProbBatch: () => new Float64Array(3), seed: 3 });
  await assert.rejects(short.run(draws(16, 2, 3), 1), /logProbBatch: returned 3 values for a batch of 16 walkers/);
});

test('getChain / getLogProb / getBlobs: shapes, discard, thin, flat; acceptance per walker', async () => {
  const s = new EnsembleSampler({ nwalkers: 10, ndim: 3, logProb: stdNormalBlob, blobs: ['r2'], seed: 4 });
  await s.run(draws(10, 3, 4), 25);
  const c = s.getChain();
  assert.equal(c.length, 25);
  assert.equal(c[0].length, 10);
  assert.equal(c[0][0].length, 3);
  const th = s.getChain({ discard: 5, thin: 3 });
  assert.equal(th.length, 7); // steps 5, 8, ..., 23
  assert.deepEqual(th[1], c[8]);
  const flat = s.getChain({ discard: 20, flat: true });
  assert.equal(flat.length, 50);
  assert.deepEqual(flat[13], c[21][3]); // row = step * nwalkers + walker
  const lp = s.getLogProb();
  const bl = s.getBlobs();
  for (let t = 0; t < 25; t++)
    for (let k = 0; k < 10; k++) {
      const r2 = c[t][k].reduce((a, v) => a + v * v, 0);
      assert.equal(lp[t][k], -0.5 * r2);
      assert.equal(bl[t][k][0], r2, 'the blob travels with its accepted position');
    }
  assert.equal(s.getLogProb({ flat: true }).length, 250);
  assert.equal(s.getBlobs({ flat: true, thin: 5 }).length, 50);
  assert.equal(s.getChain({ discard: 25 }).length, 0);
  assert.throws(() => s.getChain({ discard: 26 }), /discard: is 26 but only 25 steps/);
  assert.throws(() => s.getChain({ thin: 0 }), /thin: must be an integer >= 1/);
  const acc = s.acceptanceFraction;
  assert.equal(acc.length, 10);
  // Count accepted moves from the chain itself: a walker that moved accepted.
  for (let k = 0; k < 10; k++) {
    let moved = 0;
    const init = draws(10, 3, 4)[k];
    for (let t = 0; t < 25; t++) if (c[t][k].some((v, d) => v !== (t === 0 ? init[d] : c[t - 1][k][d]))) moved++;
    assert.equal(acc[k], moved / 25);
  }
});

test('a seed fixes the chain; per-walker and batched likelihoods give the same chain bit for bit', async () => {
  const mk = (seed: number, batched: boolean) =>
    batched
      ? new EnsembleSampler({ nwalkers: 12, ndim: 3, logProbBatch: stdNormalBatch, blobs: 1, moves: [[stretchMove(), 0.7], [deMove(), 0.3]], seed })
      : new EnsembleSampler({ nwalkers: 12, ndim: 3, logProb: stdNormalBlob, blobs: 1, moves: [[stretchMove(), 0.7], [deMove(), 0.3]], seed });
  const run = async (s: EnsembleSampler) => {
    await s.run(draws(12, 3, 5), 300);
    return s;
  };
  const a = await run(mk(7, false));
  const b = await run(mk(7, true));
  const c = await run(mk(8, false));
  assert.deepEqual(a.getChainArray().data, b.getChainArray().data);
  assert.deepEqual(a.getBlobs(), b.getBlobs());
  assert.deepEqual(a.getLogProb(), b.getLogProb());
  assert.notDeepEqual(a.getChainArray().data, c.getChainArray().data);
  assert.deepEqual((await run(mk(7, false))).getChainArray().data, a.getChainArray().data);
});

test('continuing a run (run(null, n)), or resuming from a backend in a new sampler, gives the uninterrupted chain', async () => {
  const opts = { nwalkers: 12, ndim: 2, logProb: corr2, seed: 9 } as const;
  const init = corr2Draws(12, new Rng(9));
  const full = new EnsembleSampler(opts);
  await full.run(init, 500);
  const part = new EnsembleSampler(opts);
  await part.run(init, 200);
  await part.run(null, 100);
  const backend = part.backend;
  const next = new EnsembleSampler({ ...opts, seed: 12345, backend }); // the seed is superseded by the saved RNG state
  assert.equal(next.iteration, 300);
  await next.run(null, 200);
  assert.deepEqual(next.getChainArray().data, full.getChainArray().data);
  assert.deepEqual(next.acceptanceFraction, full.acceptanceFraction);
  assert.ok(backend instanceof MemoryBackend);
  assert.throws(() => new EnsembleSampler({ ...opts, ndim: 3, nwalkers: 12, backend }), /backend: holds a chain with nwalkers 12, ndim 2/);
});

test('odd walker counts and randomizeSplit: false work', async () => {
  for (const randomizeSplit of [true, false]) {
    const s = new EnsembleSampler({ nwalkers: 9, ndim: 2, logProb: corr2, seed: 10, randomizeSplit });
    await s.run(corr2Draws(9, new Rng(10)), 200);
    const a = s.acceptanceFraction;
    assert.ok(a.every((v) => v > 0.2 && v < 1), a.join(','));
  }
});

test('autoStop ends the run once N > 50 tau and tau is stable to 1 %', async () => {
  const s = new EnsembleSampler({ nwalkers: 32, ndim: 2, logProb: corr2, seed: 11 });
  // growth 0: a check every 200 steps (emcee's schedule).
  const res = await s.run(corr2Draws(32, new Rng(11)), 100000, { autoStop: { every: 200, rtol: 0.01, growth: 0 } });
  assert.equal(res.converged, true);
  assert.equal(res.status, 'converged');
  assert.equal(res.stuck, null);
  assert.ok(res.steps < 100000 && res.steps % 200 === 0, `stopped after ${res.steps}`);
  assert.ok(res.tau && res.tau.every((t) => 50 * t < res.iteration), `tau ${res.tau} at ${res.iteration}`);
  // The default schedule thins out the checks (spacing <= 10 % of the length): same chain, it
  // stops at a check of its own schedule no earlier and at most ~10 % + one spacing later.
  const b = new EnsembleSampler({ nwalkers: 32, ndim: 2, logProb: corr2, seed: 11 });
  const rb = await b.run(corr2Draws(32, new Rng(11)), 100000, { autoStop: { every: 200 } });
  assert.equal(rb.converged, true);
  assert.ok(checkDue(rb.steps, 200, 0.1), `stopped at ${rb.steps}, not a scheduled check`);
  assert.ok(rb.steps >= res.steps && rb.steps <= 1.2 * res.steps + 200, `default schedule stopped after ${rb.steps}, every-200 after ${res.steps}`);
  assert.deepEqual(b.getChainArray().data.subarray(0, s.getChainArray().data.length), s.getChainArray().data);
  // A cap below what convergence needs: not converged, runs the full length.
  const s2 = new EnsembleSampler({ nwalkers: 32, ndim: 2, logProb: corr2, seed: 11 });
  const r2 = await s2.run(corr2Draws(32, new Rng(11)), 400, { autoStop: true });
  assert.equal(r2.converged, false);
  assert.equal(r2.status, 'max-steps');
  assert.equal(r2.steps, 400);
  await assert.rejects(s2.run(null, 10, { autoStop: { factor: -1 } }), /autoStop\.factor/);
  await assert.rejects(s2.run(null, 10, { autoStop: { growth: 2 } }), /autoStop\.growth/);
});

test('autoStop schedule: dense every `every` steps up to every/growth, then power-of-two spacings <= growth x length', () => {
  const due = (n: number) => Array.from({ length: n }, (_, i) => i + 1).filter((it) => checkDue(it, 100, 0.1));
  const d = due(10000);
  assert.deepEqual(d.slice(0, 20), Array.from({ length: 20 }, (_, i) => 100 * (i + 1))); // 100 .. 2000
  assert.deepEqual(d.filter((it) => it > 2000 && it <= 4400), [2200, 2400, 2600, 2800, 3000, 3200, 3400, 3600, 3800, 4000, 4400]);
  for (let i = 21; i < d.length; i++) assert.ok(d[i] - d[i - 1] <= 0.1 * d[i] && d[i] - d[i - 1] >= 0.05 * d[i - 1] - 100, `${d[i - 1]} -> ${d[i]}`);
  // Bounded cost: the chain lengths read by all checks up to 1e6 steps add up to < 25 chains (2/growth + dense part).
  let read = 0;
  for (let it = 100; it <= 1e6; it += 100) if (checkDue(it, 100, 0.1)) read += it;
  assert.ok(read < 25e6, `checks read ${read / 1e6} chain lengths`);
  assert.deepEqual(due(1000).length, 10);
  assert.ok(Array.from({ length: 100 }, (_, i) => 100 * (i + 1)).every((it) => checkDue(it, 100, 0))); // growth 0: all
});

test('autoStop default: the stopping step is a function of the seed alone (same under a 100x slower likelihood)', async () => {
  // With the former time-budgeted default the slow run could afford every check and stop earlier.
  const slow = (x: Float64Array): number => {
    const t0 = performance.now();
    while (performance.now() - t0 < 0.02); // ~20 us: diagnostics become cheap relative to sampling
    return corr2(x);
  };
  const run = async (logProb: (x: Float64Array) => number) => {
    const s = new EnsembleSampler({ nwalkers: 32, ndim: 2, logProb, seed: 23 });
    const r = await s.run(corr2Draws(32, new Rng(23)), 20000, { autoStop: true });
    return { r, chain: s.getChainArray().data };
  };
  const fast = await run(corr2);
  const slowed = await run(slow);
  assert.equal(fast.r.status, 'converged');
  assert.equal(slowed.r.steps, fast.r.steps, `fast stopped at ${fast.r.steps}, slowed at ${slowed.r.steps}`);
  assert.deepEqual(slowed.r.tau, fast.r.tau);
  assert.deepEqual(slowed.chain, fast.chain);
});

test('autoStop stops on a walker stuck for the whole chain, naming it, instead of running to the cap', async () => {
  // Walker 0 starts at (10, 0), the only point with x0 >= 0 where the density is not zero: every
  // stretch proposal from there lands at x0 > 0 (-Infinity), so it never moves and tau is NaN.
  const trap = (x: Float64Array): number => (x[0] === 10 && x[1] === 0 ? -50 : x[0] < 0 ? -0.5 * (x[0] * x[0] + x[1] * x[1]) : -Infinity);
  const r = new Rng(5);
  const init = Array.from({ length: 16 }, (_, k) => (k === 0 ? [10, 0] : [-Math.abs(r.normal()) - 0.01, r.normal()]));
  const s = new EnsembleSampler({ nwalkers: 16, ndim: 2, logProb: trap, seed: 5, names: ['a', 'b'] });
  const res = await s.run(init, 20000, { autoStop: true });
  assert.equal(res.status, 'stuck-walkers');
  assert.equal(res.converged, false);
  assert.deepEqual(res.stuck?.walkers, [0]);
  assert.match(res.stuck!.message, /walker 0 \(a=10\.0000, b=0\.00000\)/);
  assert.match(res.stuck!.message, /never moved in steps 0-99 while the others accepted/);
  assert.equal(res.steps, 100); // the first check: (1 - a)^99 is far below 1e-6 / 16 here
});

test('stuck-walker rule: no alarm while staying put is plausible for a live walker', () => {
  // 3 walkers, 1-D; walker 2 never moves. Walkers 0 and 1 move with acceptance a.
  const chainWith = (n: number, every: number) => {
    const c = new Float64Array(n * 3);
    for (let i = 0; i < n; i++) { c[i * 3] = Math.floor(i / every); c[i * 3 + 1] = -Math.floor(i / every); c[i * 3 + 2] = 7; }
    return c;
  };
  // a = 1/10: staying put 99 times has probability 0.9^99 = 3e-5 > 1e-6/3: no alarm yet.
  assert.equal(stuckWalkers(chainWith(100, 10), 0, 100, 3, 1), null);
  // 400 steps: 0.9^399 = 5e-19: stuck.
  const rep = stuckWalkers(chainWith(400, 10), 0, 400, 3, 1);
  assert.deepEqual(rep?.walkers, [2]);
  assert.ok(Math.abs(rep!.acceptance - 39 / 399) < 1e-12);
  // Nobody moved at all: every walker is reported.
  assert.deepEqual(stuckWalkers(new Float64Array(30).fill(1), 0, 10, 3, 1)?.walkers, [0, 1, 2]);
});

test('an AbortSignal stops between steps and keeps a consistent state', async () => {
  const ac = new AbortController();
  let calls = 0;
  const s = new EnsembleSampler({ nwalkers: 8, ndim: 2, seed: 12, logProb: (x) => (++calls === 8 * 50 && ac.abort(), stdNormal(x)) });
  const r = await s.run(draws(8, 2, 12), 1000, { signal: ac.signal });
  assert.equal(r.aborted, true);
  assert.ok(r.steps > 0 && r.steps < 1000 && s.iteration === r.steps);
});

test('progress bar: silent unless asked and on a terminal outside CI; shows rate, acceptance and tau when forced', () => {
  assert.equal(createProgress(10, undefined), null);
  assert.equal(createProgress(10, false), null);
  const quiet = Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.WriteStream;
  assert.equal(createProgress(10, { stream: quiet }), null);
  let out = '';
  const sink = new PassThrough();
  sink.on('data', (d) => (out += d));
  const bar = createProgress(10, { force: true, stream: sink as unknown as NodeJS.WriteStream })!;
  bar.update(10, 0.5, 12.3, 2);
  bar.stop();
  assert.match(out, /10\/10 steps \| \d+ steps\/s \| acc 0\.500 \| tau 12\.3 \| NaN 2/);
});

test('ball and fromOptimum build valid starting ensembles', async () => {
  const b = ball([1, 2, 3], [0.1, 1, 10], { nwalkers: 2000, seed: 1 });
  assert.equal(b.length, 2000);
  const sd = [0, 1, 2].map((d) => Math.sqrt(b.reduce((a, r) => a + (r[d] - [1, 2, 3][d]) ** 2, 0) / b.length));
  // sd of a 2000-draw sd estimate is sd / sqrt(4000) = 1.6 %: allow 6 %.
  sd.forEach((v, d) => assert.ok(Math.abs(v / [0.1, 1, 10][d] - 1) < 0.06, `sd[${d}] = ${v}`));
  const half = (x: Float64Array) => (x[0] < 0 ? -Infinity : stdNormal(x));
  assert.ok(ball([0, 0], 1, { nwalkers: 50, logProb: half }).every((r) => r[0] >= 0));
  assert.throws(() => ball([-100, 0], 1, { nwalkers: 5, logProb: half, maxTries: 20 }), /center: no finite log-probability in 20 draws/);
  assert.throws(() => ball([0, NaN], 1, { nwalkers: 5 }), /center\[1\]/);
  assert.throws(() => ball([0, 0], [1, 0], { nwalkers: 5 }), /scale\[1\]/);
  // Gaussian with mean (3, -2), sds (2, 0.5): optimum and Laplace scales recovered.
  const g = (x: Float64Array) => -0.5 * (((x[0] - 3) / 2) ** 2 + ((x[1] + 2) / 0.5) ** 2);
  const o = fromOptimum(g, [0, 0], { nwalkers: 16, seed: 2 });
  assert.ok(Math.abs(o.optimum[0] - 3) < 1e-3 && Math.abs(o.optimum[1] + 2) < 1e-3, `${o.optimum}`);
  assert.ok(Math.abs(o.scale[0] / 2 - 1) < 1e-3 && Math.abs(o.scale[1] / 0.5 - 1) < 1e-3, `${o.scale}`);
  const s = new EnsembleSampler({ nwalkers: 16, ndim: 2, logProb: g, seed: 3 });
  await s.run(o.initial, 10);
  assert.throws(() => fromOptimum(half, [-1, 0], { nwalkers: 4 }), /x0: log-probability is -Infinity/);
});

test('the RNG state round-trips through JSON exactly, spare normal included', () => {
  const r = new Rng('abc');
  r.normal();
  const copy = new Rng(undefined, JSON.parse(JSON.stringify(r.state())));
  for (let i = 0; i < 100; i++) assert.equal(copy.normal(), r.normal());
  assert.equal(copy.uniform(), r.uniform());
});
