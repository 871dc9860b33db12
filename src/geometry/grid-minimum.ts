/**
 * Sub-grid minima of a statistic tabulated on a grid: the vertex of the parabola (1-D) or of the
 * least-squares quadratic surface (2-D, over the 3 x 3 neighbourhood) through the grid minimum.
 * The estimators tabulate their chi^2 on a grid (cheap, and safe against several local minima)
 * and need positions finer than the grid step; a smooth statistic is quadratic near its minimum.
 */

/**
 * Offset of the vertex, in units of the grid step, of the parabola through (-1, fm), (0, f0),
 * (1, fp) where f0 is the grid minimum. Returns 0 when the three points are not convex (flat or a
 * non-finite value); the result is clamped to [-1, 1] (the vertex cannot be beyond a neighbour
 * that is higher than the centre point).
 */
export function parabolaVertex(fm: number, f0: number, fp: number): number {
  const den = fm - 2 * f0 + fp;
  if (!(den > 0) || !Number.isFinite(den)) return 0;
  return Math.max(-1, Math.min(1, (fm - fp) / (2 * den)));
}

/**
 * Vertex (u, v), in grid steps from the centre, of the quadratic c0 + c1 u + c2 v + c3 u^2 +
 * c4 v^2 + c5 u v fitted by least squares to the (2m+1) x (2m+1) values f[a][b] at u = a - m,
 * v = b - m, the centre being the grid minimum. On this symmetric design the normal equations
 * decouple: u, v and uv are orthogonal to the rest, and the centred squares u^2 - <u^2>,
 * v^2 - <v^2> to the constant and to each other, so each coefficient is one contrast. A wider
 * neighbourhood (m = 2) averages over small kinks of the statistic that a 3 x 3 fit follows.
 * When the surface is not a bowl (Hessian not positive definite) or its vertex lies more than one
 * step from the centre, the vertex of the two axis parabolas through the centre is returned.
 */
export function quadraticVertex2d(f: readonly (readonly number[])[]): [number, number] {
  const size = f.length;
  const m = (size - 1) / 2;
  if (!Number.isInteger(m) || m < 1 || f.some((r) => r.length !== size)) throw new Error(`quadraticVertex2d: needs an odd square array of side >= 3, got ${size}`);
  let mean2 = 0;
  for (let a = 0; a < size; a++) mean2 += (a - m) ** 2;
  mean2 /= size;
  let c1 = 0;
  let c2 = 0;
  let c3 = 0;
  let c4 = 0;
  let c5 = 0;
  let su2 = 0;
  let su2v2 = 0;
  let sp2 = 0;
  for (let a = 0; a < size; a++) {
    for (let b = 0; b < size; b++) {
      const v = f[a][b];
      if (!Number.isFinite(v)) return axisVertex(f, m);
      const du = a - m;
      const dv = b - m;
      const pu = du * du - mean2;
      const pv = dv * dv - mean2;
      c1 += du * v;
      c2 += dv * v;
      c3 += pu * v;
      c4 += pv * v;
      c5 += du * dv * v;
      su2 += du * du;
      su2v2 += du * du * dv * dv;
      sp2 += pu * pu;
    }
  }
  c1 /= su2;
  c2 /= su2;
  c3 /= sp2;
  c4 /= sp2;
  c5 /= su2v2;
  // Gradient zero: [2 c3, c5; c5, 2 c4] [u; v] = -[c1; c2].
  const det = 4 * c3 * c4 - c5 * c5;
  if (!(c3 > 0) || !(det > 0)) return axisVertex(f, m);
  const u = (-2 * c4 * c1 + c5 * c2) / det;
  const v = (c5 * c1 - 2 * c3 * c2) / det;
  if (!(Math.abs(u) <= 1 && Math.abs(v) <= 1)) return axisVertex(f, m);
  return [u, v];
}

function axisVertex(f: readonly (readonly number[])[], m: number): [number, number] {
  return [parabolaVertex(f[m - 1][m], f[m][m], f[m + 1][m]), parabolaVertex(f[m][m - 1], f[m][m], f[m][m + 1])];
}
