/**
 * A pure-TypeScript check of an HDF5 (netCDF-4) file's superblock, made before the HDF5 library
 * opens it: the signature is found (at 0, 512, 1024, ... as the format allows), the superblock is
 * parsed (versions 0-3) and its end-of-file address compared with the file's size. A truncated or
 * foreign file is refused with one line, instead of the HDF5 library's page of diagnostics.
 * Versions 2 and 3 also carry a Jenkins lookup3 checksum of the superblock, which is verified.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { InputError } from '../../../core/errors.ts';

const SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface SuperblockInfo {
  /** Byte offset of the superblock (the HDF5 base address unless the superblock says otherwise). */
  offset: number;
  version: number;
  sizeOfOffsets: number;
  /** End-of-file address recorded by the writer, relative to the base address. */
  eofAddress: number;
  baseAddress: number;
  fileSize: number;
}

/** Bob Jenkins' lookup3 hashlittle, as HDF5's H5_checksum_lookup3 (initval 0). */
export function lookup3(key: Uint8Array, initval = 0): number {
  let length = key.length;
  let a = (0xdeadbeef + length + initval) >>> 0;
  let b = a;
  let c = a;
  const rot = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;
  let o = 0;
  while (length > 12) {
    a = (a + (key[o] | (key[o + 1] << 8) | (key[o + 2] << 16) | (key[o + 3] << 24))) >>> 0;
    b = (b + (key[o + 4] | (key[o + 5] << 8) | (key[o + 6] << 16) | (key[o + 7] << 24))) >>> 0;
    c = (c + (key[o + 8] | (key[o + 9] << 8) | (key[o + 10] << 16) | (key[o + 11] << 24))) >>> 0;
    // mix(a, b, c)
    a = (a - c) >>> 0; a = (a ^ rot(c, 4)) >>> 0; c = (c + b) >>> 0;
    b = (b - a) >>> 0; b = (b ^ rot(a, 6)) >>> 0; a = (a + c) >>> 0;
    c = (c - b) >>> 0; c = (c ^ rot(b, 8)) >>> 0; b = (b + a) >>> 0;
    a = (a - c) >>> 0; a = (a ^ rot(c, 16)) >>> 0; c = (c + b) >>> 0;
    b = (b - a) >>> 0; b = (b ^ rot(a, 19)) >>> 0; a = (a + c) >>> 0;
    c = (c - b) >>> 0; c = (c ^ rot(b, 4)) >>> 0; b = (b + a) >>> 0;
    length -= 12;
    o += 12;
  }
  if (length === 0) return c;
  const k = (i: number) => (i < length ? key[o + i] : 0);
  c = (c + ((k(11) << 24) | (k(10) << 16) | (k(9) << 8) | k(8))) >>> 0;
  b = (b + ((k(7) << 24) | (k(6) << 16) | (k(5) << 8) | k(4))) >>> 0;
  a = (a + ((k(3) << 24) | (k(2) << 16) | (k(1) << 8) | k(0))) >>> 0;
  // final(a, b, c)
  c = (c ^ b) >>> 0; c = (c - rot(b, 14)) >>> 0;
  a = (a ^ c) >>> 0; a = (a - rot(c, 11)) >>> 0;
  b = (b ^ a) >>> 0; b = (b - rot(a, 25)) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rot(b, 16)) >>> 0;
  a = (a ^ c) >>> 0; a = (a - rot(c, 4)) >>> 0;
  b = (b ^ a) >>> 0; b = (b - rot(a, 14)) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rot(b, 24)) >>> 0;
  return c;
}

function readAddress(buf: Buffer, at: number, size: number): number {
  if (size === 8) {
    const v = buf.readBigUInt64LE(at);
    return v === 0xffffffffffffffffn ? -1 : Number(v);
  }
  if (size === 4) {
    const v = buf.readUInt32LE(at);
    return v === 0xffffffff ? -1 : v;
  }
  throw new Error(`unsupported size of offsets ${size}`);
}

/**
 * Checks that `path` is a complete HDF5 file (see the module header).
 * @throws InputError (one line naming the file) when it is not HDF5, its superblock is corrupt,
 *   or it is shorter than its superblock says (a truncated copy or an interrupted write).
 */
export function checkHdf5File(path: string): SuperblockInfo {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new InputError(path, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    const fileSize = fstatSync(fd).size;
    const head = Buffer.alloc(8);
    let offset = -1;
    for (let at = 0; at + 8 <= fileSize; at = at === 0 ? 512 : at * 2) {
      readSync(fd, head, 0, 8, at);
      if (head.equals(SIGNATURE)) {
        offset = at;
        break;
      }
    }
    if (offset < 0) throw new InputError(path, `not an HDF5/netCDF-4 file (no HDF5 signature in its ${fileSize} bytes)`);
    const sb = Buffer.alloc(200);
    const got = readSync(fd, sb, 0, sb.length, offset);
    const version = sb[8];
    if (got < 12) throw new InputError(path, `truncated: the HDF5 superblock is cut off (${fileSize} bytes)`);
    let sizeOfOffsets: number;
    let baseAddress: number;
    let eofAddress: number;
    if (version === 0 || version === 1) {
      sizeOfOffsets = sb[13];
      const fixed = version === 0 ? 24 : 28;
      const need = fixed + 4 * sizeOfOffsets;
      if (got < need) throw new InputError(path, `truncated: the HDF5 superblock is cut off (${fileSize} bytes)`);
      baseAddress = readAddress(sb, fixed, sizeOfOffsets);
      eofAddress = readAddress(sb, fixed + 2 * sizeOfOffsets, sizeOfOffsets);
    } else if (version === 2 || version === 3) {
      sizeOfOffsets = sb[9];
      if (sizeOfOffsets !== 4 && sizeOfOffsets !== 8) throw new InputError(path, `corrupt HDF5 superblock (size of offsets ${sizeOfOffsets})`);
      const end = 12 + 4 * sizeOfOffsets;
      if (got < end + 4) throw new InputError(path, `truncated: the HDF5 superblock is cut off (${fileSize} bytes)`);
      const stored = sb.readUInt32LE(end);
      const sum = lookup3(sb.subarray(0, end));
      if (stored !== sum) throw new InputError(path, `corrupt HDF5 superblock (checksum ${sum.toString(16)}, stored ${stored.toString(16)})`);
      baseAddress = readAddress(sb, 12, sizeOfOffsets);
      eofAddress = readAddress(sb, 12 + 2 * sizeOfOffsets, sizeOfOffsets);
    } else {
      throw new InputError(path, `unsupported HDF5 superblock version ${version}`);
    }
    if (baseAddress < 0) baseAddress = offset;
    if (eofAddress < 0) throw new InputError(path, 'corrupt HDF5 superblock (undefined end-of-file address)');
    if (baseAddress + eofAddress > fileSize) {
      throw new InputError(path, `truncated: ${fileSize} bytes, its HDF5 superblock says ${baseAddress + eofAddress} (an interrupted write or copy); write it again, e.g. with \`jamfit report <runDir>\``);
    }
    return { offset, version, sizeOfOffsets, eofAddress, baseAddress, fileSize };
  } finally {
    closeSync(fd);
  }
}
