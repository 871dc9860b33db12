/**
 * The kinematic PA (src/geometry/kinematic-pa.ts) on mock discs rotated and shifted by known
 * amounts (test/geometry/mock-field.ts): the bi-antisymmetric model keeps a rotation field, the
 * noise-free PA and its sense are exact, the bootstrap error covers the truth at the nominal
 * rate over seeds (binomial error bars), and bad input is an InputError.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { biAntisymmetricModel, kinematicPa } from '../../src/geometry/kinematic-pa.ts';
import { Rng } from '../../samplers/rng.ts';
import { discModel, gridBins, mockField } from './mock-field.ts';

const angleDiff = (a: number, b: number) => ((((a - b) % 360) + 540) % 360) - 180;

test('the bi-antisymmetric model of a noise-free rotating disc is the disc itself (interior bins), and zero for a quadrupole field', () => {
  const bins = gridBins(8);
  const g = { paDeg: 37, cx: 0.4, cy: -0.3 };
  const { v } = discModel(bins.x, bins.y, g);
  const field = { x: bins.x, y: bins.y, v, vErr: new Float64Array(v.length).fill(5) };
  const model = biAntisymmetricModel(field, g.paDeg, [g.cx, g.cy]);
  let worst = 0;
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    if (Math.hypot(bins.x[i] - g.cx, bins.y[i] - g.cy) > 6) continue; // all three reflections inside
    worst = Math.max(worst, Math.abs(model[i] - v[i]));
    n++;
  }
  // The reflections are interpolated from 3 neighbours: the error is the interpolant's, a few
  // km/s where the rotation curve bends fastest (1" bins, 150 km/s over ~2"), never the signal.
  assert.ok(n > 80 && worst < 6, `worst ${worst} km/s over ${n} bins`);
  // A field odd in both axes (V ∝ x' y') has no bi-antisymmetric (rotation) part.
  const q = Float64Array.from(bins.x, (x, i) => {
    const a = (37 * Math.PI) / 180;
    const dx = x - g.cx;
    const dy = bins.y[i] - g.cy;
    return 0.5 * (-dx * Math.sin(a) + dy * Math.cos(a)) * (-dx * Math.cos(a) - dy * Math.sin(a));
  });
  const mq = biAntisymmetricModel({ ...field, v: q }, g.paDeg, [g.cx, g.cy]);
  let rms = 0;
  let m = 0;
  for (let i = 0; i < q.length; i++) if (Math.hypot(bins.x[i] - g.cx, bins.y[i] - g.cy) <= 6) (rms += mq[i] ** 2), m++;
  assert.ok(Math.sqrt(rms / m) < 1, `quadrupole leaks ${Math.sqrt(rms / m)} km/s into the model`);
});

test('noise-free: the PA is recovered to 0.2 deg at any angle and shift, with the receding side along (-sin PA, cos PA)', () => {
  const bins = gridBins(8);
  for (const g of [{ paDeg: -170, cx: 0, cy: 0 }, { paDeg: -54, cx: -1.4, cy: 0.3 }, { paDeg: 0, cx: 0.5, cy: 0.5 }, { paDeg: 88, cx: 1.1, cy: -0.7 }, { paDeg: 143, cx: -0.6, cy: -1.2 }]) {
    const { v } = discModel(bins.x, bins.y, g);
    const r = kinematicPa({ x: bins.x, y: bins.y, v, vErr: new Float64Array(v.length).fill(5) }, { centre: [g.cx, g.cy], nmc: 10 });
    // 0.2 deg: the 1-deg grid refined by a parabola on a noise-free curve.
    assert.ok(Math.abs(angleDiff(r.paDeg, g.paDeg)) < 0.2, `PA ${g.paDeg}: got ${r.paDeg}`);
    // The same field counter-rotating: the other side recedes, PA + 180.
    const flipped = kinematicPa({ x: bins.x, y: bins.y, v: v.map((u) => -u), vErr: new Float64Array(v.length).fill(5) }, { centre: [g.cx, g.cy], nmc: 10 });
    assert.ok(Math.abs(angleDiff(flipped.paDeg, g.paDeg + 180)) < 0.2, `PA ${g.paDeg} flipped: got ${flipped.paDeg}`);
    assert.ok(r.paDeg > -180 && r.paDeg <= 180);
  }
});

test('with noise, over 40 seeds of random PA and shift, the truth is within 1 (2) bootstrap sigma at the rate 68% (95%), within binomial error', (t) => {
  const bins = gridBins(8);
  const rng = new Rng('pa-coverage');
  const K = 40;
  let in1 = 0;
  let in2 = 0;
  let inDchi2 = 0;
  let sumZ2 = 0;
  for (let s = 0; s < K; s++) {
    const g = { paDeg: -180 + 360 * rng.uniform(), cx: -1.5 + 3 * rng.uniform(), cy: -1.5 + 3 * rng.uniform() };
    const f = mockField(bins, g, s, 8);
    const r = kinematicPa(f, { centre: [g.cx, g.cy], nmc: 30, seed: s });
    const d = Math.abs(angleDiff(r.paDeg, g.paDeg));
    if (d < r.errDeg) in1++;
    if (d < 2 * r.errDeg) in2++;
    if (r.errDchi2Deg !== null && d < r.errDchi2Deg) inDchi2++;
    sumZ2 += (d / r.errDeg) ** 2;
  }
  const f1 = in1 / K;
  const f2 = in2 / K;
  t.diagnostic(`PA coverage: ${in1}/${K} within 1 sigma, ${in2}/${K} within 2; paper's Δχ²=9/3 error: ${inDchi2}/${K} within 1 sigma; mean z^2 ${(sumZ2 / K).toFixed(2)}`);
  // Binomial: sd = sqrt(p (1 - p) / K) = 0.074 (p = 0.683) and 0.033 (p = 0.954); 3 sd bands. An
  // error too small or too large by a factor 2 gives ~38% or ~95% within 1 sigma: outside.
  assert.ok(Math.abs(f1 - 0.683) < 3 * 0.074, `within 1 sigma: ${f1}`);
  assert.ok(f2 > 0.954 - 3 * 0.033, `within 2 sigma: ${f2}`);
});

test('bad input: too few bins, a non-finite velocity, a zero error, a bad step are InputErrors', () => {
  const bins = gridBins(3);
  const { v } = discModel(bins.x, bins.y, { paDeg: 10, cx: 0, cy: 0 });
  const e = new Float64Array(v.length).fill(5);
  assert.throws(() => kinematicPa({ x: [0, 1, 2, 3], y: [0, 1, 0, 1], v: [1, 2, 3, 4], vErr: [1, 1, 1, 1] }), /at least 5/);
  assert.throws(() => kinematicPa({ x: bins.x, y: bins.y, v: v.map((u, i) => (i === 3 ? NaN : u)), vErr: e }), /^.*bin 3 has V = NaN/);
  assert.throws(() => kinematicPa({ x: bins.x, y: bins.y, v, vErr: e.map((u, i) => (i === 2 ? 0 : u)) }), /bin 2 has error 0/);
  assert.throws(() => kinematicPa({ x: bins.x, y: bins.y, v, vErr: e }, { stepDeg: 0 }), /stepDeg/);
  // Masked bins are not used: the NaN in a masked bin is ignored.
  const good = Uint8Array.from(v, (_, i) => (i === 3 ? 0 : 1));
  assert.ok(Number.isFinite(kinematicPa({ x: bins.x, y: bins.y, v: v.map((u, i) => (i === 3 ? NaN : u)), vErr: e, good }, { nmc: 10 }).paDeg));
});
