/**
 * `jamfit train`, `evaluate` and `predict` end to end on a tiny simulated set (48 maps, 8 x 4
 * grid, 16 px images, tiny networks): the commands run, write what they promise, resume, and turn
 * bad input into one-line errors with nothing half-written. Accuracy is not tested here (the
 * networks are far too small and briefly trained); predict's physical scale and interpolation are
 * checked exactly against an independent computation from the same weights.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { G_KMS2_PC_MSUN, pcPerArcsec } from '../../src/jam/constants.ts';
import { mgeHalfLight } from '../../src/photometry/half-light.ts';
import { sersicToMge } from '../../src/photometry/sersic-mge.ts';
import { thetaLogRGrid } from '../../src/surrogate/grid.ts';
import { forwardReference } from '../../src/surrogate/mlp.ts';
import { loadSurrogate } from '../../src/surrogate/model-files.ts';
import { decodeOutputs, encodeInputs } from '../../src/surrogate/normalise.ts';
import { defaultConfig } from '../../src/surrogate/simulate/config.ts';
import { simulate } from '../../src/surrogate/simulate/run.ts';
import { runCli } from '../cli/run-cli.ts';

const TMP = mkdtempSync(join(tmpdir(), 'jamfit-nn-'));
after(() => rmSync(TMP, { recursive: true, force: true }));
const GRID = { nRad: 8, nTheta: 4, rMin: 0.02, rMax: 4 };
const small = (n: number, seed: number) => defaultConfig({ n, chunk: 16, seed, grid: GRID, image: { size: 16, fov: 3, oversample: 2 } });
const TRAIN = join(TMP, 'train');
const HELD = join(TMP, 'held');
const MODEL = join(TMP, 'model');
const trainArgs = (data: string, out: string) => ['train', '--data', data, '--out', out, '--epochs', '3', '--batch', '8', '--hidden', '16,16', '--bottleneck', '4', '--val', '0.2', '--cnn-epochs', '2', '--cnn-batch', '8', '--cnn-channels', '4,4,4', '--cnn-dense', '8'];

before(async () => {
  await simulate(small(48, 3), TRAIN);
  await simulate(small(16, 4), HELD);
});

test('train writes a loadable model; rerunning resumes from the checkpoints to the same weights', async () => {
  const r = await runCli(trainArgs(TRAIN, MODEL));
  assert.equal(r.code, 0, r.err);
  const s = loadSurrogate(MODEL);
  assert.equal(s.manifest.trainingSet.seed, 3);
  assert.deepEqual(s.manifest.grid, GRID);
  assert.equal(s.mlp.arch.nOut, 32);
  assert.deepEqual(s.cnn!.arch.channels, [4, 4, 4]);
  assert.equal(s.cnn!.arch.fold, true); // 16 px images read as their 8 px quadrant fold
  assert.ok(existsSync(join(MODEL, 'checkpoint-mlp.bin')) && existsSync(join(MODEL, 'checkpoint-cnn.bin')));
  const sha = s.manifest.weightsSha256;
  const stages = (s.manifest.training as { stageSeconds: { mlp: number; cnn: number } }).stageSeconds;
  assert.ok(stages.mlp > 0 && stages.cnn > 0, JSON.stringify(stages));
  const again = await runCli(trainArgs(TRAIN, MODEL));
  assert.equal(again.code, 0, again.err);
  const m2 = loadSurrogate(MODEL).manifest;
  assert.equal(m2.weightsSha256, sha);
  // The rerun trained nothing, yet reports the stages' time from their checkpoints' history.
  assert.deepEqual((m2.training as { stageSeconds: unknown }).stageSeconds, stages);
  assert.match(again.out, /train: MLP \(exact Sersic\) 3 epochs in [0-9.]+ min/);
});

test('train refuses an incomplete training set in one line and writes no model', async () => {
  const dir = join(TMP, 'incomplete');
  cpSync(TRAIN, dir, { recursive: true });
  const mp = join(dir, 'manifest.json');
  const m = JSON.parse(readFileSync(mp, 'utf8'));
  m.complete = false;
  m.chunks = m.chunks.slice(0, 2);
  writeFileSync(mp, JSON.stringify(m));
  const out = join(TMP, 'no-model');
  const r = await runCli(trainArgs(dir, out));
  assert.equal(r.code, 2);
  assert.match(r.err, /manifest\.json: says the dataset is incomplete \(2 of 3 chunks\); rerun `jamfit simulate/);
  assert.equal(r.err.trim().split('\n').length, 1);
  assert.ok(!existsSync(out) || readdirSync(out).length === 0);
});

test('train refuses a CNN deeper than the (folded) images allow, before any training, in one line', async () => {
  const out = join(TMP, 'too-deep');
  const args = trainArgs(TRAIN, out).map((a) => (a === '4,4,4' ? '4,4,4,4' : a));
  const r = await runCli(args);
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, /--cnn-channels: 4 stride-2 convolutions need an input side divisible by 16; the 16 px images give 8 \(folded\): give at most 3 channel counts, or --cnn-full-image/);
  assert.equal(r.err.trim().split('\n').length, 1);
  assert.ok(!existsSync(out) || readdirSync(out).length === 0);
  // The whole image has room for four.
  const full = await runCli([...args, '--cnn-full-image', '--epochs', '1', '--cnn-epochs', '1']);
  assert.equal(full.code, 0, full.err);
  assert.equal(loadSurrogate(out).cnn!.arch.fold, false);
});

test('evaluate writes metrics and figures, and refuses the training set itself', async () => {
  const bad = await runCli(['evaluate', '--data', TRAIN, '--model', MODEL, '--out', join(TMP, 'ev-bad')]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /seed 3, the training set's seed/);
  assert.ok(!existsSync(join(TMP, 'ev-bad')));
  const out = join(TMP, 'ev');
  const r = await runCli(['evaluate', '--data', HELD, '--model', MODEL, '--out', out, '--degraded-maps', '4', '--interp-maps', '1', '--interp-points', '5', '--noise', '0,0.05', '--psf', '1']);
  assert.equal(r.code, 0, r.err);
  const m = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
  assert.equal(m.maps, 16);
  assert.equal(m.dataSeed, 4);
  assert.equal(m.degraded.length, 3);
  assert.ok(m.mlpExactSersic.medianAbs > 0 && m.endToEnd.medianAbs > 0 && m.interpolation.points === 5);
  for (const f of ['figure3.png', 'degradation.png']) assert.deepEqual([...readFileSync(join(out, f)).subarray(1, 4)], [0x50, 0x4e, 0x47]);
});

test('predict: V_rms at grid nodes = the network output times sqrt(G ml I_e R_e) of the Sersic MGE', async () => {
  const s = loadSurrogate(MODEL);
  const c = { sersic: { n: 2.5, re_arcsec: 8, q: 0.8, ie_lsun_pc2: 500 }, distance_mpc: 17, ml: 2.5, beta_z: 0.05, q_m: 0.75, inc_deg: 75 };
  const hl = mgeHalfLight(sersicToMge({ n: 2.5, Re: 8, Ie: 500, qobs: 0.8 }));
  const g = thetaLogRGrid(GRID);
  const nodes = [0, 5, 13, 31];
  const input = join(TMP, 'case.json');
  writeFileSync(input, JSON.stringify({ ...c, x: nodes.map((k) => g.x[k] * hl.aMajor), y: nodes.map((k) => g.y[k] * hl.aMajor) }));
  const out = join(TMP, 'pred.json');
  for (const engine of ['js', 'ort']) {
    const r = await runCli(['predict', '--input', input, '--model', MODEL, '--output', out, '--engine', engine]);
    assert.equal(r.code, 0, r.err);
    const got = JSON.parse(readFileSync(out, 'utf8')).vrms;
    const v = decodeOutputs(s.norm, forwardReference(s.mlp, encodeInputs(s.norm, [2.5, 0.8, 0.75, 0.05, 75], 1), 1), 1);
    const scale = Math.sqrt(G_KMS2_PC_MSUN * 2.5 * hl.level * hl.aMajor * pcPerArcsec(17));
    // 1e-5: float32 network arithmetic (engines.test.ts) plus bilinear weights at a node that
    // are 1 up to rounding of ln r and theta.
    nodes.forEach((k, i) => assert.ok(Math.abs(got[i] / (v[k] * scale) - 1) < 1e-5, `${engine} node ${k}: ${got[i]} vs ${v[k] * scale}`));
  }
});

test('predict: parameters outside the domain and points outside the grid are one-line errors, nothing written', async () => {
  const base = { sersic: { n: 3, re_arcsec: 10, q: 0.8, ie_lsun_pc2: 1000 }, distance_mpc: 10, ml: 1, beta_z: 0.1, q_m: 0.7, inc_deg: 70, x: [1, 2], y: [0.5, 0] };
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ ...base, sersic: { ...base.sersic, n: 7 } }, /: sersic\.n: n = 7 is outside \[1, 6\].*domain/],
    [{ ...base, q_m: 0.3 }, /: q_m: q_M = 0.3 is outside \[0.4, 1\]/],
    [{ ...base, beta_z: 0.39, sersic: { ...base.sersic, q: 0.95 } }, /: beta_z: beta_z = 0.39 is not < 0.7 eps_intr/],
    [{ ...base, x: [1, 100] }, /: x\[1\], y\[1\]: \(100, 0\) arcsec is at .* R_e, outside the surrogate grid 0.02..4 R_e/],
    [{ ...base, y: [1] }, /x, y: have 2 and 1 elements/],
  ];
  for (const [c, re] of cases) {
    const input = join(TMP, 'bad.json');
    writeFileSync(input, JSON.stringify(c));
    const out = join(TMP, 'bad-out.json');
    const r = await runCli(['predict', '--input', input, '--model', MODEL, '--output', out]);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, re);
    assert.equal(r.err.trim().split('\n').length, 1);
    assert.ok(!existsSync(out));
  }
  const missing = await runCli(['predict', '--input', join(TMP, 'bad.json'), '--model', join(TMP, 'nowhere')]);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /nowhere\/manifest\.json: not found; rerun `jamfit train`/);
});
