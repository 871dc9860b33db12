/**
 * The step kernel (samplers/kernel/kernel.ts): driven one half-ensemble at a time from outside, it
 * gives EnsembleSampler's chain bit for bit; many chains stepped together with one batched call
 * per half give each chain's solo result; its state is immutable and survives a JSON round trip.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError, NumericalError } from '../../core/errors.ts';
import {
  createKernel,
  deMove,
  EnsembleSampler,
  ensembleToChains,
  ess,
  fromSamplerState,
  mcse,
  Rng,
  snookerMove,
  stepTogether,
  stretchMove,
  toSamplerState,
  walkMove,
  type EnsembleKernel,
  type KernelState,
  type Move,
  type WeightedMove,
} from '../../samplers/index.ts';

const draws = (n: number, D: number, seed: number | string, sd = 1, at: readonly number[] = []) => {
  const r = new Rng(seed);
  return Array.from({ length: n }, () => Array.from({ length: D }, (_, d) => (at[d] ?? 0) + sd * r.normal()));
};

/** A 3-D target with a blob and a NaN region, so that every branch of the accept step is taken. */
const awkward = (x: Float64Array, blob: Float64Array): number => {
  blob[0] = x[0] * x[1];
  if (x[2] > 1.5) return NaN;
  return -0.5 * (x[0] * x[0] + 4 * x[1] * x[1] + (x[2] - x[0]) ** 2);
};

/** Evaluates one proposal row by row with a per-walker function (as the per-walker evaluator does). */
function evalRows(f: (x: Float64Array, b: Float64Array) => number, x: Float64Array, n: number, D: number, B: number): { lp: Float64Array; bl: Float64Array } {
  const lp = new Float64Array(n);
  const bl = new Float64Array(n * B);
  for (let i = 0; i < n; i++) lp[i] = f(x.subarray(i * D, (i + 1) * D), bl.subarray(i * B, (i + 1) * B));
  return { lp, bl };
}

/** Runs a kernel with the plain loop (propose, evaluate, accept) and returns the chain (steps x walkers x dims, flat). */
function kernelChain(k: EnsembleKernel, f: (x: Float64Array, b: Float64Array) => number, init: number[][], seed: number | string, nsteps: number) {
  const { nwalkers: W, ndim: D, nblobs: B } = k;
  const x0 = Float64Array.from(init.flat());
  const e0 = evalRows(f, x0, W, D, B);
  let st = k.init(init, e0.lp, seed, e0.bl);
  const chain = new Float64Array(nsteps * W * D);
  const lps = new Float64Array(nsteps * W);
  const blobs = new Float64Array(nsteps * W * B);
  for (let t = 0; t < nsteps; t++) {
    for (let h = 0; h < 2; h++) {
      const p = k.propose(st);
      const e = evalRows(f, p.positions, p.n, D, B);
      st = k.accept(st, p, e.lp, e.bl);
    }
    chain.set(st.positions, t * W * D);
    lps.set(st.logProb, t * W);
    blobs.set(st.blobs, t * W * B);
  }
  return { chain, lps, blobs, state: st };
}

async function samplerChain(moves: Move | WeightedMove[], f: (x: Float64Array, b: Float64Array) => number, W: number, D: number, B: number, init: number[][], seed: number | string, nsteps: number) {
  const s = new EnsembleSampler({ nwalkers: W, ndim: D, logProb: f, blobs: B, moves, seed });
  await s.run(init, nsteps);
  return {
    chain: s.getChainArray().data,
    lps: Float64Array.from(s.getLogProb({ flat: true })),
    blobs: Float64Array.from(s.getBlobs({ flat: true }).flat()),
    state: s.state,
  };
}

/** Bit equality of two Float64Arrays (Object.is per entry: -0, NaN distinguished), with the first difference named. */
function sameBits(a: Float64Array, b: Float64Array, what: string): void {
  assert.equal(a.length, b.length, `${what}: lengths`);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) assert.fail(`${what}: first difference at ${i}: ${a[i]} vs ${b[i]}`);
}

test('kernel loop = EnsembleSampler bit for bit: stretch (even walkers) and mixed moves with blobs, NaNs and odd walkers', async () => {
  const cases: { name: string; W: number; moves: () => Move | WeightedMove[]; seed: number | string; f: (x: Float64Array, b: Float64Array) => number; D: number; B: number }[] = [
    { name: 'stretch', W: 16, D: 2, B: 0, seed: 11, moves: () => stretchMove(), f: (x) => -0.5 * (x[0] * x[0] + ((x[1] - 0.9 * x[0]) * (x[1] - 0.9 * x[0])) / 0.19) },
    { name: 'mixed', W: 13, D: 3, B: 1, seed: 'mix', moves: () => [[stretchMove(), 1], [deMove(), 2], [walkMove({ s: 3 }), 1], [snookerMove(), 1]], f: awkward },
  ];
  for (const c of cases) {
    const init = draws(c.W, c.D, `${c.name}-init`, 0.5);
    const nsteps = 400;
    const ref = await samplerChain(c.moves(), c.f, c.W, c.D, c.B, init, c.seed, nsteps);
    const k = createKernel({ nwalkers: c.W, ndim: c.D, nblobs: c.B, moves: c.moves() });
    const got = kernelChain(k, c.f, init, c.seed, nsteps);
    sameBits(got.chain, ref.chain, `${c.name} chain`);
    sameBits(got.lps, ref.lps, `${c.name} log-probabilities`);
    sameBits(got.blobs, ref.blobs, `${c.name} blobs`);
    // Counters and the RNG continue identically too (so either can take over from the other).
    assert.deepEqual(toSamplerState(got.state), ref.state, `${c.name} final state`);
    if (c.name === 'mixed') assert.ok(ref.state.nanCount > 0, 'the NaN branch was exercised');
    // The chain moved: acceptance neither 0 nor 1 (a frozen or always-accepting chain would pass trivially).
    const acc = got.state.accepted.reduce((a, b) => a + b, 0) / (c.W * nsteps);
    assert.ok(acc > 0.1 && acc < 0.9, `${c.name} acceptance ${acc}`);
  }
});

test('a sampler state converts to a kernel state and back, and either continues the other', async () => {
  const f = (x: Float64Array) => -0.5 * (x[0] * x[0] + x[1] * x[1]);
  const init = draws(8, 2, 'conv', 0.5);
  const s = new EnsembleSampler({ nwalkers: 8, ndim: 2, logProb: f, seed: 5 });
  await s.run(init, 30);
  const k = createKernel({ nwalkers: 8, ndim: 2 });
  let st = fromSamplerState(s.state);
  for (let t = 0; t < 20; t++) {
    for (let h = 0; h < 2; h++) {
      const p = k.propose(st);
      st = k.accept(st, p, evalRows(f, p.positions, p.n, 2, 0).lp);
    }
  }
  await s.run(null, 20);
  assert.deepEqual(toSamplerState(st), s.state);
  assert.throws(() => toSamplerState({ ...st, half: 1 }), (e: unknown) => e instanceof InputError && e.where === 'state.half');
});

// Five galaxies: 2-D Gaussians with their own means and covariances [sd0^2, r sd0 sd1; ., sd1^2].
const GALAXIES = [
  { mu: [0, 0], sd: [1, 1], r: 0 },
  { mu: [3, -2], sd: [0.5, 2], r: 0.6 },
  { mu: [-1, 4], sd: [2, 0.3], r: -0.8 },
  { mu: [10, 10], sd: [0.1, 0.1], r: 0.3 },
  { mu: [-5, 1], sd: [3, 1], r: 0.9 },
];
function gaussLp(g: (typeof GALAXIES)[number], x: ArrayLike<number>, o = 0): number {
  const a = (x[o] - g.mu[0]) / g.sd[0];
  const b = (x[o + 1] - g.mu[1]) / g.sd[1];
  return (-0.5 * (a * a - 2 * g.r * a * b + b * b)) / (1 - g.r * g.r);
}

test('many galaxies stepped together, one batched call per half: each chain = its solo EnsembleSampler run, order of chains irrelevant, moments right', async () => {
  const W = 32;
  const D = 2;
  const nsteps = 3000;
  const discard = 300;
  const k = createKernel({ nwalkers: W, ndim: D });
  const inits = GALAXIES.map((g, j) => draws(W, D, `gal${j}`, 0.1, g.mu).map((row) => row.map((v, d) => g.mu[d] + (v - g.mu[d]) * g.sd[d])));
  const seeds = GALAXIES.map((_, j) => 1000 + j);
  let states = GALAXIES.map((g, j) => k.init(inits[j], inits[j].map((row) => gaussLp(g, row)), seeds[j]));
  const chains = GALAXIES.map(() => new Float64Array(nsteps * W * D));
  let calls = 0;
  let rows = 0;
  // The chains are passed in a new random order every step: results must not depend on it.
  const orderRng = new Rng('order');
  const perm = Int32Array.from(GALAXIES.keys());
  for (let t = 0; t < nsteps; t++) {
    orderRng.shuffle(perm);
    const next = stepTogether(k, Array.from(perm, (j) => states[j]), (x, n, _bl, chainOfRow) => {
      calls++;
      rows += n;
      const out = new Float64Array(n);
      for (let r = 0; r < n; r++) out[r] = gaussLp(GALAXIES[perm[chainOfRow[r]]], x, r * D);
      return out;
    });
    const back = new Array<KernelState>(GALAXIES.length);
    perm.forEach((j, i) => (back[j] = next[i]));
    states = back;
    states.forEach((s, j) => chains[j].set(s.positions, t * W * D));
  }
  assert.equal(calls, 2 * nsteps, 'one call per half-ensemble for all galaxies together');
  assert.equal(rows, nsteps * W * GALAXIES.length);

  for (const [j, g] of GALAXIES.entries()) {
    const solo = new EnsembleSampler({ nwalkers: W, ndim: D, seed: seeds[j], logProbBatch: (x, n) => Float64Array.from({ length: n }, (_, r) => gaussLp(g, x, r * D)) });
    await solo.run(inits[j], nsteps);
    sameBits(chains[j], solo.getChainArray().data, `galaxy ${j} chain`);

    // Moments: |estimate - truth| < 4 MCSE (MCSE from the ESS over walkers, Vehtari et al. 2021;
    // a 4-sigma miss has probability 6e-5 per comparison, 20 comparisons here: ~1e-3 false alarm,
    // and the seeds are fixed). The ESS floor makes sure the MCSE rests on enough draws.
    const kept = chains[j].subarray(discard * W * D);
    const perDim = ensembleToChains({ data: kept, nsteps: nsteps - discard, nwalkers: W, ndim: D });
    for (let d = 0; d < D; d++) {
      const c = perDim[d];
      const essBulk = ess(c, 'bulk');
      assert.ok(essBulk > 1000, `galaxy ${j} dim ${d}: ESS ${essBulk}`);
      let n = 0;
      let sum = 0;
      for (const w of c) for (const v of w) (sum += v), n++;
      const mean = sum / n;
      let ss = 0;
      for (const w of c) for (const v of w) ss += (v - mean) ** 2;
      const sd = Math.sqrt(ss / (n - 1));
      const zMean = (mean - g.mu[d]) / mcse(c, 'mean');
      const zSd = (sd - g.sd[d]) / mcse(c, 'sd');
      assert.ok(Math.abs(zMean) < 4, `galaxy ${j} dim ${d}: mean ${mean} vs ${g.mu[d]} (z ${zMean.toFixed(2)})`);
      assert.ok(Math.abs(zSd) < 4, `galaxy ${j} dim ${d}: sd ${sd} vs ${g.sd[d]} (z ${zSd.toFixed(2)})`);
    }
  }
});

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !ArrayBuffer.isView(o)) {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

test('state is immutable and JSON-serialisable: a round trip (between steps or between halves) continues identically', () => {
  const k = createKernel({ nwalkers: 10, ndim: 3, nblobs: 1, moves: [[stretchMove(), 1], [walkMove({ s: 3 }), 1], [deMove(), 1]] });
  const f = awkward;
  const init = draws(10, 3, 'json', 0.5);
  const e0 = evalRows(f, Float64Array.from(init.flat()), 10, 3, 1);
  const halfStep = (st: KernelState) => {
    const p = k.propose(st);
    const e = evalRows(f, p.positions, p.n, 3, 1);
    return k.accept(st, p, e.lp, e.bl);
  };
  let st = k.init(init, e0.lp, 'json-seed', e0.bl);
  for (let i = 0; i < 2 * 50 + 1; i++) st = halfStep(st); // stop between the halves of step 50
  assert.equal(st.half, 1);
  const run = (s: KernelState, halves: number) => {
    for (let i = 0; i < halves; i++) s = halfStep(s);
    return s;
  };
  const snapshot = JSON.stringify(st);
  // Frozen inputs: any write to the state by propose or accept would throw (ES modules are strict).
  const direct = run(deepFreeze(st), 2 * 60);
  assert.equal(JSON.stringify(st), snapshot, 'the state passed in is unchanged');
  for (const mid of [st, run(st, 1)]) {
    const copy = JSON.parse(JSON.stringify(mid)) as KernelState;
    const a = run(copy, 2 * 60 - (mid === st ? 0 : 1));
    assert.deepEqual(a, direct, `resumed from a JSON copy at half ${mid.half}`);
  }
  // The same state accepted twice (a branch) gives the same result both times.
  const p = k.propose(st);
  const e = evalRows(f, p.positions, p.n, 3, 1);
  assert.deepEqual(k.accept(st, p, e.lp, e.bl), k.accept(st, p, e.lp, e.bl));
  assert.equal(JSON.stringify(st), snapshot);
  // The state really moves and carries the RNG forward.
  assert.notDeepEqual(direct.positions, st.positions);
  assert.notDeepEqual(direct.rng, st.rng);
});

test('kernel errors: wrong proposal, lengths, shapes, start, +Infinity (the state stays usable)', () => {
  const f = (x: ArrayLike<number>) => -0.5 * (x[0] * x[0] + x[1] * x[1]);
  const k = createKernel({ nwalkers: 8, ndim: 2 });
  const init = draws(8, 2, 'err', 0.5);
  const isInput = (where: string, re?: RegExp) => (e: unknown) => e instanceof InputError && e.where === where && (!re || re.test(e.message));
  assert.throws(() => createKernel({ nwalkers: 3, ndim: 2 }), isInput('nwalkers', /at least 2 x ndim = 4/));
  assert.throws(() => createKernel({ nwalkers: 8, ndim: 2, nblobs: -1 }), isInput('nblobs'));
  assert.throws(() => k.init(init, [1, 2], 1), isInput('logProbs', /need one per walker/));
  assert.throws(() => k.init(init, init.map((r, i) => (i === 3 ? -Infinity : f(r))), 1), isInput('initial[3]', /start walkers inside the prior/));
  assert.throws(() => k.init(init.slice(1), init.map(f), 1), isInput('initial'));
  assert.throws(() => k.init(init, init.map(f), { algorithm: 'xor4096' } as never), isInput('rng'));
  const a = k.init(init, init.map(f), 1);
  const b = k.init(init, init.map(f), 2);
  const pa = k.propose(a);
  const lpa = evalRows(f, pa.positions, pa.n, 2, 0).lp;
  assert.throws(() => k.accept(b, pa, lpa), isInput('proposal', /not made from this state/));
  // Same seed, other walkers: the RNG counters match, the log-probabilities do not.
  const other = draws(8, 2, 'err-other', 0.5);
  assert.throws(() => k.accept(k.init(other, other.map(f), 1), pa, lpa), isInput('proposal'));
  assert.throws(() => k.accept(a, pa, lpa.subarray(1)), isInput('logProbs', /need one per proposal \(4\)/));
  const a1 = k.accept(a, pa, lpa);
  assert.throws(() => k.accept(a1, pa, lpa), isInput('proposal'), 'a proposal cannot be accepted twice along a chain');
  assert.throws(() => createKernel({ nwalkers: 10, ndim: 2 }).propose(a), isInput('state'));
  const inf = Float64Array.from(lpa);
  inf[2] = Infinity;
  assert.throws(() => k.accept(a, pa, inf), (e: unknown) => e instanceof NumericalError && new RegExp(`\\+Infinity at walker ${pa.walkers[2]}, x = \\[`).test(e.message));
  assert.deepEqual(k.accept(a, pa, lpa), a1, 'the failed accept changed nothing');
  assert.throws(() => stepTogether(k, [a, b], () => new Float64Array(3)), isInput('logProbBatch', /returned 3 values for a batch of 8/));
});
