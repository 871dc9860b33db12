/**
 * The multi-component trainer (src/surrogate/mfl/train.ts) and its model files (model.ts) on a
 * small simulated set:
 *  - it learns: the validation median beats the best constant map (the training mean of ln v)
 *    by a wide margin;
 *  - the saved files hold everything the network needs: ln v recomputed from a validation
 *    galaxy's MGE alone (polar image -> PCA -> inputs -> MLP, float64; with the exact edge-on
 *    reference map computed afresh, not read from the trainer's cache) equals the trainer's own
 *    prediction, so the validation metric it reports is the model the files give;
 *  - a run killed after 2 epochs and resumed equals an uninterrupted one, weight for weight;
 *  - fine-tuning (--init) starts from the saved weights and refuses a model of another split;
 *  - a single-Sérsic set is refused with a sentence naming the fix.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { InputError } from '../../core/errors.ts';
import { GALAXY_FAMILY_V1 } from '../../src/photometry/galaxy-family.ts';
import { mgeSurfaceDensity } from '../../src/photometry/mge.ts';
import { loadMflSurrogate, mflLnV } from '../../src/surrogate/mfl/model.ts';
import { betaHighs, drawBetas, lnV, MFL_BETA_RANGE, mflRows, rowMge } from '../../src/surrogate/mfl/rows.ts';
import { trainMfl, type MflTrainOptions } from '../../src/surrogate/mfl/train.ts';
import { EDGE_ON_REFERENCE } from '../../src/surrogate/mfl/reference.ts';
import { defaultConfig } from '../../src/surrogate/simulate/config.ts';
import { readTrainingSet } from '../../src/surrogate/simulate/reader.ts';
import { simulate } from '../../src/surrogate/simulate/run.ts';
import { epochPermutation } from '../../src/surrogate/train-loop.ts';
import { POLAR_IMAGE_V1 } from '../../src/photometry/polar-image.ts';

const TMP = mkdtempSync(join(tmpdir(), 'jamfit-mfl-train-'));
const DATA = join(TMP, 'set');
const N = 240;
before(async () => {
  await simulate(defaultConfig({ n: N, chunk: 80, seed: 4, grid: { nRad: 6, nTheta: 3, rMin: 0.02, rMax: 4 }, nodes: 12, image: { size: 0, fov: 3, oversample: 4 }, galaxies: GALAXY_FAMILY_V1 }), DATA);
});
after(() => rmSync(TMP, { recursive: true, force: true }));

const opts = (out: string, over: Partial<MflTrainOptions> = {}): MflTrainOptions => ({ data: DATA, out, seed: 3, valFraction: 0.2, partial: false, pcaK: 6, hidden: [32, 32], bottleneck: 0, epochs: 40, batch: 32, lr: 3e-3, patience: 1000, floor: 1e-4, ...over });

for (const reference of [null, EDGE_ON_REFERENCE]) test(`trains${reference ? ' on the exact edge-on reference' : ''}, and the saved model (MGE -> polar image -> PCA -> MLP${reference ? ' + reference' : ''}) reproduces what the trainer scored`, async () => {
  const out = join(TMP, reference ? 'model-ref' : 'model');
  const { surrogate, report } = await trainMfl(opts(out, { reference }));
  assert.ok(surrogate && report.finished);
  // The best constant map: the training rows' mean ln v at each point, scored on the same
  // validation draw the trainer uses (seed, epoch tag -2) and the same points (light >= floor).
  const ts = readTrainingSet(DATA);
  const rows = mflRows(ts, POLAR_IMAGE_V1);
  const nVal = Math.round(N * 0.2);
  const perm = epochPermutation(3, -1, N);
  const valIdx = Array.from(perm.subarray(0, nVal));
  const nG = rows.nG;
  const lnv = new Float64Array(nG);
  const mean = surrogate.manifest.outMean;
  const s = loadMflSurrogate(out);
  // The trainer draws validation beta_z over its reordered rows; redraw them the same way.
  const order = Int32Array.from([...perm.subarray(nVal), ...perm.subarray(0, nVal)]);
  const reordered = { ...rows, qLw: Float64Array.from(order, (i) => rows.qLw[i]), incDeg: Float64Array.from(order, (i) => rows.incDeg[i]), P: gather(rows.P, nG, order), Q: gather(rows.Q, nG, order) };
  const bv = drawBetas(reordered, MFL_BETA_RANGE, 3, -2, betaHighs(reordered, MFL_BETA_RANGE));
  const constErr: number[] = [];
  const netErr: number[] = [];
  for (let r = 0; r < nVal; r++) {
    const i = valIdx[r];
    const beta = bv[N - nVal + r];
    lnV(rows, i, beta, lnv);
    const mge = rowMge(ts, i);
    const sb = mgeSurfaceDensity(mge, ts.grid.x, ts.grid.y);
    const pred = mflLnV(s, mge, beta, rows.incDeg[i]);
    for (let j = 0; j < nG; j++) {
      if (sb[j] < 1e-4) continue;
      constErr.push(Math.abs(Math.exp(mean[j] - lnv[j]) - 1));
      netErr.push(Math.abs(Math.exp(pred[j] - lnv[j]) - 1));
    }
  }
  const med = (a: number[]) => a.sort((x, y) => x - y)[a.length >> 1];
  const netMed = med(netErr);
  // The reference path from the MGE gives the trainer's reported median (float32 vs float64 only).
  assert.ok(Math.abs(netMed / report.val.medianAbs - 1) < 0.02, `reference ${netMed} vs trainer ${report.val.medianAbs}`);
  assert.ok(netMed < 0.25 * med(constErr), `network ${netMed} vs constant map ${med(constErr)}`);
  const man = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  assert.equal(man.format, 'jamfit-mfl-surrogate');
  assert.deepEqual(man.reference, reference);
  assert.ok(man.domain.residualMax >= man.domain.residualP99 && man.domain.residualP99 > 0);
});

test('a run killed after 2 epochs and resumed equals an uninterrupted one', async () => {
  const a = join(TMP, 'a');
  const b = join(TMP, 'b');
  await trainMfl(opts(a, { epochs: 4 }));
  const first = await trainMfl(opts(b, { epochs: 4, stopAfter: 2 }));
  assert.equal(first.surrogate, null);
  await trainMfl(opts(b, { epochs: 4 }));
  assert.deepEqual(readFileSync(join(a, 'weights.bin')), readFileSync(join(b, 'weights.bin')));
});

test('--init starts from a saved model (same split), refuses another split, and --loss-power is range-checked', async () => {
  const base = join(TMP, 'init-base');
  await trainMfl(opts(base, { epochs: 3 }));
  const w0 = loadMflSurrogate(base).mlp.layers;
  // One epoch at a negligible learning rate: the weights stay the start's (a random start would not).
  const ft = join(TMP, 'init-ft');
  await trainMfl(opts(ft, { epochs: 1, lr: 1e-12, init: base, lossPower: 4 }));
  const w1 = loadMflSurrogate(ft).mlp.layers;
  let d = 0;
  w0.forEach((l, i) => l.W.forEach((x, k) => (d = Math.max(d, Math.abs(x - w1[i].W[k])))));
  assert.ok(d < 1e-6, `fine-tuned weights moved by ${d}`);
  await assert.rejects(trainMfl(opts(join(TMP, 'init-x'), { seed: 5, init: base })), (e: unknown) => e instanceof InputError && /another set, split or seed/.test(e.message));
  await assert.rejects(trainMfl(opts(join(TMP, 'init-y'), { lossPower: 1 })), (e: unknown) => e instanceof InputError && /loss_power/.test(e.message));
});

test('a single-Sérsic set is refused, naming the fix', async () => {
  const dir = join(TMP, 'sersic');
  await simulate(defaultConfig({ n: 4, chunk: 4, seed: 1, grid: { nRad: 4, nTheta: 2, rMin: 0.02, rMax: 4 }, nodes: 8, image: { size: 0, fov: 3, oversample: 1 } }), dir);
  await assert.rejects(trainMfl(opts(join(TMP, 'x'), { data: dir })), (e: unknown) => e instanceof InputError && /simulate --family mge/.test(e.message));
});

function gather(a: Float32Array, w: number, idx: Int32Array): Float32Array {
  const out = new Float32Array(idx.length * w);
  for (let r = 0; r < idx.length; r++) out.set(a.subarray(idx[r] * w, (idx[r] + 1) * w), r * w);
  return out;
}
