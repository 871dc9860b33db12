/**
 * readTrainingSet's `partial` option (development use while a set is being generated): it reads
 * the contiguous leading run of chunks the manifest lists as complete, and those maps equal the
 * full set's first maps; without the option an incomplete set is refused.
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

test('partial read = the leading complete chunks; refused without the option', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jamfit-partial-'));
  try {
    await simulate(defaultConfig({ n: 10, chunk: 4, seed: 9, grid: { nRad: 4, nTheta: 2, rMin: 0.02, rMax: 4 }, image: { size: 8, fov: 3, oversample: 1 } }), dir);
    const full = readTrainingSet(dir);
    const mp = join(dir, 'manifest.json');
    const m = JSON.parse(readFileSync(mp, 'utf8'));
    // Chunks 0 and 2 done, 1 still running: only chunk 0 forms the leading run.
    m.complete = false;
    m.chunks = m.chunks.filter((e: { index: number }) => e.index !== 1);
    writeFileSync(mp, JSON.stringify(m));
    assert.throws(() => readTrainingSet(dir), (e: unknown) => e instanceof InputError && /incomplete \(2 of 3 chunks\)/.test(e.message));
    const part = readTrainingSet(dir, { partial: true });
    assert.equal(part.n, 4);
    assert.deepEqual(Array.from(part.v), Array.from(full.v.subarray(0, 4 * 8)));
    assert.deepEqual(Array.from(part.params), Array.from(full.params.subarray(0, 4 * 8)));
    assert.deepEqual(Array.from(part.images!), Array.from(full.images!.subarray(0, 4 * 64)));
    m.chunks = m.chunks.filter((e: { index: number }) => e.index !== 0);
    writeFileSync(mp, JSON.stringify(m));
    assert.throws(() => readTrainingSet(dir, { partial: true }), (e: unknown) => e instanceof InputError && /lists no complete chunk yet/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
