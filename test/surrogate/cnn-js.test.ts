/**
 * The plain-JS CNN forward (inference) against the tfjs forward (training): same outputs to
 * 1e-5 absolute on O(1) outputs. Why 1e-5: tfjs accumulates in float32 over at most 4 x 64 or
 * 1024-term sums through 6 layers (~1e-6 rounding); a transposed patch order, a missed bias or
 * activation moves the outputs by >= 1e-2. Random weights with random biases (zero biases would
 * hide a dropped bias), on a rendered canonical image.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../samplers/rng.ts';
import { canonicalImage } from '../../src/photometry/canonical-image.ts';
import { sersicToMge } from '../../src/photometry/sersic-mge.ts';
import { cnnForwardTf, cnnInput, cnnInputSide, initCnn, type CnnArch } from '../../src/surrogate/cnn.ts';
import { cnnForwardJs } from '../../src/surrogate/cnn-js.ts';
import { loadTf } from '../../src/surrogate/tf.ts';

for (const fold of [false, true]) test(`cnnForwardJs equals cnnForwardTf to 1e-5 on a rendered image (${fold ? 'quadrant fold' : 'whole image'})`, async () => {
  const a: CnnArch = { size: 32, channels: fold ? [4, 8] : [4, 8, 8], dense: 12, nOut: 2, fold };
  const w = initCnn(a, 3);
  const rng = new Rng('cnn-js-test');
  for (const [k, v] of w) if (k.endsWith('/b')) for (let i = 0; i < v.data.length; i++) v.data[i] = 0.3 * (2 * rng.uniform() - 1);
  const img = canonicalImage({ kind: 'mge', mge: sersicToMge({ n: 3, Re: 1, Ie: 1, qobs: 0.7 }) }, { size: 32, fov: 3, oversample: 2 });
  const { tf } = await loadTf();
  const vars = new Map([...w].map(([k, v]) => [k, tf.tensor(v.data, v.shape)]));
  const side = cnnInputSide(a);
  const want = cnnForwardTf(tf, a, vars, tf.tensor3d(cnnInput(a, img.pixels, 1), [1, side, side])).dataSync();
  const got = cnnForwardJs(a, w, img.pixels);
  for (let j = 0; j < 2; j++) assert.ok(Math.abs(got[j] - want[j]) < 1e-5, `output ${j}: js ${got[j]} tfjs ${want[j]}`);
  // The image matters (not a bias-only network): a different profile moves the outputs.
  const other = cnnForwardJs(a, w, canonicalImage({ kind: 'sersic', n: 1, q: 0.5 }, { size: 32, fov: 3, oversample: 2 }).pixels);
  assert.ok(Math.abs(other[0] - got[0]) + Math.abs(other[1] - got[1]) > 1e-3);
});

test('cnnInput folds each image onto its quadrant: the mean of the four mirror pixels', () => {
  const a: CnnArch = { size: 4, channels: [2], dense: 2, nOut: 2, fold: true };
  // Two 4x4 images with pixel value = 100 * image + 10 * row + column (no symmetry at all).
  const img = Float32Array.from({ length: 32 }, (_, t) => 100 * Math.floor(t / 16) + 10 * Math.floor((t % 16) / 4) + (t % 4));
  const f = cnnInput(a, img, 2);
  assert.equal(f.length, 8);
  // Folded (r, c) averages rows {2 + r, 1 - r} and columns {2 + c, 1 - c}: (0, 0) <- rows 1, 2 x columns 1, 2.
  const want = (i: number, r: number, c: number) => 100 * i + (10 * (2 + r + 1 - r)) / 2 + (2 + c + 1 - c) / 2;
  for (let i = 0; i < 2; i++) for (let r = 0; r < 2; r++) for (let c = 0; c < 2; c++) assert.ok(Math.abs(f[i * 4 + r * 2 + c] - want(i, r, c)) < 1e-4, `image ${i} (${r}, ${c}): ${f[i * 4 + r * 2 + c]}`);
  // A single corner pixel lands in one folded pixel with weight 1/4.
  const one = new Float32Array(16);
  one[3] = 4; // row 0, column 3: distance (1.5, 1.5) px from the centre
  assert.deepEqual(Array.from(cnnInput(a, one, 1)), [0, 0, 0, 1]);
  assert.throws(() => cnnInput(a, img, 3), /96|32 pixels for 3 images/);
  // Unfolded: the images themselves.
  assert.deepEqual(cnnInput({ ...a, fold: false }, img, 2), img);
});

test('a folded CNN gives the same reading for an image and its mirror images', () => {
  const a: CnnArch = { size: 32, channels: [4, 8], dense: 12, nOut: 2, fold: true };
  const w = initCnn(a, 5);
  const rng = new Rng('cnn-fold-mirror');
  const img = Float32Array.from({ length: 32 * 32 }, () => rng.uniform());
  const mirrored = Float32Array.from(img, (_, t) => img[Math.floor(t / 32) * 32 + (31 - (t % 32))]);
  const a0 = cnnForwardJs(a, w, img);
  const a1 = cnnForwardJs(a, w, mirrored);
  for (let j = 0; j < 2; j++) assert.ok(Math.abs(a0[j] - a1[j]) < 1e-12);
  const b0 = cnnForwardJs({ ...a, fold: false, channels: [4, 8, 8] }, initCnn({ ...a, fold: false, channels: [4, 8, 8] }, 5), img);
  const b1 = cnnForwardJs({ ...a, fold: false, channels: [4, 8, 8] }, initCnn({ ...a, fold: false, channels: [4, 8, 8] }, 5), mirrored);
  assert.ok(Math.abs(b0[0] - b1[0]) + Math.abs(b0[1] - b1[1]) > 1e-6, 'the unfolded network is not mirror-invariant (the test could fail)');
});
