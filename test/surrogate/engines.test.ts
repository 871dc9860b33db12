/**
 * Every MLP engine present agrees with the unfolded float64 reference forward (mlp.ts) to 1e-5
 * relative on v. Justification of 1e-5: the engines hold float32 weights and (ort, tfjs)
 * accumulate in float32; over <= 257-term dot products of O(1) terms through 4 layers the
 * rounding reaches ~1e-6 in ln v, i.e. ~1e-6 relative in v, so 1e-5 has a 10x margin, while any
 * real defect (a missed fold, a transposed weight, a wrong activation) costs >= 1e-3.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { featureBias, foldMlp, pruneForOperator } from '../../src/surrogate/folded.ts';
import { runFoldedJs } from '../../src/surrogate/engine-js.ts';
import { forwardReference, initMlp } from '../../src/surrogate/mlp.ts';
import { decodeOutputs, encodeInputs, NETWORK_INPUTS_V1, NETWORK_INPUTS_V2, type Normalisation } from '../../src/surrogate/normalise.ts';
import { Rng } from '../../samplers/rng.ts';
import { enginesPresent } from '../helpers/engines.ts';

// Both network input sets: v2's derived ln q_intr inputs are computed per evaluation from the
// galaxy's q_L and the walker's inclination, the path a missed feature hand-over would break.
const INPUT_SETS = { v1: NETWORK_INPUTS_V1, v2: NETWORK_INPUTS_V2 };

function fixture(inputs: readonly string[] = NETWORK_INPUTS_V2) {
  const arch = { nFeatures: 2, nParams: inputs.length - 2, hidden: [32, 24, 16], bottleneck: 8, nOut: 40 };
  const mlp = initMlp(arch, 7);
  // Random biases too (init leaves them 0, which would hide a bias that an engine drops).
  const rng = new Rng('engines-test');
  for (const l of mlp.layers) for (let j = 0; j < l.b.length; j++) l.b[j] = 0.3 * (2 * rng.uniform() - 1);
  const outMean = new Float32Array(arch.nOut).map(() => -1 + rng.uniform());
  const outStd = new Float32Array(arch.nOut).map(() => 0.05 + 0.2 * rng.uniform());
  const norm: Normalisation = { inputs: inputs.slice(), inMean: [1.1, 0.7, 0.7, 0.05, 0.3, -0.5, -0.6].slice(0, inputs.length), inStd: [0.5, 0.17, 0.17, 0.23, 0.2, 0.4, 0.5].slice(0, inputs.length), outMean, outStd };
  return { mlp, norm, arch, rng };
}

for (const [set, inputs] of Object.entries(INPUT_SETS)) test(`all engines present agree with the reference forward to 1e-5 relative (inputs ${set})`, async (t) => {
  const { mlp, norm, arch, rng } = fixture(inputs);
  const fm = foldMlp(mlp, norm);
  const f = [3.3, 0.72];
  const batch = 17;
  const params = new Float32Array(batch * 3);
  const raw = new Float64Array(batch * 5);
  for (let r = 0; r < batch; r++) {
    const p = [0.5 + 0.5 * rng.uniform(), -0.4 + 0.8 * rng.uniform(), 55 + 35 * rng.uniform()];
    params.set(p, r * 3);
    raw.set([f[0], f[1], ...p], r * 5);
  }
  // Reference: the unfolded network on standardised float32 inputs (what training sees).
  const want = decodeOutputs(norm, forwardReference(mlp, encodeInputs(norm, Float64Array.from(raw, (x, i) => (i % 5 >= 2 ? Math.fround(x) : x)), batch), batch), batch);
  const present: string[] = [];
  const diag: string[] = [];
  for (const e of await enginesPresent(fm)) {
    present.push(e.name);
    e.setFeatures(f);
    const lnv = await e.run(params, batch);
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(Math.exp(lnv[i]) / want[i] - 1));
    assert.ok(worst < 1e-5, `${e.name}: max relative difference ${worst}`);
    diag.push(`${e.name} ${worst.toExponential(1)}`);
    e.dispose();
  }
  t.diagnostic(diag.join(", "));
  assert.ok(present.length >= 1, "at least the js engine runs");
  assert.equal(arch.nOut * batch, want.length);
});

for (const [set, inputs] of Object.entries(INPUT_SETS)) test(`with a grid -> bins operator every engine returns v^2 . M, agreeing to 1e-5 relative (inputs ${set})`, async (t) => {
  // M >= 0, as interpolation, luminosity weights and PSF kernels are: each bin is a positive sum
  // of v^2 terms, so its relative error is at most twice the per-point error of v (1e-5 above).
  const { mlp, norm, rng } = fixture(inputs);
  const fm = foldMlp(mlp, norm);
  const nBins = 7;
  const M = new Float32Array(fm.nOut * nBins).map(() => (rng.uniform() < 0.3 ? rng.uniform() : 0));
  const f = [1.7, 0.55];
  const batch = 5;
  const params = new Float32Array(batch * 3);
  const raw = new Float64Array(batch * 5);
  for (let r = 0; r < batch; r++) {
    const p = [Math.fround(0.6 + 0.4 * rng.uniform()), Math.fround(-0.3 + 0.6 * rng.uniform()), Math.fround(60 + 30 * rng.uniform())];
    params.set(p, r * 3);
    raw.set([f[0], f[1], ...p], r * 5);
  }
  const v = decodeOutputs(norm, forwardReference(mlp, encodeInputs(norm, raw, batch), batch), batch);
  const want = new Float64Array(batch * nBins);
  for (let r = 0; r < batch; r++) for (let i = 0; i < fm.nOut; i++) for (let b = 0; b < nBins; b++) want[r * nBins + b] += v[r * fm.nOut + i] ** 2 * M[i * nBins + b];
  const diag: string[] = [];
  for (const e of await enginesPresent(fm, { operator: { matrix: M, nBins } })) {
    e.setFeatures(f);
    const got = await e.run(params, batch);
    assert.equal(got.length, batch * nBins);
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] / want[i] - 1));
    assert.ok(worst < 1e-5, `${e.name}: max relative difference ${worst}`);
    diag.push(`${e.name} ${worst.toExponential(1)}`);
    e.dispose();
  }
  t.diagnostic(diag.join(', '));
});

test('an operator that leaves grid nodes unused: pruneForOperator drops exactly those; every engine still gives v^2 . M to 1e-5, the JS forward to the bit', async () => {
  const { mlp, norm, rng } = fixture();
  const fm = foldMlp(mlp, norm);
  const nBins = 6;
  const unused = new Set([0, 1, 5, 17, 18, 19, 39]);
  const M = new Float32Array(fm.nOut * nBins).map((_, i) => (unused.has(Math.floor(i / nBins)) ? 0 : rng.uniform() < 0.5 ? rng.uniform() : 0));
  for (let g = 0; g < fm.nOut; g++) if (!unused.has(g)) M[g * nBins + (g % nBins)] = 0.5; // every other node used
  const p = pruneForOperator(fm, { matrix: M, nBins });
  assert.equal(p.fm.nOut, fm.nOut - unused.size);
  assert.equal(p.op.matrix.length, p.fm.nOut * nBins);
  assert.equal(pruneForOperator(p.fm, p.op).fm, p.fm, 'pruning twice changes nothing');
  const f = [2.2, 0.66];
  const batch = 4;
  const params = new Float32Array(batch * 3).map((_, i) => [0.8, 0.05, 72][i % 3] + 0.01 * Math.floor(i / 3));
  const c = featureBias(fm, f);
  const full = runFoldedJs(fm, c, f, params, batch, { matrix: M, nBins });
  assert.deepEqual(runFoldedJs(p.fm, c, f, params, batch, p.op), full, 'JS forward: bit-identical');
  for (const e of await enginesPresent(fm, { operator: { matrix: M, nBins } })) {
    e.setFeatures(f);
    const got = await e.run(params, batch);
    let worst = 0;
    for (let i = 0; i < full.length; i++) worst = Math.max(worst, Math.abs(got[i] / full[i] - 1));
    assert.ok(worst < 1e-5, `${e.name}: ${worst}`);
    await assert.rejects(e.runMany(params, new Float32Array(2 * batch).fill(1), batch), /made with an operator/);
    e.dispose();
  }
});

for (const [set, inputs] of Object.entries(INPUT_SETS)) test(`runMany: rows of three galaxies, interleaved, in one call equal the reference forward of each row's galaxy to 1e-5 (inputs ${set})`, async (t) => {
  const { mlp, norm, rng } = fixture(inputs);
  const fm = foldMlp(mlp, norm);
  const galaxies = [[3.3, 0.72], [1.4, 0.95], [5.5, 0.61]];
  const rows = 20;
  const params = new Float32Array(rows * 3);
  const features = new Float32Array(rows * 2);
  const raw = new Float64Array(rows * 5);
  for (let r = 0; r < rows; r++) {
    const f = galaxies[(r * 7) % 3]; // interleaved, unevenly
    const p = [Math.fround(0.62 + 0.38 * rng.uniform()), Math.fround(-0.3 + 0.6 * rng.uniform()), Math.fround(60 + 30 * rng.uniform())];
    params.set(p, r * 3);
    features.set(f, r * 2);
    raw.set([Math.fround(f[0]), Math.fround(f[1]), ...p], r * 5);
  }
  const want = decodeOutputs(norm, forwardReference(mlp, encodeInputs(norm, raw, rows), rows), rows);
  const diag: string[] = [];
  for (const e of await enginesPresent(fm)) {
    e.setFeatures([2, 0.8]); // another galaxy's: runMany must not use it
    const lnv = await e.runMany(params, features, rows);
    assert.equal(lnv.length, rows * fm.nOut);
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(Math.exp(lnv[i]) / want[i] - 1));
    assert.ok(worst < 1e-5, `${e.name}: max relative difference ${worst}`);
    diag.push(`${e.name} ${worst.toExponential(1)}`);
    e.dispose();
  }
  t.diagnostic(diag.join(', '));
});

test('network inputs v2: ln q_intr of mass and light from the deprojection formula', async () => {
  const { transformRow } = await import('../../src/surrogate/normalise.ts');
  // q' = 0.6 (mass), 0.8 (light) at i = 60 deg: q_intr^2 = (q'^2 - cos^2 i) / sin^2 i,
  // cos^2 = 1/4, sin^2 = 3/4 -> 0.11/0.75 and 0.39/0.75 (hand-computed).
  const out = new Float64Array(7);
  transformRow(NETWORK_INPUTS_V2, [2, 0.8, 0.6, 0.1, 60], out);
  const want = [Math.log(2), 0.8, 0.6, 0.1, 0.5, 0.5 * Math.log(0.11 / 0.75), 0.5 * Math.log(0.39 / 0.75)];
  for (let k = 0; k < 7; k++) assert.ok(Math.abs(out[k] - want[k]) < 1e-12, `${NETWORK_INPUTS_V2[k]}: ${out[k]} vs ${want[k]}`);
});
