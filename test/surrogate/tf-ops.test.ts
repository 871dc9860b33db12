/**
 * The wasm workarounds are exact rewrites: patchConv equals tf.conv2d with a 2x2 stride-2 valid
 * kernel, and matMulFast's gradients equal tf.matMul's (float32 reassociation only: 1e-5
 * relative on O(1) values, far below a wrong transpose, which changes them at O(1)).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadTf, matMulFast, patchConv } from '../../src/surrogate/tf.ts';

test('patchConv = conv2d(k=2, s=2, valid) + bias', async () => {
  const { tf } = await loadTf();
  const x = tf.randomNormal([3, 8, 6, 5], 0, 1, 'float32', 1) as any;
  const w = tf.randomNormal([20, 7], 0, 1, 'float32', 2) as any;
  const b = tf.randomNormal([7], 0, 1, 'float32', 3);
  const got = patchConv(tf, x, w, b);
  const want = tf.add(tf.conv2d(x, tf.reshape(w, [2, 2, 5, 7]) as any, 2, 'valid'), b);
  assert.deepEqual(got.shape, [3, 4, 3, 7]);
  assert.ok(tf.max(tf.abs(tf.sub(got, want))).dataSync()[0] < 1e-5);
});

test('matMulFast has the gradients of matMul', async () => {
  const { tf } = await loadTf();
  const A = tf.randomNormal([6, 4], 0, 1, 'float32', 4) as any;
  const B = tf.randomNormal([4, 3], 0, 1, 'float32', 5) as any;
  const C = tf.randomNormal([6, 3], 0, 1, 'float32', 6);
  const f = (mm: (a: any, b: any) => any) => tf.grads((a: any, b: any) => tf.sum(tf.mul(tf.square(mm(a, b)), C)))([A, B]);
  const g1 = f((a, b) => matMulFast(tf, a, b));
  const g2 = f((a, b) => tf.matMul(a, b));
  for (let i = 0; i < 2; i++) assert.ok(tf.max(tf.abs(tf.sub(g1[i], g2[i]))).dataSync()[0] < 1e-5 * (1 + tf.max(tf.abs(g2[i])).dataSync()[0]));
});
