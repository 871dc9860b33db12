/**
 * A column table as the text and FITS readers hand it over, the column lookup they share
 * (case-insensitive names with aliases, suggestions for misspelt names), the number parsing
 * that names file, row and column in its errors, and file reading that turns system errors
 * into InputErrors.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../../core/errors.ts';

export interface Table {
  /** File name used in messages. */
  readonly source: string;
  /** Column names as written in the file. */
  readonly names: readonly string[];
  readonly nrows: number;
  /** Column-major cells: text (CSV, ECSV) or numbers (FITS). */
  readonly columns: ReadonlyArray<readonly string[] | Float64Array>;
  /** The N of "file:row N" for 0-based row i: the line number of a text file, the 1-based FITS row. */
  readonly rowNumber: (i: number) => number;
}

/** `file:row N column C`, the `where` of every cell error. */
export function cellWhere(t: Table, i: number, col: number): string {
  return `${t.source}:row ${t.rowNumber(i)} column ${t.names[col]}`;
}

/** Index of the first column whose name matches one of `aliases` (case-insensitive), or -1. */
export function findColumn(t: Table, aliases: readonly string[]): number {
  const lower = t.names.map((n) => n.toLowerCase());
  for (const a of aliases) {
    const k = lower.indexOf(a.toLowerCase());
    if (k >= 0) return k;
  }
  return -1;
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

/**
 * The name in `names` closest to one of `wanted` (case-insensitive edit distance 1 when both names have
 * at most 4 letters, else 2; exact matches excluded), or undefined: the "did you mean".
 */
export function suggestColumn(wanted: readonly string[], names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const n of names) {
    for (const w of wanted) {
      const d = editDistance(n.toLowerCase(), w.toLowerCase());
      const limit = Math.max(n.length, w.length) <= 4 ? 1 : 2;
      if (d > 0 && d <= limit && d < bestD) {
        bestD = d;
        best = n;
      }
    }
  }
  return best;
}

/**
 * The InputError for a missing required column: names it, lists what was found, suggests a near
 * miss among the columns not `taken` by other fields.
 */
export function missingColumn(t: Table, wanted: readonly string[], purpose: string, taken: readonly number[] = []): InputError {
  const near = suggestColumn(wanted, t.names.filter((_, c) => !taken.includes(c)));
  const hint = near ? `; did you mean '${near}'? rename it to '${wanted[0]}'` : `; add a column '${wanted[0]}'`;
  return new InputError(
    t.source,
    `has no column '${wanted[0]}' (${purpose}${wanted.length > 1 ? `; also accepted: ${wanted.slice(1).join(', ')}` : ''}); ` +
      `columns found: ${t.names.join(', ') || '(none)'}${hint}`,
  );
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eEdD][+-]?\d+)?$/;
const NONFINITE = /^[+-]?(nan|inf|infinity)$/i;

/**
 * Column `col` as numbers. Text cells must be decimal numbers (Fortran 'D' exponents accepted);
 * empty cells, text, NaN and infinities are refused with `file:row N column C`. FITS columns
 * pass through after the same finiteness check.
 */
export function numberColumn(t: Table, col: number, what: string): Float64Array {
  const cells = t.columns[col];
  const out = new Float64Array(t.nrows);
  for (let i = 0; i < t.nrows; i++) {
    const c = cells[i];
    let v: number;
    if (typeof c === 'number') {
      v = c;
    } else {
      const s = c.trim();
      if (s === '') throw new InputError(cellWhere(t, i, col), `is empty; give ${what}`);
      if (NONFINITE.test(s)) throw new InputError(cellWhere(t, i, col), `is ${s}; give a finite ${what}, or delete the row`);
      if (!NUMBER.test(s)) throw new InputError(cellWhere(t, i, col), `is '${s}', not a number; give ${what}`);
      v = Number(s.replace(/[dD]/, 'e'));
    }
    if (!Number.isFinite(v)) throw new InputError(cellWhere(t, i, col), `is ${v}; give a finite ${what}, or delete the row`);
    out[i] = v;
  }
  return out;
}

function readOrRefuse<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(path, 'no such file; check the path');
    if (code === 'EISDIR') throw new InputError(path, 'is a directory; give a file');
    if (code === 'EACCES') throw new InputError(path, 'cannot be read (permission denied)');
    throw e;
  }
}

/** A text file as a string (UTF-8, a leading byte-order mark dropped); InputError if unreadable. */
export function readText(path: string): string {
  const s = readOrRefuse(path, () => readFileSync(path, 'utf8'));
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

/** A binary file's bytes; InputError if unreadable. */
export function readBytes(path: string): Buffer {
  return readOrRefuse(path, () => readFileSync(path));
}
