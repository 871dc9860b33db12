/**
 * Minimal NumPy .npy (format 1.0) support for little-endian float64 C-order arrays, with a fixed
 * 128-byte header so the shape can be rewritten in place as rows are appended.
 * numpy reads these files with `np.load`; so does anything that reads .npy.
 */
import { closeSync, openSync, readSync, writeSync, fstatSync } from 'node:fs';
import { endianness } from 'node:os';
import { InputError } from '../../core/errors.ts';

/** Total header length in bytes (magic + version + length + padded dict), a multiple of 64. */
export const NPY_HEADER_BYTES = 128;
const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 0x01, 0x00]);

if (endianness() !== 'LE') throw new Error('jamfit npy storage assumes a little-endian machine');

/**
 * Builds the 128-byte header for a '<f8' C-order array.
 * @param shape - non-negative integer dimensions (the first is the number of rows stored).
 */
export function npyHeader(shape: readonly number[]): Buffer {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '<f8', 'fortran_order': False, 'shape': ${dims}, }`;
  const room = NPY_HEADER_BYTES - MAGIC.length - 2;
  if (dict.length + 1 > room) throw new InputError('npy shape', `${dims} does not fit the fixed header`);
  const buf = Buffer.alloc(NPY_HEADER_BYTES, 0x20);
  MAGIC.copy(buf, 0);
  buf.writeUInt16LE(room, 8);
  buf.write(dict, 10, 'latin1');
  buf[NPY_HEADER_BYTES - 1] = 0x0a;
  return buf;
}

/**
 * Reads the shape and data offset of a .npy file written by numpy or by this module.
 * @throws InputError when the file is not a little-endian float64 C-order .npy.
 */
export function readNpyHeader(fd: number, where: string): { shape: number[]; offset: number } {
  const head = Buffer.alloc(12);
  readSync(fd, head, 0, 12, 0);
  if (head.subarray(0, 6).compare(MAGIC.subarray(0, 6)) !== 0) throw new InputError(where, 'not a .npy file (bad magic)');
  const major = head[6];
  const hlen = major === 1 ? head.readUInt16LE(8) : head.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const dictBuf = Buffer.alloc(hlen);
  readSync(fd, dictBuf, 0, hlen, start);
  const dict = dictBuf.toString('latin1');
  if (!/'descr':\s*'<f8'/.test(dict)) throw new InputError(where, `unsupported dtype in header ${dict.trim()}; expected '<f8'`);
  if (/'fortran_order':\s*True/.test(dict)) throw new InputError(where, 'Fortran-order arrays are not supported');
  const m = /'shape':\s*\(([^)]*)\)/.exec(dict);
  if (!m) throw new InputError(where, `no shape in header ${dict.trim()}`);
  const shape = m[1].split(',').map((t) => t.trim()).filter((t) => t.length > 0).map(Number);
  return { shape, offset: start + hlen };
}

/** Writes `data` with `shape` to a new .npy file (overwriting). */
export function writeNpy(path: string, shape: readonly number[], data: Float64Array): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, npyHeader(shape), 0, NPY_HEADER_BYTES, 0);
    writeSync(fd, new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 0, data.byteLength, NPY_HEADER_BYTES);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a float64 .npy file.
 * @param rows - if given, read only the first `rows` rows (the rest may be a partial append).
 */
export function readNpy(path: string, rows?: number): { shape: number[]; data: Float64Array } {
  const fd = openSync(path, 'r');
  try {
    const { shape, offset } = readNpyHeader(fd, path);
    const rowLen = shape.slice(1).reduce((a, b) => a * b, 1);
    const n = rows ?? shape[0];
    const bytes = n * rowLen * 8;
    const size = fstatSync(fd).size;
    if (offset + bytes > size) throw new InputError(path, `holds ${Math.floor((size - offset) / (rowLen * 8))} complete rows, ${n} needed`);
    const data = new Float64Array(n * rowLen);
    if (bytes > 0) readSync(fd, new Uint8Array(data.buffer), 0, bytes, offset);
    return { shape: [n, ...shape.slice(1)], data };
  } finally {
    closeSync(fd);
  }
}
