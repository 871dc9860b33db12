import { loadSurrogate } from '../src/surrogate/model-files.ts';
import { foldMlp } from '../src/surrogate/folded.ts';
import { createEngine } from '../src/surrogate/engine.ts';
const s = loadSurrogate();
const fm = foldMlp(s.mlp, s.norm);
const nBins = 147;
const M = new Float32Array(fm.nOut * nBins).map((_, i) => ((i * 2654435761) % 1000) / 1e5);
const e = await createEngine('ort', fm, { threads: 1, operator: { matrix: M, nBins } });
e.setFeatures([3, 0.8]);
for (const B of [16, 32, 64, 128, 256]) {
  const params = new Float32Array(B * 3);
  for (let r = 0; r < B; r++) params.set([0.5 + 0.5 * ((r * 0.37) % 1), -0.3 + 0.6 * ((r * 0.61) % 1), 55 + 35 * ((r * 0.13) % 1)], r * 3);
  const N = Math.round(30000 / B);
  for (let k = 0; k < 30; k++) await e.run(params, B);
  let best = Infinity;
  for (let rep = 0; rep < 5; rep++) { const t0 = performance.now(); for (let k = 0; k < N; k++) await e.run(params, B); best = Math.min(best, (performance.now() - t0) * 1000 / (N * B)); }
  console.log('MLP+op147 batch', B, best.toFixed(2), 'us/eval');
}
