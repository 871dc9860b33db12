/**
 * readTrainingSet's `partial` option (development use while a set is being generated): it reads
 * every chunk the manifest lists as complete, packed in chunk order, and those maps equal the
 * full set's maps of the same chunks; without the option an incomplete set is refused.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../core/errors.ts';
import { defaultConfig } from '../../src/surrogate/simulate/config.ts';
import { readTrainingSet } from '../../src/surrogate/simulate/reader.ts';
import { simulate } from '../../src/surrogate/simulate/run.ts';

test('partial read = the listed chunks, packed in order; refused without the option', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jamfit-partial-'));
  try {
    await simulate(defaultConfig({ n: 10, chunk: 4, seed: 9, grid: { nRad: 4, nTheta: 2, rMin: 0.02, rMax: 4 }, image: { size: 8, fov: 3, oversample: 1 } }), dir);
    const full = readTrainingSet(dir);
    const mp = join(dir, 'manifest.json');
    const m = JSON.parse(readFileSync(mp, 'utf8'));
    // Chunks 0 and 2 done (maps 0-3 and 8-9), 1 still running: 6 maps, chunk 2's after chunk 0's.
    m.complete = false;
    m.chunks = m.chunks.filter((e: { index: number }) => e.index !== 1);
    writeFileSync(mp, JSON.stringify(m));
    assert.throws(() => readTrainingSet(dir), (e: unknown) => e instanceof InputError && /incomplete \(2 of 3 chunks\)/.test(e.message));
    const part = readTrainingSet(dir, { partial: true });
    assert.equal(part.n, 6);
    const pick = (a: Float32Array | Float64Array, w: number) => [...Array.from(a.subarray(0, 4 * w)), ...Array.from(a.subarray(8 * w, 10 * w))];
    const nc = full.columns.length;
    assert.deepEqual(Array.from(part.v), pick(full.v, 8));
    assert.deepEqual(Array.from(part.params), pick(full.params, nc));
    assert.deepEqual(Array.from(part.images!), pick(full.images!, 64));
    m.chunks = [];
    writeFileSync(mp, JSON.stringify(m));
    assert.throws(() => readTrainingSet(dir, { partial: true }), (e: unknown) => e instanceof InputError && /lists no complete chunk yet/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
