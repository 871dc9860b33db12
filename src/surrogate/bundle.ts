/**
 * A small self-describing container for named float32 arrays plus JSON metadata: the format of
 * the shipped weights and of training checkpoints.
 *
 * Layout (little-endian): "JFBUNDL1" (8 bytes), uint32 JSON length L, L bytes of UTF-8 JSON
 * {meta, arrays: [{name, length}]}, zero padding to a multiple of 4, then the arrays' float32
 * data in the listed order. `decodeBundle` returns a sentence for anything malformed (truncated,
 * wrong magic, lengths that do not add up) so that callers can name the file and the fix.
 */
const MAGIC = 'JFBUNDL1';

export interface Bundle {
  meta: Record<string, unknown>;
  arrays: Map<string, Float32Array>;
}

export function encodeBundle(meta: Record<string, unknown>, arrays: [string, Float32Array][]): Uint8Array {
  const json = Buffer.from(JSON.stringify({ meta, arrays: arrays.map(([name, a]) => ({ name, length: a.length })) }));
  const head = 12 + json.length;
  const pad = (4 - (head % 4)) % 4;
  const total = head + pad + 4 * arrays.reduce((s, [, a]) => s + a.length, 0);
  const buf = new Uint8Array(total);
  for (let i = 0; i < 8; i++) buf[i] = MAGIC.charCodeAt(i);
  new DataView(buf.buffer).setUint32(8, json.length, true);
  buf.set(json, 12);
  let off = head + pad;
  for (const [, a] of arrays) {
    buf.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), off);
    off += a.byteLength;
  }
  return buf;
}

export function decodeBundle(buf: Uint8Array): Bundle | string {
  if (buf.length < 12) return `is ${buf.length} bytes, too short for a weights bundle (truncated)`;
  for (let i = 0; i < 8; i++) if (buf[i] !== MAGIC.charCodeAt(i)) return 'is not a jamfit weights bundle (bad magic)';
  const L = new DataView(buf.buffer, buf.byteOffset, buf.byteLength).getUint32(8, true);
  if (12 + L > buf.length) return 'is truncated inside its JSON header';
  let head: { meta: Record<string, unknown>; arrays: { name: string; length: number }[] };
  try {
    head = JSON.parse(Buffer.from(buf.subarray(12, 12 + L)).toString('utf8'));
  } catch {
    return 'has a corrupt JSON header';
  }
  if (!head || !Array.isArray(head.arrays)) return 'has a JSON header without an array list';
  let off = 12 + L + ((4 - ((12 + L) % 4)) % 4);
  const need = off + 4 * head.arrays.reduce((s, a) => s + a.length, 0);
  if (buf.length !== need) return `is ${buf.length} bytes, expected ${need} (truncated or padded)`;
  // One aligned copy of the data; the arrays are views of it.
  const data = new Uint8Array(buf.length - off);
  data.set(buf.subarray(off));
  const arrays = new Map<string, Float32Array>();
  let p = 0;
  for (const a of head.arrays) {
    arrays.set(a.name, new Float32Array(data.buffer, p, a.length));
    p += 4 * a.length;
  }
  return { meta: head.meta ?? {}, arrays };
}
