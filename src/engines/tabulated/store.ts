/**
 * A tabulated engine's table in a run folder, so that a killed fit resumes without rebuilding it:
 *   engine-table.json  the fingerprint of what the table depends on, its layout and error;
 *   engine-table.f64   the values, float64 little-endian, node-major.
 * The .f64 is written first and the .json last (both atomically), so a .json always describes a
 * complete .f64. A table whose fingerprint, size or layout does not match is ignored (rebuilt).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../../core/atomic-write.ts';
import type { TabulatedTable } from './model.ts';

const META = 'engine-table.json';
const DATA = 'engine-table.f64';

export function writeTable(dir: string, fingerprint: string, t: TabulatedTable): void {
  const v = t.table.values;
  writeFileAtomic(join(dir, DATA), new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  const { values: _values, ...rest } = t.table;
  writeFileAtomic(join(dir, META), JSON.stringify({ fingerprint, components: t.components, nGroups: t.nGroups, nbins: t.nbins, table: rest }, null, 1) + '\n');
}

/** The table stored in `dir` for this fingerprint, or null (absent, other fingerprint, torn). */
export function readTable(dir: string, fingerprint: string): TabulatedTable | null {
  const mf = join(dir, META);
  const df = join(dir, DATA);
  if (!existsSync(mf) || !existsSync(df)) return null;
  try {
    const m = JSON.parse(readFileSync(mf, 'utf8'));
    if (m.fingerprint !== fingerprint) return null;
    const buf = readFileSync(df);
    if (buf.byteLength !== m.table.nNodes * m.table.length * 8) return null;
    const values = new Float64Array(buf.byteLength / 8);
    new Uint8Array(values.buffer).set(buf);
    return { components: m.components, nGroups: m.nGroups, nbins: m.nbins, table: { ...m.table, values } };
  } catch {
    return null;
  }
}
