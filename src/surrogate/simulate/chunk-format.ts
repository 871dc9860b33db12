/**
 * Binary layout of one training-set chunk file (chunk-NNNNNN.bin), self-validating so that a
 * resumed run and the reader can tell a complete chunk from a truncated or foreign one without
 * the manifest.
 *
 * Header, 64 bytes, little-endian:
 *   0  8 bytes  magic "JFSIMCH1"
 *   8  uint32   header bytes (64)
 *  12  uint32   chunk index
 *  16  uint32   first draw index
 *  20  uint32   count (maps in this chunk)
 *  24  uint32   parameter columns (PARAM_COLUMNS.length, or MFL_COLUMNS.length for a set of
 *               the multi-component family: mfl-model.ts)
 *  28  uint32   values per map (grid points; twice that, P then Q, for a multi-component set)
 *  32  uint32   image side in pixels (0 = no images stored)
 *  36  uint32   CRC-32 of the payload
 *  40  16 bytes dataset fingerprint (first 16 bytes of the SHA-256 of the configuration)
 *  56  uint32   payload bytes
 *  60  uint32   reserved (0)
 * Payload (little-endian, map-major): params float64 [count x columns], v float32
 * [count x grid points], images float32 [count x side x side] (canonical-image.ts layout).
 */
import { crc32 } from 'node:zlib';
import { endianness } from 'node:os';

/** Parameter columns of a v1 (Sérsic, `qm`) set: the domain draw, then the light MGE's own scale and fit error. */
export const PARAM_COLUMNS = ['n', 'q_L', 'q_M', 'beta_z', 'inc_deg', 're_mge', 'ie_mge', 'mge_max_rel_err'] as const;
export const HEADER_BYTES = 64;
const MAGIC = 'JFSIMCH1';

if (endianness() !== 'LE') throw new Error('jamfit simulate stores little-endian typed arrays; this machine is big-endian');

export interface ChunkHeader {
  index: number;
  first: number;
  count: number;
  columns: number;
  gridPoints: number;
  imageSize: number;
  crc: number;
  fingerprint: string;
  payloadBytes: number;
}

export interface ChunkData {
  params: Float64Array;
  v: Float32Array;
  images: Float32Array | null;
}

export function payloadBytes(count: number, gridPoints: number, imageSize: number, columns: number = PARAM_COLUMNS.length): number {
  return count * (8 * columns + 4 * gridPoints + 4 * imageSize * imageSize);
}

type HeaderFields = Omit<ChunkHeader, 'crc' | 'payloadBytes' | 'columns'> & { columns?: number };

/** Encodes a chunk; `fingerprint` is 32 hex digits (16 bytes); `columns` defaults to PARAM_COLUMNS'. */
export function encodeChunk(h: HeaderFields, d: ChunkData): Uint8Array {
  const columns = h.columns ?? PARAM_COLUMNS.length;
  const pb = payloadBytes(h.count, h.gridPoints, h.imageSize, columns);
  const buf = new Uint8Array(HEADER_BYTES + pb);
  let off = HEADER_BYTES;
  for (const a of [d.params, d.v, d.images]) {
    if (!a) continue;
    buf.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), off);
    off += a.byteLength;
  }
  if (off !== buf.length) throw new Error(`encodeChunk: payload is ${off - HEADER_BYTES} bytes, expected ${pb}`);
  const dv = new DataView(buf.buffer);
  for (let i = 0; i < 8; i++) buf[i] = MAGIC.charCodeAt(i);
  dv.setUint32(8, HEADER_BYTES, true);
  dv.setUint32(12, h.index, true);
  dv.setUint32(16, h.first, true);
  dv.setUint32(20, h.count, true);
  dv.setUint32(24, columns, true);
  dv.setUint32(28, h.gridPoints, true);
  dv.setUint32(32, h.imageSize, true);
  dv.setUint32(36, crc32(buf.subarray(HEADER_BYTES)), true);
  buf.set(Buffer.from(h.fingerprint, 'hex').subarray(0, 16), 40);
  dv.setUint32(56, pb, true);
  return buf;
}

/**
 * Parses and verifies a chunk buffer against what is expected of it. Returns the data, or a
 * sentence saying what is wrong (truncated, wrong magic, another dataset's chunk, bad CRC).
 */
export function decodeChunk(buf: Uint8Array, expect: HeaderFields, verifyCrc = true): ChunkData | string {
  if (buf.length < HEADER_BYTES) return `is ${buf.length} bytes, shorter than the ${HEADER_BYTES}-byte header (truncated)`;
  for (let i = 0; i < 8; i++) if (buf[i] !== MAGIC.charCodeAt(i)) return 'is not a jamfit training chunk (bad magic)';
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const got = {
    index: dv.getUint32(12, true),
    first: dv.getUint32(16, true),
    count: dv.getUint32(20, true),
    columns: dv.getUint32(24, true),
    gridPoints: dv.getUint32(28, true),
    imageSize: dv.getUint32(32, true),
    fingerprint: Buffer.from(buf.subarray(40, 56)).toString('hex'),
  };
  const want = { ...expect, columns: expect.columns ?? PARAM_COLUMNS.length };
  for (const k of Object.keys(want) as (keyof typeof want)[]) {
    if (got[k] !== want[k]) return `has ${k} ${got[k]} in its header, expected ${want[k]} (a chunk of another run or configuration)`;
  }
  const pb = payloadBytes(got.count, got.gridPoints, got.imageSize, got.columns);
  if (dv.getUint32(56, true) !== pb || buf.length !== HEADER_BYTES + pb) return `is ${buf.length} bytes, expected ${HEADER_BYTES + pb} (truncated or padded)`;
  if (verifyCrc && crc32(buf.subarray(HEADER_BYTES)) !== dv.getUint32(36, true)) return 'fails its CRC-32 check (corrupt)';
  // Copy into a fresh, aligned buffer: a Buffer from readFileSync may start at any byte offset of
  // a shared pool, and Buffer#slice would return a view of it, not a copy.
  const body = new Uint8Array(buf.length - HEADER_BYTES);
  body.set(buf.subarray(HEADER_BYTES));
  const nP = got.count * got.columns;
  const nV = got.count * got.gridPoints;
  const nI = got.count * got.imageSize * got.imageSize;
  return {
    params: new Float64Array(body.buffer, 0, nP),
    v: new Float32Array(body.buffer, 8 * nP, nV),
    images: got.imageSize > 0 ? new Float32Array(body.buffer, 8 * nP + 4 * nV, nI) : null,
  };
}
