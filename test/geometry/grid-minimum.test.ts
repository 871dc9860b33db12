/** Sub-grid vertices (src/geometry/grid-minimum.ts) against quadratics with known vertices. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parabolaVertex, quadraticVertex2d } from '../../src/geometry/grid-minimum.ts';

test('the parabola through three points has its vertex where the quadratic does; flat or concave gives 0', () => {
  for (const x0 of [-0.9, -0.3, 0, 0.25, 0.7]) {
    const f = (u: number) => 2.5 * (u - x0) ** 2 + 4;
    assert.ok(Math.abs(parabolaVertex(f(-1), f(0), f(1)) - x0) < 1e-12, `x0 ${x0}`);
  }
  assert.equal(parabolaVertex(1, 1, 1), 0);
  assert.equal(parabolaVertex(1, 2, 1), 0);
});

test('the least-squares quadratic over 3 x 3 and 5 x 5 points recovers a tilted bowl exactly, and falls back to the axis parabolas for a saddle', () => {
  const bowl = (u: number, v: number) => 1.3 * (u - 0.3) ** 2 + 0.7 * (v + 0.45) ** 2 + 0.6 * (u - 0.3) * (v + 0.45) + 2;
  for (const m of [1, 2]) {
    const span = Array.from({ length: 2 * m + 1 }, (_, j) => j - m);
    const [u, v] = quadraticVertex2d(span.map((a) => span.map((b) => bowl(a, b))));
    assert.ok(Math.abs(u - 0.3) < 1e-12 && Math.abs(v + 0.45) < 1e-12, `m ${m}: ${u}, ${v}`);
  }
  // Saddle (curvature < 0 in v): no bowl, so the u parabola (vertex 0.2) and 0 for the concave v.
  const saddle = (u: number, v: number) => (u - 0.2) ** 2 - 0.5 * (v - 0.1) ** 2;
  const span = [-1, 0, 1];
  const [u, v] = quadraticVertex2d(span.map((a) => span.map((b) => saddle(a, b))));
  assert.ok(Math.abs(u - 0.2) < 1e-12 && v === 0, `${u}, ${v}`);
  assert.throws(() => quadraticVertex2d([[1, 2], [3, 4]]), /odd square/);
});
