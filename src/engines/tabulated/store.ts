/**
 * A tabulated engine's table in a run folder, so that a killed fit resumes without rebuilding it:
 *   engine-table.json  the fingerprint of what the table depends on, its layout and error;
 *   engine-table.f64   the values of every patch in order, float64 little-endian, node-major.
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
  const total = t.patches.reduce((a, p) => a + p.values.length, 0);
  const all = new Float64Array(total);
  let at = 0;
  for (const p of t.patches) {
    all.set(p.values, at);
    at += p.values.length;
  }
  writeFileAtomic(join(dir, DATA), new Uint8Array(all.buffer));
  const patches = t.patches.map(({ values: _values, ...rest }) => rest);
  const { patches: _p, ...head } = t;
  writeFileAtomic(join(dir, META), JSON.stringify({ fingerprint, ...head, patches }, null, 1) + '\n');
}

/** The table stored in `dir` for this fingerprint, or null (absent, other fingerprint, torn, an older layout). */
export function readTable(dir: string, fingerprint: string): TabulatedTable | null {
  const mf = join(dir, META);
  const df = join(dir, DATA);
  if (!existsSync(mf) || !existsSync(df)) return null;
  try {
    const m = JSON.parse(readFileSync(mf, 'utf8'));
    if (m.fingerprint !== fingerprint || !Array.isArray(m.patches)) return null;
    const buf = readFileSync(df);
    const sizes: number[] = m.patches.map((p: { nNodes: number; nV: number; length: number }) => p.nNodes * p.nV * p.length);
    if (buf.byteLength !== sizes.reduce((a, b) => a + b, 0) * 8) return null;
    const all = new Float64Array(buf.byteLength / 8);
    new Uint8Array(all.buffer).set(buf);
    let at = 0;
    const patches = m.patches.map((p: object, k: number) => {
      const values = all.slice(at, at + sizes[k]);
      at += sizes[k];
      return { ...p, values };
    });
    const { fingerprint: _f, ...head } = m;
    return { ...head, patches };
  } catch {
    return null;
  }
}
