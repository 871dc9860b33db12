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
import { cnnForwardTf, initCnn, type CnnArch } from '../../src/surrogate/cnn.ts';
import { cnnForwardJs } from '../../src/surrogate/cnn-js.ts';
import { loadTf } from '../../src/surrogate/tf.ts';

test('cnnForwardJs equals cnnForwardTf to 1e-5 on a rendered image', async () => {
  const a: CnnArch = { size: 32, channels: [4, 8, 8], dense: 12, nOut: 2 };
  const w = initCnn(a, 3);
  const rng = new Rng('cnn-js-test');
  for (const [k, v] of w) if (k.endsWith('/b')) for (let i = 0; i < v.data.length; i++) v.data[i] = 0.3 * (2 * rng.uniform() - 1);
  const img = canonicalImage({ kind: 'mge', mge: sersicToMge({ n: 3, Re: 1, Ie: 1, qobs: 0.7 }) }, { size: 32, fov: 3, oversample: 2 });
  const { tf } = await loadTf();
  const vars = new Map([...w].map(([k, v]) => [k, tf.tensor(v.data, v.shape)]));
  const want = cnnForwardTf(tf, a, vars, tf.tensor3d(img.pixels, [1, 32, 32])).dataSync();
  const got = cnnForwardJs(a, w, img.pixels);
  for (let j = 0; j < 2; j++) assert.ok(Math.abs(got[j] - want[j]) < 1e-5, `output ${j}: js ${got[j]} tfjs ${want[j]}`);
  // The image matters (not a bias-only network): a different profile moves the outputs.
  const other = cnnForwardJs(a, w, canonicalImage({ kind: 'sersic', n: 1, q: 0.5 }, { size: 32, fov: 3, oversample: 2 }).pixels);
  assert.ok(Math.abs(other[0] - got[0]) + Math.abs(other[1] - got[1]) > 1e-3);
});
