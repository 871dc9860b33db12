/**
 * Surrogate files: a saved model loads back with identical numbers; a missing manifest, missing
 * weights, a flipped byte in the weights or a truncated file each give one InputError naming the
 * file and the fix (`jamfit train` or reinstall).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../core/errors.ts';
import { DEFAULT_CNN, initCnn } from '../../src/surrogate/cnn.ts';
import { TRAINING_DOMAIN_V1 } from '../../src/surrogate/domain.ts';
import { initMlp } from '../../src/surrogate/mlp.ts';
import { loadSurrogate, MANIFEST_FILE, saveSurrogate, WEIGHTS_FILE, type Surrogate } from '../../src/surrogate/model-files.ts';
import { TRAINING_GRID } from '../../src/surrogate/simulate/config.ts';

function sample(): Surrogate {
  const arch = { nFeatures: 2, nParams: 3, hidden: [16, 16], bottleneck: 4, nOut: 12 };
  return {
    manifest: { format: '', formatVersion: 0, packageVersion: '0', weightsFile: '', weightsSha256: '', domain: TRAINING_DOMAIN_V1, grid: TRAINING_GRID, image: { size: 64, fov: 3, oversample: 4 }, inputs: [], inMean: [], inStd: [], mlp: arch, cnn: DEFAULT_CNN, trainingSet: {}, training: {}, metrics: {} },
    mlp: initMlp(arch, 2),
    norm: { inputs: ['n', 'q_L', 'q_M', 'beta_z', 'inc_deg'], inMean: [1, 0.7, 0.7, 0, 0.3], inStd: [0.5, 0.2, 0.2, 0.2, 0.2], outMean: new Float32Array(12).fill(-0.5), outStd: new Float32Array(12).fill(0.3) },
    cnn: { arch: DEFAULT_CNN, weights: initCnn(DEFAULT_CNN, 4) },
  };
}

const isFileError = (file: string, re: RegExp) => (e: unknown) => e instanceof InputError && e.message.startsWith(file) && re.test(e.message) && !e.message.includes('\n');

test('save then load gives the same numbers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jamfit-model-'));
  try {
    const s = sample();
    saveSurrogate(dir, s);
    const r = loadSurrogate(dir);
    assert.deepEqual(r.mlp.arch, s.mlp.arch);
    r.mlp.layers.forEach((l, i) => {
      assert.deepEqual(Array.from(l.W), Array.from(s.mlp.layers[i].W));
      assert.deepEqual(Array.from(l.b), Array.from(s.mlp.layers[i].b));
    });
    for (const [k, w] of s.cnn!.weights) assert.deepEqual(Array.from(r.cnn!.weights.get(k)!.data), Array.from(w.data));
    assert.deepEqual(Array.from(r.norm.outMean), Array.from(s.norm.outMean));
    assert.deepEqual(r.norm.inStd, s.norm.inStd);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('missing, corrupt and truncated files are one-line errors naming the file and the fix', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jamfit-model-'));
  try {
    assert.throws(() => loadSurrogate(dir), isFileError(join(dir, MANIFEST_FILE), /not found; .*jamfit train/));
    saveSurrogate(dir, sample());
    const w = join(dir, WEIGHTS_FILE);
    const good = readFileSync(w);
    const bad = Buffer.from(good);
    bad[bad.length - 5] ^= 0x40;
    writeFileSync(w, bad);
    assert.throws(() => loadSurrogate(dir), isFileError(w, /SHA-256.*jamfit train/));
    writeFileSync(w, good.subarray(0, good.length - 8));
    assert.throws(() => loadSurrogate(dir), isFileError(w, /SHA-256/));
    rmSync(w);
    assert.throws(() => loadSurrogate(dir), isFileError(w, /not found/));
    writeFileSync(w, good);
    writeFileSync(join(dir, MANIFEST_FILE), '{"format":');
    assert.throws(() => loadSurrogate(dir), isFileError(join(dir, MANIFEST_FILE), /not valid JSON/));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
