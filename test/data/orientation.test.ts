import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromGalaxyFrame, majorAxisDirection, paFromDynamiteAngle, toGalaxyFrame } from '../../src/data/orientation.ts';

const rad = Math.PI / 180;
// Rotations of O(10) arcsec coordinates: a few ulps of rounding, so 1e-12 arcsec is generous.
const TOL = 1e-12;

test('a point on the major axis maps to y = 0, x > 0, for PAs all round the circle', () => {
  for (const pa of [-170, -90, -54, 0, 12.5, 30, 90, 126, 180, 300]) {
    const [ex, ey] = majorAxisDirection(pa);
    assert.ok(Math.abs(Math.hypot(ex, ey) - 1) < TOL);
    const r = 7.3;
    const g = toGalaxyFrame([r * ex], [r * ey], { paDeg: pa });
    assert.ok(Math.abs(g.y[0]) < TOL, `PA ${pa}: y' = ${g.y[0]}`);
    assert.ok(Math.abs(g.x[0] - r) < TOL, `PA ${pa}: x' = ${g.x[0]}`);
  }
});

test('PA = 0 puts the major axis on +y; PA = 90 on -x (counter-clockwise from +y)', () => {
  const g0 = toGalaxyFrame([0, 1], [1, 0], { paDeg: 0 });
  assert.deepEqual([...g0.x].map((v) => +v.toFixed(12)), [1, 0]);
  assert.deepEqual([...g0.y].map((v) => +v.toFixed(12)), [0, -1]); // +x input is -y' (a rotation, not a mirror)
  const g90 = toGalaxyFrame([-1], [0], { paDeg: 90 });
  assert.ok(Math.abs(g90.x[0] - 1) < TOL && Math.abs(g90.y[0]) < TOL);
});

test('worked example of the module comment: PA = 30, (-1, sqrt 3) -> (2, 0)', () => {
  const g = toGalaxyFrame([-1], [Math.sqrt(3)], { paDeg: 30 });
  assert.ok(Math.abs(g.x[0] - 2) < TOL && Math.abs(g.y[0]) < TOL, `${g.x[0]}, ${g.y[0]}`);
});

test('proper rotation: distances kept, determinant +1 (minor axis is e1 turned +90 deg)', () => {
  const pa = 37;
  const g = toGalaxyFrame([1, 0], [0, 1], { paDeg: pa });
  // Columns of the rotation matrix: images of e_x and e_y.
  const det = g.x[0] * g.y[1] - g.x[1] * g.y[0];
  assert.ok(Math.abs(det - 1) < TOL, `det ${det}`);
  // A point on the minor axis direction e2 = (-cos PA, -sin PA) maps to (0, 1).
  const m = toGalaxyFrame([-Math.cos(pa * rad)], [-Math.sin(pa * rad)], { paDeg: pa });
  assert.ok(Math.abs(m.x[0]) < TOL && Math.abs(m.y[0] - 1) < TOL);
});

test('the centre is subtracted before the rotation, and fromGalaxyFrame inverts toGalaxyFrame', () => {
  const o = { paDeg: -54, x0: -1.7, y0: 0.3 };
  const g = toGalaxyFrame([-1.7], [0.3], o);
  assert.ok(Math.abs(g.x[0]) < TOL && Math.abs(g.y[0]) < TOL);
  const x = [3, -4.5, 0, 12.25];
  const y = [1, 2, -7, 0.5];
  const back = fromGalaxyFrame(...(Object.values(toGalaxyFrame(x, y, o)) as [Float64Array, Float64Array]), o);
  for (let i = 0; i < x.length; i++) assert.ok(Math.abs(back.x[i] - x[i]) < TOL && Math.abs(back.y[i] - y[i]) < TOL);
});

test('DYNAMITE aperture angle -> PA: angle -36 gives PA -54, the axis 36 deg counter-clockwise from +x', () => {
  assert.equal(paFromDynamiteAngle(-36), -54);
  assert.equal(paFromDynamiteAngle(0), -90); // DYNAMITE angle 0: data x is the major axis
  const [ex, ey] = majorAxisDirection(paFromDynamiteAngle(0));
  assert.ok(Math.abs(ex - 1) < TOL && Math.abs(ey) < TOL);
  const [ax, ay] = majorAxisDirection(paFromDynamiteAngle(-36));
  assert.ok(Math.abs(Math.atan2(ay, ax) / rad - 36) < 1e-9);
  assert.equal(paFromDynamiteAngle(270), 0);
});

test('bad orientation input is refused', () => {
  assert.throws(() => toGalaxyFrame([1], [1], { paDeg: NaN }), /pa: is NaN/);
  assert.throws(() => toGalaxyFrame([1], [1], { paDeg: 0, x0: Infinity }), /x0: is Infinity/);
  assert.throws(() => toGalaxyFrame([1, 2], [1], { paDeg: 0 }), /y: has 1 values but x has 2/);
});
