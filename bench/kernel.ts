/**
 * `npm run bench -- kernel`: overhead of the step kernel (samplers/kernel/kernel.ts) per
 * walker-step, against EnsembleSampler measured in the same run, on a trivial 4-D target with
 * 32 walkers (a batched log-probability in both, so neither pays a per-walker call):
 *
 * - one galaxy, the plain loop (propose, one batched call, accept, twice per step);
 * - 100 galaxies stepped together by stepTogether: one batched call per half for all of them.
 *
 * The kernel allocates its state afresh every half-step (immutable JSON data) and restores its
 * RNG from the state, so it costs more than the sampler's in-place loop. Target: <= 1.5 us per
 * walker-step, a tenth of the 15 us that one core may spend per walker-step when 2 cores are to
 * make 5,000 fits of 32 walkers x 3,000 steps per hour (issue 10).
 */
import { createKernel, EnsembleSampler, Rng, stepTogether, type KernelState } from '../samplers/index.ts';
import { timeMs, type BenchRow } from './table.ts';

const W = 32;
const D = 4;
const trivialBatch = (x: Float64Array, n: number): Float64Array => {
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const o = r * D;
    out[r] = -0.5 * (x[o] * x[o] + x[o + 1] * x[o + 1] + x[o + 2] * x[o + 2] + x[o + 3] * x[o + 3]);
  }
  return out;
};
const start = (seed: number) => {
  const r = new Rng(seed);
  return Array.from({ length: W }, () => Array.from({ length: D }, () => r.normal()));
};
const WALKER_STEPS = 640000;

async function samplerUs(): Promise<number> {
  const s = new EnsembleSampler({ nwalkers: W, ndim: D, logProbBatch: trivialBatch, seed: 1 });
  await s.run(start(1), 500);
  const steps = WALKER_STEPS / W;
  const ms = await timeMs(() => s.run(null, steps), 5, 1);
  return (ms * 1000) / WALKER_STEPS;
}

async function kernelUs(galaxies: number): Promise<number> {
  const k = createKernel({ nwalkers: W, ndim: D });
  let states: KernelState[] = Array.from({ length: galaxies }, (_, j) => {
    const x = start(j + 1);
    return k.init(x, trivialBatch(Float64Array.from(x.flat()), W), j + 1);
  });
  const steps = WALKER_STEPS / (W * galaxies);
  const loop = () => {
    if (galaxies === 1) {
      let st = states[0];
      for (let t = 0; t < steps; t++)
        for (let h = 0; h < 2; h++) {
          const p = k.propose(st);
          st = k.accept(st, p, trivialBatch(p.positions, p.n));
        }
      states = [st];
    } else {
      for (let t = 0; t < steps; t++) states = stepTogether(k, states, trivialBatch);
    }
  };
  const ms = await timeMs(loop, 5, 1);
  return (ms * 1000) / WALKER_STEPS;
}

export async function run(): Promise<BenchRow[]> {
  const ref = await samplerUs();
  const rows: BenchRow[] = [];
  for (const g of [1, 100]) {
    const us = await kernelUs(g);
    rows.push({
      name: `kernel overhead per walker-step, 4-D trivial, ${W} walkers, ${g} galax${g === 1 ? 'y' : 'ies'} stepped together`,
      value: us,
      unit: 'us',
      reference: ref,
      referenceName: 'EnsembleSampler, batched',
      referenceSource: 'measured in this run',
      ratio: ref / us,
      target: '<= 1.5 us',
      pass: us <= 1.5,
    });
  }
  return rows;
}
