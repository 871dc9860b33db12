/**
 * FITS (Wells et al. 1981; FITS Standard 4.0) reading, our own (no npm package works in Node:
 * stack-eval.md §8), and kinematics from CALIFA/ATLAS3D-style binary tables.
 *
 * Format: 2880-byte blocks; each HDU is a header of 80-character ASCII cards ending with END,
 * padded to a block, then its data (big-endian), padded to a block. Data bytes =
 * |BITPIX|/8 * GCOUNT * (PCOUNT + NAXIS1 * ... * NAXISn). Headers of every HDU are parsed
 * (strings with '' escapes and CONTINUE, logicals, integers, reals with D or E exponents);
 * images (BITPIX 8/16/32/64/-32/-64 with BSCALE/BZERO/BLANK) and BINTABLE columns of types
 * L, B, I, J, K, A, E, D (repeat counts, TSCALn/TZEROn, TNULLn) are decoded. Variable-length
 * arrays (P, Q), bits (X) and complex (C, M) columns are listed but refused if asked for.
 */
import { InputError } from '../../core/errors.ts';
import { buildKinematics, type BinField } from './kinematics-build.ts';
import type { Kinematics, KinematicsReadOptions } from './kinematics.ts';
import { readBytes, suggestColumn } from './table.ts';

const BLOCK = 2880;
const CARD = 80;

export type FitsValue = string | number | boolean | null;

export interface FitsHdu {
  /** 0-based position in the file. */
  readonly index: number;
  /** EXTNAME, or 'PRIMARY' for HDU 0, or '' for an unnamed extension. */
  readonly name: string;
  /** 'image' (primary or IMAGE extension), 'bintable', 'table' (ASCII) or the XTENSION value. */
  readonly type: string;
  /** Keyword values, in card order (COMMENT, HISTORY and blank keywords left out). */
  readonly header: ReadonlyMap<string, FitsValue>;
  readonly dataOffset: number;
  readonly dataBytes: number;
}

export interface FitsFile {
  readonly source: string;
  readonly bytes: Uint8Array;
  readonly hdus: readonly FitsHdu[];
}

function parseValue(raw: string, where: string): FitsValue {
  const s = raw.trimStart();
  if (s.startsWith("'")) {
    let out = '';
    let i = 1;
    for (;;) {
      if (i >= s.length) throw new InputError(where, `has an unterminated string value: ${raw.trim()}`);
      if (s[i] === "'") {
        if (s[i + 1] === "'") {
          out += "'";
          i += 2;
          continue;
        }
        break;
      }
      out += s[i++];
    }
    return out.replace(/ +$/, '');
  }
  const body = s.split('/')[0].trim();
  if (body === '') return null;
  if (body === 'T') return true;
  if (body === 'F') return false;
  if (/^[+-]?\d+$/.test(body)) return Number(body);
  const num = Number(body.replace(/[dD]/, 'e'));
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eEdD][+-]?\d+)?$/.test(body) && Number.isFinite(num)) return num;
  return body; // complex values and other non-standard forms, kept as text
}

function parseHeader(bytes: Uint8Array, offset: number, where: string): { header: Map<string, FitsValue>; end: number } {
  const header = new Map<string, FitsValue>();
  let last: string | undefined;
  for (let pos = offset; ; pos += CARD) {
    if (pos + CARD > bytes.length) throw new InputError(where, 'the header has no END card; the file is truncated or not FITS');
    let card = '';
    for (let k = 0; k < CARD; k++) card += String.fromCharCode(bytes[pos + k]);
    const key = card.slice(0, 8).trim();
    if (key === 'END') return { header, end: offset + Math.ceil((pos + CARD - offset) / BLOCK) * BLOCK };
    if (key === 'CONTINUE' && last !== undefined) {
      const prev = header.get(last);
      const more = parseValue(card.slice(8), where);
      if (typeof prev === 'string' && prev.endsWith('&') && typeof more === 'string') header.set(last, prev.slice(0, -1) + more);
      continue;
    }
    if (card.slice(8, 10) !== '= ' || key === '' || key === 'COMMENT' || key === 'HISTORY') continue;
    header.set(key, parseValue(card.slice(10), `${where} keyword ${key}`));
    last = key;
  }
}

function intKey(h: ReadonlyMap<string, FitsValue>, key: string, where: string, dflt?: number): number {
  const v = h.get(key);
  if (v === undefined && dflt !== undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new InputError(where, `keyword ${key} is ${JSON.stringify(v)}; it must be an integer`);
  return v;
}

/** Parses the HDU structure of a FITS file (headers only; data are decoded on request). */
export function parseFits(bytes: Uint8Array, source: string): FitsFile {
  if (bytes.length === 0) throw new InputError(source, 'is empty; give a FITS file');
  const head = String.fromCharCode(...bytes.subarray(0, Math.min(30, bytes.length)));
  if (!/^SIMPLE  =\s+T/.test(head)) throw new InputError(source, 'is not a FITS file (it does not start with SIMPLE = T)');
  const hdus: FitsHdu[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const index = hdus.length;
    const where = `${source}[HDU ${index}]`;
    // Trailing zero padding after the last HDU is tolerated.
    if (index > 0 && bytes.subarray(offset, offset + 8).every((b) => b === 0 || b === 32)) break;
    const { header, end } = parseHeader(bytes, offset, where);
    const bitpix = intKey(header, 'BITPIX', where);
    const naxis = intKey(header, 'NAXIS', where);
    let prod = naxis > 0 ? 1 : 0;
    for (let k = 1; k <= naxis; k++) prod *= intKey(header, `NAXIS${k}`, where);
    const pcount = intKey(header, 'PCOUNT', where, 0);
    const gcount = intKey(header, 'GCOUNT', where, 1);
    const dataBytes = naxis > 0 ? (Math.abs(bitpix) / 8) * gcount * (pcount + prod) : 0;
    const xt = header.get('XTENSION');
    const type = index === 0 ? 'image' : xt === 'BINTABLE' ? 'bintable' : xt === 'TABLE' ? 'table' : xt === 'IMAGE' ? 'image' : String(xt);
    const name = typeof header.get('EXTNAME') === 'string' ? (header.get('EXTNAME') as string) : index === 0 ? 'PRIMARY' : '';
    if (end + dataBytes > bytes.length) {
      throw new InputError(where, `'${name}' needs ${dataBytes} data bytes at offset ${end} but the file has ${bytes.length}; the file is truncated`);
    }
    hdus.push({ index, name, type, header, dataOffset: end, dataBytes });
    offset = end + Math.ceil(dataBytes / BLOCK) * BLOCK;
  }
  return { source, bytes, hdus };
}

/** Reads and parses a FITS file from disk. */
export function readFits(path: string): FitsFile {
  return parseFits(readBytes(path), path);
}

/** The HDU named `ext` (EXTNAME, case-insensitive) or at index `ext`; without `ext`, the first binary table. */
export function findHdu(f: FitsFile, ext?: string | number): FitsHdu {
  let hdu: FitsHdu | undefined;
  if (ext === undefined) hdu = f.hdus.find((h) => h.type === 'bintable');
  else if (typeof ext === 'number') hdu = f.hdus[ext];
  else hdu = f.hdus.find((h) => h.name.toLowerCase() === ext.toLowerCase());
  if (!hdu) {
    const list = f.hdus.map((h) => `${h.index}: ${h.name || '(unnamed)'} (${h.type})`).join(', ');
    throw new InputError(f.source, `${ext === undefined ? 'has no binary table' : `has no extension ${JSON.stringify(ext)}`}; its HDUs are ${list}`);
  }
  return hdu;
}

/** An image HDU's pixels as float64 (BSCALE/BZERO applied, BLANK -> NaN), first axis fastest. */
export function readImage(f: FitsFile, hdu: FitsHdu): { shape: number[]; data: Float64Array } {
  const where = `${f.source}[${hdu.name || hdu.index}]`;
  if (hdu.type !== 'image') throw new InputError(where, `is a ${hdu.type}, not an image`);
  const h = hdu.header;
  const bitpix = intKey(h, 'BITPIX', where);
  const naxis = intKey(h, 'NAXIS', where);
  const shape = Array.from({ length: naxis }, (_, k) => intKey(h, `NAXIS${k + 1}`, where));
  const n = naxis === 0 ? 0 : shape.reduce((a, b) => a * b, 1);
  const bscale = Number(h.get('BSCALE') ?? 1);
  const bzero = Number(h.get('BZERO') ?? 0);
  const blank = h.get('BLANK');
  const dv = new DataView(f.bytes.buffer, f.bytes.byteOffset + hdu.dataOffset, hdu.dataBytes);
  const data = new Float64Array(n);
  const size = Math.abs(bitpix) / 8;
  for (let i = 0; i < n; i++) {
    const o = i * size;
    let raw: number;
    switch (bitpix) {
      case 8: raw = dv.getUint8(o); break;
      case 16: raw = dv.getInt16(o, false); break;
      case 32: raw = dv.getInt32(o, false); break;
      case 64: raw = Number(dv.getBigInt64(o, false)); break;
      case -32: raw = dv.getFloat32(o, false); break;
      case -64: raw = dv.getFloat64(o, false); break;
      default: throw new InputError(where, `BITPIX ${bitpix} is not a FITS pixel type`);
    }
    data[i] = bitpix > 0 && typeof blank === 'number' && raw === blank ? NaN : bscale * raw + bzero;
  }
  return { shape, data };
}

export interface FitsColumn {
  readonly name: string;
  /** TFORM type letter. */
  readonly type: string;
  /** Elements per row (characters for A). */
  readonly repeat: number;
  /** Byte offset within a row and width in bytes. */
  readonly offset: number;
  readonly width: number;
}

const WIDTH: Record<string, number> = { L: 1, B: 1, I: 2, J: 4, K: 8, A: 1, E: 4, D: 8, C: 8, M: 16, P: 8, Q: 16 };

/** Column layout of a BINTABLE HDU. */
export function tableColumns(f: FitsFile, hdu: FitsHdu): FitsColumn[] {
  const where = `${f.source}[${hdu.name || hdu.index}]`;
  if (hdu.type !== 'bintable') throw new InputError(where, `is a ${hdu.type}, not a binary table`);
  const h = hdu.header;
  const nf = intKey(h, 'TFIELDS', where);
  const cols: FitsColumn[] = [];
  let offset = 0;
  for (let c = 1; c <= nf; c++) {
    const tform = String(h.get(`TFORM${c}`) ?? '').trim();
    const m = /^(\d*)([LXBIJKAEDCMPQ])/.exec(tform);
    if (!m) throw new InputError(`${where} keyword TFORM${c}`, `is '${tform}'; not a binary-table format`);
    const repeat = m[1] === '' ? 1 : Number(m[1]);
    const type = m[2];
    const width = type === 'X' ? Math.ceil(repeat / 8) : repeat * WIDTH[type];
    const name = String(h.get(`TTYPE${c}`) ?? `col${c}`).trim();
    cols.push({ name, type, repeat, offset, width });
    offset += width;
  }
  const naxis1 = intKey(h, 'NAXIS1', where);
  if (offset !== naxis1) throw new InputError(where, `its columns take ${offset} bytes per row but NAXIS1 is ${naxis1}; the header is inconsistent`);
  return cols;
}

/**
 * One BINTABLE column, by name (case-insensitive). Numeric columns come back as float64 with
 * TSCALn/TZEROn applied and TNULLn integers as NaN, `repeat` values per row (row-major);
 * logicals as 1 / 0 / NaN (unset); A columns as strings with trailing blanks and NULs removed.
 */
export function readColumn(f: FitsFile, hdu: FitsHdu, name: string): { column: FitsColumn; values: Float64Array | string[] } {
  const cols = tableColumns(f, hdu);
  const where = `${f.source}[${hdu.name || hdu.index}]`;
  const c = cols.findIndex((col) => col.name.toLowerCase() === name.toLowerCase());
  if (c < 0) {
    const near = suggestColumn([name], cols.map((col) => col.name));
    throw new InputError(where, `has no column '${name}'${near ? ` (did you mean '${near}'?)` : ''}; its columns are ${cols.map((col) => col.name).join(', ')}`);
  }
  const col = cols[c];
  const h = hdu.header;
  const nrows = intKey(h, 'NAXIS2', where);
  const rowBytes = intKey(h, 'NAXIS1', where);
  const dv = new DataView(f.bytes.buffer, f.bytes.byteOffset + hdu.dataOffset, hdu.dataBytes);
  if (col.type === 'A') {
    const out: string[] = [];
    for (let r = 0; r < nrows; r++) {
      let s = '';
      for (let k = 0; k < col.repeat; k++) s += String.fromCharCode(dv.getUint8(r * rowBytes + col.offset + k));
      out.push(s.replace(/[\0 ]+$/, ''));
    }
    return { column: col, values: out };
  }
  if (!'LBIJKED'.includes(col.type)) throw new InputError(`${where} column ${col.name}`, `has TFORM type ${col.type}, which this reader does not decode (it reads L, B, I, J, K, A, E, D)`);
  const scale = Number(h.get(`TSCAL${c + 1}`) ?? 1);
  const zero = Number(h.get(`TZERO${c + 1}`) ?? 0);
  const tnull = h.get(`TNULL${c + 1}`);
  const out = new Float64Array(nrows * col.repeat);
  const size = WIDTH[col.type];
  for (let r = 0; r < nrows; r++) {
    for (let k = 0; k < col.repeat; k++) {
      const o = r * rowBytes + col.offset + k * size;
      let raw: number;
      let isNull = false;
      switch (col.type) {
        case 'L': {
          const b = dv.getUint8(o);
          out[r * col.repeat + k] = b === 84 ? 1 : b === 70 ? 0 : NaN;
          continue;
        }
        case 'B': raw = dv.getUint8(o); break;
        case 'I': raw = dv.getInt16(o, false); break;
        case 'J': raw = dv.getInt32(o, false); break;
        case 'K': {
          const big = dv.getBigInt64(o, false);
          isNull = typeof tnull === 'number' && big === BigInt(tnull);
          // TZERO = 2^63 marks uint64; add it in BigInt so the result is exact up to 2^53.
          if (zero === 2 ** 63 && scale === 1) {
            out[r * col.repeat + k] = isNull ? NaN : Number(big + (1n << 63n));
            continue;
          }
          raw = Number(big);
          break;
        }
        case 'E': raw = dv.getFloat32(o, false); break;
        default: raw = dv.getFloat64(o, false);
      }
      if (col.type !== 'K') isNull = typeof tnull === 'number' && 'BIJ'.includes(col.type) && raw === tnull;
      out[r * col.repeat + k] = isNull ? NaN : scale * raw + zero;
    }
  }
  return { column: col, values: out };
}

// ---------------------------------------------------------------- kinematics

/** Column names used for kinematics; defaults fit CALIFA's STEKIN tables (NGC6278_stellar_kin.fits). */
export interface FitsKinematicsColumns {
  /** Spaxel (or bin) position, arcsec. */
  x: string;
  y: string;
  /** Bin of each spaxel (negative = in no bin); absent: one row per bin. */
  binId: string;
  /** The table's own bin centres (used with centres: 'file'). */
  xBin: string;
  yBin: string;
  v: string;
  vErr: string;
  sigma: string;
  sigmaErr: string;
  flux: string;
}

export const CALIFA_COLUMNS: FitsKinematicsColumns = {
  x: 'X', y: 'Y', binId: 'BIN_ID', xBin: 'XBIN', yBin: 'YBIN',
  v: 'VPXF', vErr: 'DVPXF', sigma: 'SPXF', sigmaErr: 'DSPXF', flux: 'FLUX',
};

/** Per-bin values must repeat on every spaxel row of the bin; this is the largest difference allowed (relative). */
const REPEAT_TOL = 1e-6;

/**
 * Kinematics from a FITS binary table. With a bin-id column the rows are spaxels: rows whose id
 * is negative (CALIFA writes -999.9) are in no bin and skipped; the rest are grouped by id, the
 * per-bin V, sigma and errors (repeated on each spaxel row: checked) taken once, the flux summed,
 * and the centre taken from the spaxels (flux-weighted mean by default; `centres: 'mean'` the
 * plain mean; `'file'` the XBIN, YBIN columns). Without a bin-id column each row is a bin at
 * (x, y). V includes the systemic velocity: removed as `opts.vsys`, or estimated (meta.vsys).
 * Column names: CALIFA_COLUMNS, overridden by `opts.fitsColumns`.
 */
export function readFitsKinematics(path: string, opts: KinematicsReadOptions = {}, file?: FitsFile): Kinematics {
  const f = file ?? readFits(path);
  const hdu = findHdu(f, opts.extension);
  const names = { ...CALIFA_COLUMNS, ...opts.fitsColumns };
  const src = `${path}[${hdu.name || hdu.index}]`;
  const colNames = tableColumns(f, hdu).map((c) => c.name);
  const have = new Set(colNames.map((c) => c.toLowerCase()));
  const configured = new Set(Object.values(names).map((c) => c.toLowerCase()));
  for (const key of ['x', 'y', 'v', 'vErr', 'sigma', 'sigmaErr'] as const) {
    if (have.has(names[key].toLowerCase())) continue;
    const near = suggestColumn([names[key]], colNames.filter((c) => !configured.has(c.toLowerCase())));
    throw new InputError(
      src,
      `has no column '${names[key]}'${near ? ` (did you mean '${near}'?)` : ''}; its columns are ${colNames.join(', ')}; ` +
        `name the ${key} column with the fitsColumns.${key} option`,
    );
  }
  const num = (key: keyof FitsKinematicsColumns): Float64Array => {
    const { values } = readColumn(f, hdu, names[key]);
    if (!(values instanceof Float64Array)) throw new InputError(`${src} column ${names[key]}`, 'is a text column; give a numeric one');
    return values;
  };
  const optional = (key: keyof FitsKinematicsColumns) => (have.has(names[key].toLowerCase()) ? num(key) : undefined);
  const notes: string[] = [];
  const binCol = optional('binId');
  const X = num('x');
  const Y = num('y');
  const V = num('v');
  const dV = num('vErr');
  const S = num('sigma');
  const dS = num('sigmaErr');
  const F = optional('flux');
  const nrows = X.length;
  const centres = opts.centres ?? 'flux-weighted';
  const fieldColumn: Partial<Record<BinField, string>> = {
    x: names.x, y: names.y, v: names.v, v_err: names.vErr, sigma: names.sigma, sigma_err: names.sigmaErr, flux: names.flux, bin_id: names.binId,
  };

  // Bin index of every row (-1: in no bin) and the first row of each bin.
  const binOf = new Int32Array(nrows).fill(-1);
  const firstRow: number[] = [];
  const ids: number[] = [];
  if (binCol) {
    const index = new Map<number, number>();
    for (let r = 0; r < nrows; r++) {
      const id = binCol[r];
      if (!(id >= 0)) continue;
      if (!Number.isInteger(id)) throw new InputError(`${src}:row ${r + 1} column ${names.binId}`, `is ${id}; bin ids must be integers (negative = in no bin)`);
      let b = index.get(id);
      if (b === undefined) {
        b = ids.length;
        index.set(id, b);
        ids.push(id);
        firstRow.push(r);
      }
      binOf[r] = b;
    }
    // Bins in increasing id order (not the order of first appearance), so that bin b of every
    // reader of the same data is the same bin.
    const order = ids.map((_, b) => b).sort((a, b) => ids[a] - ids[b]);
    const rank = new Int32Array(order.length);
    order.forEach((b, k) => (rank[b] = k));
    for (let r = 0; r < nrows; r++) if (binOf[r] >= 0) binOf[r] = rank[binOf[r]];
    const sortedIds = order.map((b) => ids[b]);
    const sortedFirst = order.map((b) => firstRow[b]);
    ids.splice(0, ids.length, ...sortedIds);
    firstRow.splice(0, firstRow.length, ...sortedFirst);
    notes.push(`${firstRow.length} bins from ${binOf.filter((b) => b >= 0).length} binned spaxel rows of ${nrows} (${names.binId} < 0: in no bin)`);
  } else {
    for (let r = 0; r < nrows; r++) {
      binOf[r] = r;
      firstRow.push(r);
    }
  }
  const nb = firstRow.length;
  if (nb === 0) throw new InputError(src, `has no binned rows (every ${names.binId} is negative); check the extension and column names`);
  const perBin = (a: Float64Array, key: keyof FitsKinematicsColumns) => {
    const out = new Float64Array(nb);
    for (let b = 0; b < nb; b++) out[b] = a[firstRow[b]];
    for (let r = 0; r < nrows; r++) {
      const b = binOf[r];
      if (b < 0) continue;
      if (!Number.isFinite(a[r])) throw new InputError(`${src}:row ${r + 1} column ${names[key]}`, `is ${a[r]}; give a finite value or take the spaxel out of its bin`);
      if (Math.abs(a[r] - out[b]) > REPEAT_TOL * Math.max(1, Math.abs(out[b]))) {
        throw new InputError(`${src}:row ${r + 1} column ${names[key]}`, `is ${a[r]} but bin ${ids[b] ?? b} has ${out[b]} on row ${firstRow[b] + 1}; per-bin values must repeat on each of the bin's rows`);
      }
    }
    return out;
  };
  const v = perBin(V, 'v');
  const vErr = perBin(dV, 'vErr');
  const sigma = perBin(S, 'sigma');
  const sigmaErr = perBin(dS, 'sigmaErr');

  const x = new Float64Array(nb);
  const y = new Float64Array(nb);
  let flux: Float64Array | undefined;
  let pixels: Kinematics['pixels'];
  if (binCol) {
    const sw = new Float64Array(nb);
    const cnt = new Float64Array(nb);
    const sx = new Float64Array(nb);
    const sy = new Float64Array(nb);
    const mx = new Float64Array(nb);
    const my = new Float64Array(nb);
    flux = F && new Float64Array(nb);
    const px: number[] = [];
    const py: number[] = [];
    const pb: number[] = [];
    for (let r = 0; r < nrows; r++) {
      const b = binOf[r];
      if (b < 0) continue;
      for (const [a, key] of [[X, 'x'], [Y, 'y']] as const) {
        if (!Number.isFinite(a[r])) throw new InputError(`${src}:row ${r + 1} column ${names[key]}`, `is ${a[r]}; spaxel positions must be finite`);
      }
      const w = F ? F[r] : 1;
      if (F) {
        if (!Number.isFinite(w)) throw new InputError(`${src}:row ${r + 1} column ${names.flux}`, `is ${w}; give a finite flux`);
        flux![b] += w;
      }
      sw[b] += w;
      sx[b] += w * X[r];
      sy[b] += w * Y[r];
      mx[b] += X[r];
      my[b] += Y[r];
      cnt[b]++;
      px.push(X[r]);
      py.push(Y[r]);
      pb.push(b);
    }
    let plain = 0;
    for (let b = 0; b < nb; b++) {
      const weighted = centres === 'flux-weighted' && F && sw[b] > 0;
      if (centres === 'flux-weighted' && !weighted) plain++;
      x[b] = weighted ? sx[b] / sw[b] : mx[b] / cnt[b];
      y[b] = weighted ? sy[b] / sw[b] : my[b] / cnt[b];
    }
    if (centres === 'flux-weighted') notes.push(`bin centres: flux-weighted mean of the spaxels${plain ? ` (plain mean for ${plain} bins without positive flux)` : ''}`);
    if (centres === 'mean') notes.push('bin centres: plain mean of the spaxels');
    const step = spaxelStep(px);
    pixels = { x: Float64Array.from(px), y: Float64Array.from(py), bin: Int32Array.from(pb), pixsize: step };
    if (have.has(names.xBin.toLowerCase()) && have.has(names.yBin.toLowerCase())) {
      const xb = perBin(num('xBin'), 'xBin');
      const yb = perBin(num('yBin'), 'yBin');
      if (centres === 'file') {
        x.set(xb);
        y.set(yb);
        notes.push(`bin centres: the table's ${names.xBin}, ${names.yBin}`);
      } else {
        let worst = 0;
        let worstBin = 0;
        let far = 0;
        for (let b = 0; b < nb; b++) {
          const d = Math.hypot(xb[b] - x[b], yb[b] - y[b]);
          if (d > 0.5 * step) far++;
          if (d > worst) [worst, worstBin] = [d, b];
        }
        if (far) notes.push(`${names.xBin}, ${names.yBin} of ${far} bins lie more than half a spaxel from their spaxels' centre (at most ${worst.toFixed(2)}", bin ${ids[worstBin]}); the spaxel centres are used`);
      }
    } else if (centres === 'file') {
      throw new InputError(src, `has no ${names.xBin}, ${names.yBin} columns for centres: 'file'; use the spaxel centres (the default)`);
    }
  } else {
    x.set(X);
    y.set(Y);
    flux = F;
  }
  return buildKinematics(
    {
      source: src,
      format: 'fits',
      x, y, v, vErr, sigma, sigmaErr, flux,
      binId: binCol ? Float64Array.from(ids) : undefined,
      row: Int32Array.from(firstRow, (r) => r + 1),
      pixels,
      notes,
      where: (i, fld) => `${src}:row ${firstRow[i] + 1}${fieldColumn[fld] ? ` column ${fieldColumn[fld]}` : ''}`,
    },
    opts,
  );
}

/** Spaxel size: the smallest non-zero gap between distinct x positions (1 for CALIFA's 1" grid). */
function spaxelStep(px: number[]): number {
  const u = [...new Set(px)].sort((a, b) => a - b);
  let step = Infinity;
  for (let k = 1; k < u.length; k++) step = Math.min(step, u[k] - u[k - 1]);
  return Number.isFinite(step) ? step : 1;
}
