import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nnls, qrFactor, qrApplyQt } from '../../src/math/nnls.ts';

/** Deterministic uniform(0,1) generator (mulberry32) so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Unconstrained least squares on the columns in `cols` by normal equations (small, well-posed). */
function lstsqSubset(A: Float64Array, m: number, cols: number[], b: Float64Array): Float64Array | null {
  const p = cols.length;
  const G = new Float64Array(p * p);
  const h = new Float64Array(p);
  for (let a = 0; a < p; a++) {
    for (let c = 0; c < p; c++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += A[cols[a] * m + i] * A[cols[c] * m + i];
      G[a * p + c] = s;
    }
    let s = 0;
    for (let i = 0; i < m; i++) s += A[cols[a] * m + i] * b[i];
    h[a] = s;
  }
  // Gaussian elimination with partial pivoting.
  for (let c = 0; c < p; c++) {
    let piv = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(G[r * p + c]) > Math.abs(G[piv * p + c])) piv = r;
    if (Math.abs(G[piv * p + c]) < 1e-12) return null;
    for (let k = 0; k < p; k++) [G[c * p + k], G[piv * p + k]] = [G[piv * p + k], G[c * p + k]];
    [h[c], h[piv]] = [h[piv], h[c]];
    for (let r = c + 1; r < p; r++) {
      const f = G[r * p + c] / G[c * p + c];
      for (let k = c; k < p; k++) G[r * p + k] -= f * G[c * p + k];
      h[r] -= f * h[c];
    }
  }
  const z = new Float64Array(p);
  for (let c = p - 1; c >= 0; c--) {
    let s = h[c];
    for (let k = c + 1; k < p; k++) s -= G[c * p + k] * z[k];
    z[c] = s / G[c * p + c];
  }
  return z;
}

function residualNorm(A: Float64Array, m: number, n: number, x: ArrayLike<number>, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < m; i++) {
    let r = b[i];
    for (let j = 0; j < n; j++) r -= A[j * m + i] * x[j];
    s += r * r;
  }
  return Math.sqrt(s);
}

/** Global optimum by enumerating every support set (feasible LS solutions; the best one wins). */
function bruteForce(A: Float64Array, m: number, n: number, b: Float64Array): { x: Float64Array; rnorm: number } {
  let best = { x: new Float64Array(n), rnorm: residualNorm(A, m, n, new Float64Array(n), b) };
  for (let mask = 1; mask < 1 << n; mask++) {
    const cols: number[] = [];
    for (let j = 0; j < n; j++) if (mask & (1 << j)) cols.push(j);
    const z = lstsqSubset(A, m, cols, b);
    if (!z || z.some((v) => v < 0)) continue;
    const x = new Float64Array(n);
    cols.forEach((c, a) => (x[c] = z[a]));
    const rn = residualNorm(A, m, n, x, b);
    if (rn < best.rnorm) best = { x, rnorm: rn };
  }
  return best;
}

/** KKT conditions with the gradient tolerance relative to ||A_j|| ||b||. */
function checkKkt(A: Float64Array, m: number, n: number, b: Float64Array, x: Float64Array, rtol: number): void {
  let bn = 0;
  for (let i = 0; i < m; i++) bn += b[i] * b[i];
  bn = Math.sqrt(bn);
  const r = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    r[i] = b[i];
    for (let j = 0; j < n; j++) r[i] -= A[j * m + i] * x[j];
  }
  for (let j = 0; j < n; j++) {
    assert.ok(x[j] >= 0, `x[${j}] = ${x[j]} < 0`);
    let g = 0;
    let an = 0;
    for (let i = 0; i < m; i++) {
      g += A[j * m + i] * r[i];
      an += A[j * m + i] ** 2;
    }
    const tol = rtol * Math.sqrt(an) * bn;
    if (x[j] > 0) assert.ok(Math.abs(g) <= tol, `gradient ${g} at free x[${j}]`);
    else assert.ok(g <= tol, `positive gradient ${g} at x[${j}] = 0`);
  }
}

test('qrFactor/qrApplyQt: Q^T A = R and norms are preserved', () => {
  const rand = rng(1);
  const m = 7, n = 4;
  const A = Float64Array.from({ length: m * n }, () => rand() - 0.5);
  const F = qrFactor(A.slice(), m, n);
  for (let j = 0; j < n; j++) {
    const col = A.slice(j * m, j * m + m);
    qrApplyQt(F, col);
    for (let i = 0; i < m; i++) {
      const expect = i <= j ? F.a[j * m + i] : 0;
      assert.ok(Math.abs(col[i] - expect) < 1e-14, `Q^T A[${i},${j}]`);
    }
  }
});

test('nnls matches brute-force enumeration of active sets on small random problems', () => {
  const rand = rng(42);
  for (let trial = 0; trial < 200; trial++) {
    const m = 2 + Math.floor(rand() * 8);
    const n = 1 + Math.floor(rand() * 6);
    const A = Float64Array.from({ length: m * n }, () => rand() * 2 - 1);
    const b = Float64Array.from({ length: m }, () => rand() * 2 - 1);
    const res = nnls(A, m, n, b);
    const bf = bruteForce(A, m, n, b);
    assert.ok(res.converged);
    assert.ok(res.rnorm <= bf.rnorm * (1 + 1e-10) + 1e-13, `trial ${trial}: ${res.rnorm} vs brute force ${bf.rnorm}`);
    assert.ok(Math.abs(res.rnorm - residualNorm(A, m, n, res.x, b)) < 1e-12);
    // The optimum is unique when the columns have full rank (m >= n almost surely here).
    if (m >= n) for (let j = 0; j < n; j++) assert.ok(Math.abs(res.x[j] - bf.x[j]) < 1e-8, `trial ${trial} x[${j}]`);
    checkKkt(A, m, n, b, res.x, 1e-12);
  }
});

test('nnls row-major layout gives the same answer', () => {
  const rand = rng(7);
  const m = 6, n = 4;
  const A = Float64Array.from({ length: m * n }, () => rand() - 0.3);
  const b = Float64Array.from({ length: m }, () => rand());
  const rowMajor = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) rowMajor[i * n + j] = A[j * m + i];
  const x1 = nnls(A, m, n, b).x;
  const x2 = nnls(rowMajor, m, n, b, { layout: 'row-major' }).x;
  for (let j = 0; j < n; j++) assert.ok(Math.abs(x1[j] - x2[j]) < 1e-14);
});

test('nnls handles duplicate, zero and nearly collinear (Gaussian) columns', () => {
  // Duplicate and zero columns: only one copy enters.
  const m = 5;
  const c = [1, 2, 3, 4, 5];
  const A = Float64Array.from([...c, ...c, 0, 0, 0, 0, 0]);
  const b = Float64Array.from(c, (v) => 2 * v);
  const r = nnls(A, m, 3, b);
  assert.ok(Math.abs(r.x[0] + r.x[1] - 2) < 1e-12 && r.x[2] === 0 && r.rnorm < 1e-12);

  // 15 Gaussians over 300 log-spaced radii fitted to a Sérsic-like profile, relative residuals.
  const M = 300, N = 15;
  const x = Float64Array.from({ length: M }, (_, i) => 0.01 * Math.pow(1000, i / (M - 1)));
  const y = Float64Array.from(x, (v) => Math.exp(-7.67 * (Math.pow(v, 0.25) - 1)));
  const G = new Float64Array(M * N);
  for (let j = 0; j < N; j++) {
    const s = Math.pow(10, -2.15 + (3.9 * (j + 0.5)) / N);
    for (let i = 0; i < M; i++) G[j * M + i] = Math.exp(-0.5 * (x[i] / s) ** 2) / y[i];
  }
  const ones = new Float64Array(M).fill(1);
  const res = nnls(G, M, N, ones);
  assert.ok(res.converged);
  checkKkt(G, M, N, ones, res.x, 1e-9);
  assert.ok(res.rnorm / Math.sqrt(M) < 0.05, `rms relative residual ${res.rnorm / Math.sqrt(M)}`);
});

test('nnls rejects inconsistent sizes', () => {
  assert.throws(() => nnls(new Float64Array(6), 3, 3, new Float64Array(3)), RangeError);
  assert.throws(() => nnls(new Float64Array(6), 3, 2, new Float64Array(2)), RangeError);
});
