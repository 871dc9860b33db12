/**
 * astropy ECSV tables (format versions 0.9 and 1.0): a header of '# '-prefixed YAML lines
 *   # %ECSV 1.0
 *   # ---
 *   # datatype:
 *   # - {name: v, unit: km / s, datatype: float64}      (flow style, or block style:)
 *   # - name: sigma
 *   #   datatype: float64
 *   # delimiter: ','                                     (optional; default a space)
 *   # meta: !!omap
 *   # - PSF:
 *   #     sigma: [1.06]
 *   # schema: astropy-2.0
 * then a line of column names (which must match the datatype list) and the data rows,
 * delimited by the delimiter (runs of spaces count as one for the space delimiter), strings
 * double-quoted when they contain the delimiter. The YAML reader here covers what astropy
 * writes: block mappings and sequences, flow [..] and {..}, quoted and plain scalars, tags
 * (!!omap becomes an ordered object). Rows are reported by their line number in the file.
 */
import { InputError } from '../../core/errors.ts';
import { splitFields } from './csv.ts';
import { findColumn, readText, type Table } from './table.ts';
import { kinematicsFromTable } from './kinematics-build.ts';
import type { Kinematics, KinematicsReadOptions } from './kinematics.ts';

export interface EcsvColumn {
  readonly name: string;
  readonly datatype: string;
  readonly unit?: string;
}

export interface EcsvTable extends Table {
  readonly version: string;
  readonly datatypes: readonly EcsvColumn[];
  /** The header's `meta` mapping (plain objects, arrays, numbers, strings), or {}. */
  readonly meta: Record<string, unknown>;
}

const DATATYPES = new Set([
  'bool', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64',
  'float16', 'float32', 'float64', 'float128', 'complex64', 'complex128', 'complex256', 'string',
]);

// ---------------------------------------------------------------- YAML subset

interface YLine { indent: number; text: string; line: number }

function scalar(s: string): unknown {
  const t = s.trim();
  if (t.startsWith("'") && t.endsWith("'") && t.length >= 2) return t.slice(1, -1).replace(/''/g, "'");
  if (t.startsWith('"') && t.endsWith('"') && t.length >= 2) return JSON.parse(t);
  if (t === '' || t === '~' || t === 'null') return null;
  if (t === 'true' || t === 'True') return true;
  if (t === 'false' || t === 'False') return false;
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Number(t);
  if (/^[-+]?\.inf$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^\.nan$/i.test(t)) return NaN;
  return t;
}

/** Strips a leading tag (e.g. `!!omap`), returning the tag and the rest. */
function untag(s: string): { tag?: string; rest: string } {
  const m = /^(!!?[\w:./-]*)\s*(.*)$/.exec(s.trim());
  return m ? { tag: m[1], rest: m[2] } : { rest: s.trim() };
}

function omapToObject(v: unknown): unknown {
  if (!Array.isArray(v)) return v;
  const out: Record<string, unknown> = {};
  for (const item of v) {
    if (item && typeof item === 'object' && !Array.isArray(item)) Object.assign(out, item);
  }
  return out;
}

/** Flow-style value ([..], {..} or a scalar) starting at s[pos]; returns the value and the end. */
function flow(s: string, pos: number, where: string): [unknown, number] {
  const skip = () => {
    while (pos < s.length && s[pos] === ' ') pos++;
  };
  skip();
  const c = s[pos];
  if (c === '[' || c === '{') {
    const close = c === '[' ? ']' : '}';
    const arr: unknown[] = [];
    const obj: Record<string, unknown> = {};
    pos++;
    skip();
    if (s[pos] === close) return [c === '[' ? arr : obj, pos + 1];
    for (;;) {
      if (c === '{') {
        const colon = s.indexOf(':', pos);
        if (colon < 0) throw new InputError(where, `bad YAML mapping '${s}'`);
        const key = scalar(s.slice(pos, colon));
        const [val, end] = flow(s, colon + 1, where);
        obj[String(key)] = val;
        pos = end;
      } else {
        const [val, end] = flow(s, pos, where);
        arr.push(val);
        pos = end;
      }
      skip();
      if (s[pos] === ',') {
        pos++;
        continue;
      }
      if (s[pos] === close) return [c === '[' ? arr : obj, pos + 1];
      throw new InputError(where, `bad YAML flow value '${s}': expected ',' or '${close}'`);
    }
  }
  if (c === "'" || c === '"') {
    let end = pos + 1;
    for (; end < s.length; end++) {
      if (s[end] === c) {
        if (c === "'" && s[end + 1] === "'") {
          end++;
          continue;
        }
        if (c === '"' && s[end - 1] === '\\') continue;
        break;
      }
    }
    return [scalar(s.slice(pos, end + 1)), end + 1];
  }
  let end = pos;
  while (end < s.length && !',]}'.includes(s[end])) end++;
  return [scalar(s.slice(pos, end)), end];
}

function inline(text: string, where: string): unknown {
  const { tag, rest } = untag(text);
  if (rest === '') return tag ? null : null;
  const [v, end] = flow(rest, 0, where);
  if (rest.slice(end).trim() !== '') return scalar(rest); // a plain scalar with commas or brackets in it
  return v;
}

/** Position of the `key:` separator (a colon followed by a space or the end), outside quotes and brackets; -1 if none. */
function keyColon(text: string): number {
  let depth = 0;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = '';
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '[' || ch === '{') depth++;
    else if (ch === ']' || ch === '}') depth--;
    else if (ch === ':' && depth === 0 && (i + 1 === text.length || text[i + 1] === ' ')) return i;
  }
  return -1;
}

function isSeqItem(l: YLine): boolean {
  return l.text === '-' || l.text.startsWith('- ');
}

function block(lines: YLine[], i: number, indent: number, src: string): [unknown, number] {
  return isSeqItem(lines[i]) ? sequence(lines, i, indent, src) : mapping(lines, i, indent, src);
}

function sequence(lines: YLine[], i: number, indent: number, src: string): [unknown[], number] {
  const out: unknown[] = [];
  while (i < lines.length && lines[i].indent === indent && isSeqItem(lines[i])) {
    const l = lines[i];
    const rest = l.text.slice(1).trimStart();
    const where = `${src}:row ${l.line}`;
    if (rest === '') {
      if (i + 1 < lines.length && lines[i + 1].indent > indent) {
        const [v, next] = block(lines, i + 1, lines[i + 1].indent, src);
        out.push(v);
        i = next;
      } else {
        out.push(null);
        i++;
      }
    } else if (!rest.startsWith('{') && !rest.startsWith('[') && keyColon(rest) >= 0) {
      // "- key: value" opens a mapping whose further keys are indented to the key's column.
      const sub = indent + (l.text.length - rest.length);
      const copy = lines.slice();
      copy[i] = { indent: sub, text: rest, line: l.line };
      const [v, next] = mapping(copy, i, sub, src);
      out.push(v);
      i = next;
    } else {
      out.push(inline(rest, where));
      i++;
    }
  }
  return [out, i];
}

function mapping(lines: YLine[], i: number, indent: number, src: string): [Record<string, unknown>, number] {
  const out: Record<string, unknown> = {};
  while (i < lines.length && lines[i].indent === indent && !isSeqItem(lines[i])) {
    const l = lines[i];
    const where = `${src}:row ${l.line}`;
    const colon = keyColon(l.text);
    if (colon < 0) throw new InputError(where, `bad ECSV header line '${l.text}': expected 'key: value'`);
    const key = String(scalar(l.text.slice(0, colon)));
    const { tag, rest } = untag(l.text.slice(colon + 1));
    i++;
    let value: unknown;
    if (rest !== '') {
      value = inline(rest, where);
    } else if (i < lines.length && (lines[i].indent > indent || (lines[i].indent === indent && isSeqItem(lines[i])))) {
      [value, i] = block(lines, i, lines[i].indent, src);
    } else {
      value = null;
    }
    out[key] = tag === '!!omap' ? omapToObject(value) : value;
  }
  return [out, i];
}

/** Parses the YAML subset described in the module comment. `lines` are the header lines without '# '. */
export function parseYamlSubset(lines: { text: string; line: number }[], src: string): Record<string, unknown> {
  const ylines: YLine[] = [];
  for (const { text, line } of lines) {
    if (text.trim() === '' || text.trimStart().startsWith('#')) continue;
    if (/^\s*\t/.test(text)) throw new InputError(`${src}:row ${line}`, 'YAML indentation must use spaces, not tabs');
    ylines.push({ indent: text.length - text.trimStart().length, text: text.trim(), line });
  }
  if (ylines.length === 0) return {};
  const [v, next] = block(ylines, 0, ylines[0].indent, src);
  if (next < ylines.length) throw new InputError(`${src}:row ${ylines[next].line}`, `unexpected indentation in the ECSV header at '${ylines[next].text}'`);
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new InputError(src, 'the ECSV header must be a YAML mapping with a datatype list');
  return v as Record<string, unknown>;
}

// ---------------------------------------------------------------- ECSV

/**
 * Parses ECSV text into a table of text cells plus the declared datatypes and meta. Refuses a
 * missing or unknown version line, a header without `datatype`, unknown datatypes, a column-name
 * line that differs from the datatype list, ragged rows, and a table without rows.
 */
export function parseEcsv(text: string, source: string): EcsvTable {
  const lines = text.split(/\r?\n/);
  let k = 0;
  while (k < lines.length && lines[k].trim() === '') k++;
  const first = /^#\s*%ECSV\s+(\S+)\s*$/.exec(lines[k] ?? '');
  if (!first) {
    if (k >= lines.length) throw new InputError(source, 'is empty; give an astropy ECSV table (first line "# %ECSV 1.0")');
    throw new InputError(`${source}:row ${k + 1}`, `is not an ECSV table: the first line must be "# %ECSV 1.0" (or 0.9), found '${lines[k]}'`);
  }
  const version = first[1];
  if (!/^(0\.9|1\.\d+)$/.test(version)) throw new InputError(`${source}:row ${k + 1}`, `ECSV version ${version} is not supported; versions 0.9 and 1.x are read`);
  k++;
  const yaml: { text: string; line: number }[] = [];
  let sawDashes = false;
  for (; k < lines.length && lines[k].startsWith('#'); k++) {
    const body = lines[k].replace(/^# ?/, '');
    if (!sawDashes) {
      if (body.trim() === '---') sawDashes = true;
      continue;
    }
    yaml.push({ text: body, line: k + 1 });
  }
  if (!sawDashes) throw new InputError(source, "the ECSV header has no '# ---' line before its YAML");
  const header = parseYamlSubset(yaml, source);
  const dt = header.datatype;
  if (!Array.isArray(dt) || dt.length === 0) throw new InputError(source, "the ECSV header has no 'datatype' list; write the file with astropy's ascii.ecsv");
  const datatypes: EcsvColumn[] = dt.map((d, c) => {
    const o = (d ?? {}) as Record<string, unknown>;
    if (typeof o.name !== 'string' && typeof o.name !== 'number') throw new InputError(source, `datatype entry ${c + 1} has no name`);
    const datatype = String(o.datatype ?? '');
    if (!DATATYPES.has(datatype)) throw new InputError(`${source} column ${o.name}`, `has datatype '${datatype}'; expected one of ${[...DATATYPES].join(', ')}`);
    return { name: String(o.name), datatype, unit: o.unit === undefined ? undefined : String(o.unit) };
  });
  const delimiter = header.delimiter === undefined || header.delimiter === null ? ' ' : String(header.delimiter);
  if (delimiter !== ' ' && delimiter !== ',') throw new InputError(source, `ECSV delimiter '${delimiter}' is not allowed; use a space or a comma`);
  const meta = header.meta && typeof header.meta === 'object' && !Array.isArray(header.meta) ? (header.meta as Record<string, unknown>) : {};

  while (k < lines.length && lines[k].trim() === '') k++;
  if (k >= lines.length) throw new InputError(source, 'has an ECSV header but no column-name line and no data rows');
  const names = splitFields(lines[k].trim(), delimiter, `${source}:row ${k + 1}`);
  const expected = datatypes.map((d) => d.name);
  if (names.length !== expected.length || names.some((n, c) => n !== expected[c])) {
    throw new InputError(`${source}:row ${k + 1}`, `the column names (${names.join(' ')}) differ from the header's datatype list (${expected.join(' ')}); make them agree`);
  }
  k++;
  const rows: string[][] = [];
  const rowLines: number[] = [];
  for (; k < lines.length; k++) {
    const line = lines[k];
    if (line.trim() === '' || line.startsWith('#')) continue;
    const where = `${source}:row ${k + 1}`;
    const fields = splitFields(delimiter === ' ' ? line.trim() : line, delimiter, where);
    if (fields.length !== names.length) throw new InputError(where, `has ${fields.length} fields but the table has ${names.length} columns (${names.join(' ')}); give one value per column`);
    rows.push(fields);
    rowLines.push(k + 1);
  }
  if (rows.length === 0) throw new InputError(source, 'has an ECSV header but no data rows');
  const columns = names.map((_, c) => rows.map((r) => r[c]));
  return { source, names, nrows: rows.length, columns, rowNumber: (i) => rowLines[i], version, datatypes, meta };
}

/** True when the table is DYNAMITE's Gauss-Hermite kinematics (vbin_id, v, dv, sigma, dsigma; positions in bins.dat). */
export function isDynamiteTable(t: EcsvTable): boolean {
  return findColumn(t, ['vbin_id']) >= 0 && findColumn(t, ['x']) < 0;
}

/** PSF in an ECSV meta (`PSF: {sigma: [..], weight: [..]}`, DYNAMITE's form), or undefined. */
export function ecsvPsf(t: EcsvTable): { sigma: number[]; weight: number[] } | undefined {
  const psf = (t.meta.PSF ?? t.meta.psf) as Record<string, unknown> | undefined;
  if (!psf) return undefined;
  const list = (v: unknown) => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
  const sigma = list(psf.sigma).map(Number);
  const weight = psf.weight === undefined ? sigma.map(() => 1) : list(psf.weight).map(Number);
  if (sigma.length === 0 || sigma.length !== weight.length || sigma.some((s) => !(s > 0)) || weight.some((w) => !(w >= 0))) {
    throw new InputError(`${t.source} meta.PSF`, `is ${JSON.stringify(psf)}; give {sigma: [..] (arcsec, > 0), weight: [..] (>= 0)} of equal length`);
  }
  const total = weight.reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw new InputError(`${t.source} meta.PSF.weight`, 'all weights are 0; give positive weights');
  return { sigma, weight: weight.map((w) => w / total) };
}

/** Kinematics from an ECSV table with the CSV's columns (x, y, vrms, ... ; see kinematicsFromTable). */
export function readEcsvKinematics(path: string, opts: KinematicsReadOptions = {}, table?: EcsvTable): Kinematics {
  const t = table ?? parseEcsv(readText(path), path);
  return kinematicsFromTable(t, 'ecsv', opts, { psf: ecsvPsf(t) });
}
