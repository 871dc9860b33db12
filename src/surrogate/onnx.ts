/**
 * A minimal ONNX model writer: just enough protobuf (varints, length-delimited fields, fixed32)
 * for a graph of standard operators with float32 initialisers and inputs/outputs whose leading
 * dimension may be symbolic. Written from the ONNX protobuf schema (onnx/onnx.proto): field
 * numbers are quoted beside each use. Buffers are concatenated, never spread, so large weight
 * tensors do not touch the JS heap's argument limits.
 */

// Protobuf wire types: 0 varint, 2 length-delimited, 5 fixed32.
function varint(n: number): Buffer {
  const out: number[] = [];
  let v = BigInt(n);
  if (v < 0n) v += 1n << 64n;
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) b |= 0x80;
    out.push(b);
  } while (v !== 0n);
  return Buffer.from(out);
}
const key = (field: number, wire: number) => varint((field << 3) | wire);
const fInt = (field: number, v: number) => Buffer.concat([key(field, 0), varint(v)]);
const fBytes = (field: number, b: Uint8Array) => Buffer.concat([key(field, 2), varint(b.length), b]);
const fStr = (field: number, s: string) => fBytes(field, Buffer.from(s, 'utf8'));
const fFloat = (field: number, x: number) => {
  const b = Buffer.alloc(4);
  b.writeFloatLE(x);
  return Buffer.concat([key(field, 5), b]);
};

export type Attr = { name: string; f: number } | { name: string; i: number };

export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: Attr[];
}

export interface OnnxValue {
  name: string;
  /** Dimensions; a string is a symbolic dimension (e.g. 'batch'). */
  dims: (number | string)[];
}

export interface OnnxGraph {
  nodes: OnnxNode[];
  initializers: { name: string; dims: number[]; data: Float32Array }[];
  inputs: OnnxValue[];
  outputs: OnnxValue[];
}

const FLOAT = 1; // TensorProto.DataType.FLOAT

function attribute(a: Attr): Buffer {
  // AttributeProto: name 1, f 2, i 3, type 20 (FLOAT 1, INT 2)
  return 'f' in a ? Buffer.concat([fStr(1, a.name), fFloat(2, a.f), fInt(20, 1)]) : Buffer.concat([fStr(1, a.name), fInt(3, a.i), fInt(20, 2)]);
}

function node(n: OnnxNode, k: number): Buffer {
  // NodeProto: input 1, output 2, name 3, op_type 4, attribute 5
  return Buffer.concat([...n.inputs.map((s) => fStr(1, s)), ...n.outputs.map((s) => fStr(2, s)), fStr(3, `${n.op}_${k}`), fStr(4, n.op), ...(n.attrs ?? []).map((a) => fBytes(5, attribute(a)))]);
}

function tensor(t: OnnxGraph['initializers'][number]): Buffer {
  // TensorProto: dims 1, data_type 2, name 8, raw_data 9 (little-endian)
  return Buffer.concat([...t.dims.map((d) => fInt(1, d)), fInt(2, FLOAT), fStr(8, t.name), fBytes(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength))]);
}

function valueInfo(v: OnnxValue): Buffer {
  // ValueInfoProto: name 1, type 2; TypeProto: tensor_type 1; Tensor: elem_type 1, shape 2;
  // TensorShapeProto: dim 1; Dimension: dim_value 1 | dim_param 2
  const dims = v.dims.map((d) => fBytes(1, typeof d === 'number' ? fInt(1, d) : fStr(2, d)));
  const tensorType = Buffer.concat([fInt(1, FLOAT), fBytes(2, Buffer.concat(dims))]);
  return Buffer.concat([fStr(1, v.name), fBytes(2, fBytes(1, tensorType))]);
}

/** Serialised ModelProto (ir_version 8, opset 17) of `g`. */
export function encodeOnnx(g: OnnxGraph, name = 'jamfit'): Uint8Array {
  // GraphProto: node 1, name 2, initializer 5, input 11, output 12
  const graph = Buffer.concat([...g.nodes.map((n, k) => fBytes(1, node(n, k))), fStr(2, name), ...g.initializers.map((t) => fBytes(5, tensor(t))), ...g.inputs.map((v) => fBytes(11, valueInfo(v))), ...g.outputs.map((v) => fBytes(12, valueInfo(v)))]);
  // ModelProto: ir_version 1, producer_name 2, graph 7, opset_import 8 (domain 1, version 2)
  return Buffer.concat([fInt(1, 8), fStr(2, 'jamfit'), fBytes(7, graph), fBytes(8, Buffer.concat([fStr(1, ''), fInt(2, 17)]))]);
}
