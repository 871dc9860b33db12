/**
 * Eigen-decomposition of a real symmetric matrix by cyclic Jacobi rotations (Golub & Van Loan,
 * Matrix Computations, 4th ed., sec. 8.5): accurate to rounding for every eigenvalue, simple,
 * and fast enough for the few-hundred-square covariance matrices of a principal-component basis
 * (n = 300: ~10 sweeps of n^3 work).
 */

export interface SymmetricEigen {
  /** Eigenvalues, descending. */
  values: Float64Array;
  /** Eigenvectors as rows, in the order of `values`: vectors[k * n + i] = component i of vector k. */
  vectors: Float64Array;
}

/**
 * @param a n x n symmetric matrix, row-major (only read; symmetry assumed, not checked).
 * @param n its order, >= 1.
 * @param tol stop when the off-diagonal Frobenius norm falls below tol times the whole norm.
 */
export function symmetricEigen(a: ArrayLike<number>, n: number, tol = 1e-14, maxSweeps = 60): SymmetricEigen {
  if (!(Number.isInteger(n) && n >= 1) || a.length !== n * n) throw new RangeError(`symmetricEigen: need an n x n matrix, got ${a.length} values for n = ${n}`);
  const A = Float64Array.from(a);
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  let total = 0;
  for (let i = 0; i < n * n; i++) total += A[i] * A[i];
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += 2 * A[p * n + q] ** 2;
    if (off <= tol * tol * total) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q];
        if (apq === 0) continue;
        const app = A[p * n + p];
        const aqq = A[q * n + q];
        // Rotation angle that zeroes A[p][q] (the stable formula of Golub & Van Loan, alg. 8.5.1).
        const tau = (aqq - app) / (2 * apq);
        const t = Math.sign(tau || 1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = A[k * n + p];
          const akq = A[k * n + q];
          A[k * n + p] = c * akp - s * akq;
          A[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p * n + k];
          const aqk = A[q * n + k];
          A[p * n + k] = c * apk - s * aqk;
          A[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vpk = V[p * n + k];
          const vqk = V[q * n + k];
          V[p * n + k] = c * vpk - s * vqk;
          V[q * n + k] = s * vpk + c * vqk;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => A[j * n + j] - A[i * n + i]);
  const values = Float64Array.from(order, (i) => A[i * n + i]);
  const vectors = new Float64Array(n * n);
  order.forEach((i, k) => vectors.set(V.subarray(i * n, (i + 1) * n), k * n));
  return { values, vectors };
}
