import * as ort from 'onnxruntime-node';
import { loadSurrogate } from '../src/surrogate/model-files.ts';
import { foldMlp, featureBias, transformParams } from '../src/surrogate/folded.ts';
import { mlpOnnxGraph } from '../src/surrogate/engine-ort.ts';
import { encodeOnnx } from '../src/surrogate/onnx.ts';
const s = loadSurrogate();
const fm = foldMlp(s.mlp, s.norm);
const B = Number(process.argv[2] ?? 32);
const opts: any = { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' };
for (const extra of [{}, { executionMode: 'sequential' }, { enableCpuMemArena: true, enableMemPattern: true }]) {
  const session = await ort.InferenceSession.create(encodeOnnx(mlpOnnxGraph(fm)), { ...opts, ...extra });
  const c = new ort.Tensor('float32', featureBias(fm, [3, 0.8]), [1, fm.h0]);
  const params = new Float32Array(B * 3);
  for (let r = 0; r < B; r++) params.set([0.5 + 0.5 * ((r * 0.37) % 1), -0.3 + 0.6 * ((r * 0.61) % 1), 55 + 35 * ((r * 0.13) % 1)], r * 3);
  const t = transformParams(fm, params, B, [3, 0.8]);
  const tt = new ort.Tensor('float32', t, [B, fm.nParams]);
  const out = new ort.Tensor('float32', new Float32Array(B * fm.nOut), [B, fm.nOut]);
  const N = Math.round(40000 / B);
  const time = async (name: string, f: () => Promise<unknown>) => {
    for (let k = 0; k < 50; k++) await f();
    let best = Infinity;
    for (let rep = 0; rep < 5; rep++) { const t0 = performance.now(); for (let k = 0; k < N; k++) await f(); best = Math.min(best, (performance.now() - t0) * 1000 / (N * B)); }
    console.log(JSON.stringify(extra), name, best.toFixed(3), 'us/eval');
  };
  await time('plain', () => session.run({ t: new ort.Tensor('float32', t, [B, fm.nParams]), c }));
  await time('reuse input', () => session.run({ t: tt, c }));
  try { await time('prealloc output', () => session.run({ t: tt, c }, { lnv: out })); } catch (e) { console.log('prealloc failed', (e as Error).message); }
}
import { createEngine } from '../src/surrogate/engine.ts';
{
  const e = await createEngine('ort', fm, { threads: 1 });
  e.setFeatures([3, 0.8]);
  const params = new Float32Array(B * 3);
  for (let r = 0; r < B; r++) params.set([0.5 + 0.5 * ((r * 0.37) % 1), -0.3 + 0.6 * ((r * 0.61) % 1), 55 + 35 * ((r * 0.13) % 1)], r * 3);
  const N = Math.round(40000 / B);
  for (let k = 0; k < 50; k++) await e.run(params, B);
  for (let rep = 0; rep < 5; rep++) { const t0 = performance.now(); for (let k = 0; k < N; k++) await e.run(params, B); console.log('engine.run', ((performance.now() - t0) * 1000 / (N * B)).toFixed(3)); }
  const t = new Float32Array(B*fm.nParams);
  for (let rep = 0; rep < 3; rep++) { const t0 = performance.now(); for (let k = 0; k < N; k++) transformParams(fm, params, B, [3, 0.8], t); console.log('transformParams', ((performance.now() - t0) * 1000 / (N * B)).toFixed(3)); }
}
