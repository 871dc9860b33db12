/**
 * A galaxy's grid -> bins operator on its own, in the fast engine: v^2 per bin [rows x nBins] of
 * network outputs ln v [rows x nGrid]. The per-galaxy engines fuse it into the MLP's graph
 * (src/surrogate/engine-ort.ts); a network shared by many galaxies (./shared-engine.ts) returns
 * the grid, and each galaxy then applies its operator here (where the shared engine cannot do it
 * itself: tfjs can, engine-tfjs.ts runManyBinned). In JavaScript that product is ~40x
 * slower than in onnxruntime (measured: 2 ns per multiply-add, 89k of them per row for a
 * 147-bin PSF operator), hence the engines.
 *
 * Only the grid nodes some bin sees enter (usedNodes): the rest would add exact zeros.
 */
import type { GridOperator } from './engine.ts';
import { applyOperator } from './engine-js.ts';
import { compactOperator } from './folded.ts';
import { encodeOnnx } from './onnx.ts';

export interface OperatorEngine {
  readonly name: string;
  /** v^2 per bin [rows x nBins] of ln v rows [rows x nGrid]; the result may be reused by the next call. */
  run(lnv: Float32Array, rows: number): Promise<Float32Array>;
  dispose(): void;
}

/**
 * @param kind  'ort' or 'js', the shared network's engine family (tfjs needs none: it applies the
 *   operators inside its own call, runManyBinned); throws when onnxruntime is not available here.
 */
export async function createOperatorEngine(kind: 'ort' | 'js', op: GridOperator): Promise<OperatorEngine> {
  const nG = op.matrix.length / op.nBins;
  const c = compactOperator(op);
  const nU = c.used.length;
  const nb = op.nBins;
  let buf = new Float32Array(0);
  const gather = (lnv: Float32Array, rows: number) => {
    if (lnv.length < rows * nG) throw new RangeError(`operator engine: ${rows} rows need ${rows * nG} grid values, got ${lnv.length}`);
    if (buf.length !== rows * nU) buf = new Float32Array(rows * nU);
    for (let r = 0; r < rows; r++) for (let u = 0; u < nU; u++) buf[r * nU + u] = lnv[r * nG + c.used[u]];
    return buf;
  };
  if (kind === 'ort') {
    const ort = await import('onnxruntime-node');
    const graph = encodeOnnx({
      nodes: [
        { op: 'Mul', inputs: ['lnv', 'two'], outputs: ['ln2'] },
        { op: 'Exp', inputs: ['ln2'], outputs: ['v2'] },
        { op: 'MatMul', inputs: ['v2', 'M'], outputs: ['v2bins'] },
      ],
      initializers: [
        { name: 'two', dims: [], data: new Float32Array([2]) },
        { name: 'M', dims: [nU, nb], data: c.op.matrix },
      ],
      inputs: [{ name: 'lnv', dims: ['batch', nU] }],
      outputs: [{ name: 'v2bins', dims: ['batch', nb] }],
    });
    const session = await ort.InferenceSession.create(graph, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
    return {
      name: 'ort',
      async run(lnv, rows) {
        const out = await session.run({ lnv: new ort.Tensor('float32', gather(lnv, rows), [rows, nU]) });
        return out.v2bins.data as Float32Array;
      },
      dispose() {
        void session.release();
      },
    };
  }
  return {
    name: 'js',
    async run(lnv, rows) {
      return applyOperator(gather(lnv, rows), rows, c.op, new Float32Array(rows * nb));
    },
    dispose() {},
  };
}
