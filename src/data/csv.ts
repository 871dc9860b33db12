/**
 * CSV kinematics: a header line of column names, then one line per bin, comma-separated.
 * Lines that are blank or start with '#' are skipped (comments); fields may be double-quoted
 * ("" is a quote inside a quoted field); spaces around fields are ignored; CRLF line ends and a
 * byte-order mark are accepted. Rows are reported by their line number in the file.
 * Columns: see kinematicsFromTable (kinematics-build.ts).
 */
import { InputError } from '../../core/errors.ts';
import { kinematicsFromTable } from './kinematics-build.ts';
import type { Kinematics, KinematicsReadOptions } from './kinematics.ts';
import { readText, type Table } from './table.ts';

/** Splits one line into fields on `delimiter`, honouring double quotes. `where` names the line in errors. */
export function splitFields(line: string, delimiter: string, where: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  const collapse = delimiter === ' ';
  for (;;) {
    while (i < n && (line[i] === ' ' || line[i] === '\t') && delimiter !== '\t') i++;
    let field = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= n) throw new InputError(where, 'has an unclosed double quote; close it or remove it');
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += line[i++];
      }
      if (!collapse) while (i < n && line[i] === ' ') i++;
      if (i < n && line[i] !== delimiter) throw new InputError(where, `has text after a closing quote; put '${delimiter}' after it`);
    } else {
      const start = i;
      while (i < n && line[i] !== delimiter) i++;
      field = line.slice(start, i).trim();
    }
    out.push(field);
    if (i >= n) break;
    i++; // the delimiter
    if (collapse) {
      while (i < n && line[i] === ' ') i++;
      if (i >= n) break;
    }
  }
  return out;
}

/**
 * Parses CSV text into a Table of text cells. `source` names the file in errors. Refuses an empty
 * file, a header without data rows, empty or repeated column names, and ragged rows.
 */
export function parseCsv(text: string, source: string): Table {
  const lines = text.split(/\r?\n/);
  let header: string[] | undefined;
  const rows: string[][] = [];
  const rowLines: number[] = [];
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k];
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const where = `${source}:row ${k + 1}`;
    const fields = splitFields(line, ',', where);
    if (!header) {
      header = fields;
      const seen = new Set<string>();
      header.forEach((h, c) => {
        if (h === '') throw new InputError(`${where} column ${c + 1}`, 'the header has an empty column name; name every column');
        if (seen.has(h.toLowerCase())) throw new InputError(`${where} column ${h}`, 'is named twice in the header; keep one');
        seen.add(h.toLowerCase());
      });
      continue;
    }
    if (fields.length !== header.length) {
      throw new InputError(where, `has ${fields.length} fields but the header has ${header.length} (${header.join(',')}); give one value per column`);
    }
    rows.push(fields);
    rowLines.push(k + 1);
  }
  if (!header) throw new InputError(source, 'is empty; give a header line (e.g. x,y,vrms,vrms_err) and one line per bin');
  if (rows.length === 0) throw new InputError(source, 'has a header but no data rows; give one line per bin');
  const columns = header.map((_, c) => rows.map((r) => r[c]));
  return { source, names: header, nrows: rows.length, columns, rowNumber: (i) => rowLines[i] };
}

/** Reads a CSV kinematics file (see the module comment and kinematicsFromTable). */
export function readCsvKinematics(path: string, opts: KinematicsReadOptions = {}): Kinematics {
  return kinematicsFromTable(parseCsv(readText(path), path), 'csv', opts);
}
