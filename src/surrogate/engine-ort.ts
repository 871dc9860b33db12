/**
 * onnxruntime-node MLP engine: the folded MLP as a hand-built ONNX graph (src/surrogate/onnx.ts)
 * with inputs t [batch, nParams] (transformed parameters) and c [1, H] (the per-galaxy
 * first-layer bias), Gemm + Sigmoid/Mul (SiLU; opset 17 has no SiLU operator) per layer, output
 * lnv [batch, nOut]. One session serves every galaxy: only c changes.
 */
import type { EngineOptions, GridOperator, MlpEngine } from './engine.ts';
import { featureBias, rowInputs, transformParams, type FoldedMlp } from './folded.ts';
import { encodeOnnx, type OnnxGraph, type OnnxNode } from './onnx.ts';

/**
 * The ONNX graph of a folded MLP; with an operator M, the output is instead
 * v2bins = Exp(2 lnv) . M [batch, nBins] (M an initialiser: one session per galaxy).
 */
export function mlpOnnxGraph(fm: FoldedMlp, op?: GridOperator, perRowBias = false): OnnxGraph {
  const nodes: OnnxNode[] = [];
  const initializers: OnnxGraph['initializers'] = [{ name: 'W0', dims: [fm.nParams, fm.h0], data: fm.W0p }];
  const silu = (z: string, k: number) => {
    nodes.push({ op: 'Sigmoid', inputs: [z], outputs: [`s${k}`] }, { op: 'Mul', inputs: [z, `s${k}`], outputs: [`h${k}`] });
    return `h${k}`;
  };
  nodes.push({ op: 'Gemm', inputs: ['t', 'W0', 'c'], outputs: ['z0'] });
  let h = fm.act0 ? silu('z0', 0) : 'z0';
  fm.rest.forEach((l, i) => {
    const k = i + 1;
    const last = i === fm.rest.length - 1;
    initializers.push({ name: `W${k}`, dims: [l.in, l.out], data: l.W }, { name: `b${k}`, dims: [l.out], data: l.b });
    const z = last ? 'lnv' : `z${k}`;
    nodes.push({ op: 'Gemm', inputs: [h, `W${k}`, `b${k}`], outputs: [z] });
    h = l.act && !last ? silu(z, k) : z;
  });
  if (fm.rest[fm.rest.length - 1].act) throw new RangeError('mlpOnnxGraph: the output layer must be linear');
  const outputs = [{ name: 'lnv', dims: ['batch', fm.nOut] as (number | string)[] }];
  if (op) {
    initializers.push({ name: 'two', dims: [], data: new Float32Array([2]) }, { name: 'M', dims: [fm.nOut, op.nBins], data: op.matrix });
    nodes.push({ op: 'Mul', inputs: ['lnv', 'two'], outputs: ['ln2'] }, { op: 'Exp', inputs: ['ln2'], outputs: ['v2'] }, { op: 'MatMul', inputs: ['v2', 'M'], outputs: ['v2bins'] });
    outputs[0] = { name: 'v2bins', dims: ['batch', op.nBins] };
  }
  return {
    nodes,
    initializers,
    inputs: [
      { name: 't', dims: ['batch', fm.nParams] },
      // c: one galaxy's bias broadcast over the batch, or (perRowBias) one per row.
      { name: 'c', dims: [perRowBias ? 'batch' : 1, fm.h0] },
    ],
    outputs,
  };
}

export async function createOrtEngine(fm: FoldedMlp, opts: EngineOptions = {}): Promise<MlpEngine> {
  const ort = await import('onnxruntime-node');
  const threads = opts.threads ?? 1;
  const outName = opts.operator ? 'v2bins' : 'lnv';
  const options = { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' } as const;
  const session = await ort.InferenceSession.create(encodeOnnx(mlpOnnxGraph(fm, opts.operator)), options);
  let c: InstanceType<typeof ort.Tensor> | null = null;
  let feat: number[] = [];
  let buf = new Float32Array(0);
  // The input tensor is rebuilt only when the batch size changes (a sampler repeats one size).
  let tIn: { batch: number; tensor: InstanceType<typeof ort.Tensor> } | null = null;
  let many: ReturnType<typeof ort.InferenceSession.create> | null = null;
  return {
    name: `ort-${threads}t`,
    setFeatures(f) {
      c = new ort.Tensor('float32', featureBias(fm, f), [1, fm.h0]);
      feat = [f[0], f[1]];
    },
    async run(params, batch) {
      if (!c) throw new Error('engine ort: setFeatures must be called before run');
      if (!tIn || tIn.batch !== batch) {
        buf = new Float32Array(batch * fm.nParams);
        tIn = { batch, tensor: new ort.Tensor('float32', buf, [batch, fm.nParams]) };
      }
      transformParams(fm, params, batch, feat, buf);
      const out = await session.run({ t: tIn.tensor, c });
      return out[outName].data as Float32Array;
    },
    async runMany(params, features, rows) {
      if (opts.operator) throw new Error('runMany: this engine was made with an operator; make one without for several galaxies');
      // A second session (made on first use) whose first-layer bias has one row per input row.
      many ??= ort.InferenceSession.create(encodeOnnx(mlpOnnxGraph(fm, undefined, true)), options);
      const s = await many;
      const { t, c: cs } = rowInputs(fm, params, features, rows);
      const out = await s.run({ t: new ort.Tensor('float32', t, [rows, fm.nParams]), c: new ort.Tensor('float32', cs, [rows, fm.h0]) });
      return out.lnv.data as Float32Array;
    },
    dispose() {
      void session.release();
      void many?.then((s) => s.release());
    },
  };
}
