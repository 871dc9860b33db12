/**
 * Non-negative least squares, min ||A x - b||_2 subject to x >= 0, by the active-set algorithm
 * of Lawson & Hanson (1974, Solving Least Squares Problems, ch. 23), plus the Householder QR it
 * is built on.
 *
 * Robustness with nearly collinear columns (an MGE's 15 Gaussians over 300 radii have a
 * condition number ~1e6-1e8) comes from never forming A^T A: when m > n the problem is first
 * reduced to the n x n triangular factor R of A = QR (||Ax - b||^2 = ||Rx - Q^T b||^2 + const),
 * and every passive-set subproblem is solved by a fresh Householder QR of the passive columns of
 * R. A column whose pivot is negligible next to its norm (numerically dependent on the passive
 * set), or whose subproblem coefficient comes out <= 0 despite a positive gradient (round-off),
 * is refused entry, which is the guard Lawson & Hanson use against cycling.
 */

const EPS = 2.220446049250313e-16;

/** Householder QR factors of a column-major m x n matrix (m >= n), stored in place. */
export interface QrFactors {
  /** Column-major m x n: R on and above the diagonal, Householder vectors below it. */
  readonly a: Float64Array;
  readonly m: number;
  readonly n: number;
  /** First component of each Householder vector (the diagonal slot holds R_kk). */
  readonly vdiag: Float64Array;
  /** 2/(v·v) of each reflector; 0 where the column was already zero (identity reflector). */
  readonly beta: Float64Array;
}

/**
 * Householder QR of the column-major m x n matrix `a` (m >= n), in place: afterwards the upper
 * triangle of `a` is R (with R_kk possibly negative) and the rest encodes Q. O(2 m n^2) flops.
 * Zero columns get an identity reflector and R_kk = 0 rather than a NaN.
 */
export function qrFactor(a: Float64Array, m: number, n: number): QrFactors {
  const vdiag = new Float64Array(n);
  const beta = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const ck = k * m;
    let norm2 = 0;
    for (let i = k; i < m; i++) norm2 += a[ck + i] * a[ck + i];
    const x0 = a[ck + k];
    if (norm2 === 0) {
      vdiag[k] = 0;
      beta[k] = 0;
      continue;
    }
    const norm = Math.sqrt(norm2);
    // Sign chosen opposite to x0 so v0 = x0 - alpha never cancels.
    const alpha = x0 > 0 ? -norm : norm;
    const v0 = x0 - alpha;
    const vv = norm2 - x0 * x0 + v0 * v0;
    const bk = 2 / vv;
    vdiag[k] = v0;
    beta[k] = bk;
    a[ck + k] = alpha;
    for (let j = k + 1; j < n; j++) {
      const cj = j * m;
      let s = v0 * a[cj + k];
      for (let i = k + 1; i < m; i++) s += a[ck + i] * a[cj + i];
      s *= bk;
      a[cj + k] -= s * v0;
      for (let i = k + 1; i < m; i++) a[cj + i] -= s * a[ck + i];
    }
  }
  return { a, m, n, vdiag, beta };
}

/** Overwrites the length-m vector `v` (from offset `off`) with Q^T v, for factors from `qrFactor`. */
export function qrApplyQt(f: QrFactors, v: Float64Array, off = 0): void {
  const { a, m, n, vdiag, beta } = f;
  for (let k = 0; k < n; k++) {
    const bk = beta[k];
    if (bk === 0) continue;
    const ck = k * m;
    const v0 = vdiag[k];
    let s = v0 * v[off + k];
    for (let i = k + 1; i < m; i++) s += a[ck + i] * v[off + i];
    s *= bk;
    v[off + k] -= s * v0;
    for (let i = k + 1; i < m; i++) v[off + i] -= s * a[ck + i];
  }
}

export interface NnlsOptions {
  /** Storage order of `A`: 'col-major' (default; column j at A[j*m .. j*m+m-1]) or 'row-major'. */
  layout?: 'col-major' | 'row-major';
  /**
   * Optimality tolerance on the gradient A^T(b - Ax): the solver stops when no zero variable has
   * a gradient above it. Default 100 eps max_j ||A_j|| ||b||, i.e. round-off level.
   */
  tol?: number;
  /** Cap on the number of variables added to the passive set (default 3n + 10). */
  maxIter?: number;
  /**
   * Warm start: a guess of which variables are positive at the solution (e.g. the previous
   * solution of a nearby problem). Used only if least squares on those columns gives all
   * positive coefficients; otherwise the solver starts from x = 0. Never affects the answer,
   * only the work: a correct guess needs a single least-squares solve.
   */
  guess?: ArrayLike<number>;
}

export interface NnlsResult {
  /** The solution, length n, every entry >= 0. */
  x: Float64Array;
  /** Residual norm ||A x - b||_2. */
  rnorm: number;
  /** Number of outer (add-a-variable) iterations. */
  iterations: number;
  /** False when `maxIter` was reached; `x` is then feasible but possibly not optimal. */
  converged: boolean;
}

/**
 * Solves min ||A x - b||_2 subject to x >= 0 (Lawson & Hanson 1974 active-set algorithm).
 *
 * `A` is a dense m x n Float64Array in `opts.layout` order (column-major by default), `b` has
 * length m. Any m, n >= 1 (m < n is allowed). Units: x has the units of b over those of A.
 * Finite inputs are assumed (NaN propagates into x). Exactly collinear or zero columns are
 * handled: one of a dependent group enters, the others stay at 0. The result satisfies the KKT
 * conditions to round-off: x >= 0, A^T(b - Ax) <= tol where x = 0 and |A^T(b - Ax)| ~ 0 where x > 0.
 * Throws RangeError for inconsistent sizes.
 */
export function nnls(A: ArrayLike<number>, m: number, n: number, b: ArrayLike<number>, opts: NnlsOptions = {}): NnlsResult {
  if (!(m >= 1 && n >= 1 && Number.isInteger(m) && Number.isInteger(n))) throw new RangeError(`nnls: bad size ${m} x ${n}`);
  if (A.length !== m * n) throw new RangeError(`nnls: A has ${A.length} entries, expected ${m} x ${n} = ${m * n}`);
  if (b.length !== m) throw new RangeError(`nnls: b has ${b.length} entries, expected ${m}`);
  // Work on a column-major copy; reduce to n x n when the system is tall.
  let M = new Float64Array(m * n);
  if (opts.layout === 'row-major') {
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) M[j * m + i] = A[i * n + j];
  } else {
    for (let k = 0; k < m * n; k++) M[k] = A[k];
  }
  let d = Float64Array.from(b as ArrayLike<number>);
  let k = m;
  let rperp2 = 0;
  if (m > n) {
    const f = qrFactor(M, m, n);
    qrApplyQt(f, d);
    for (let i = n; i < m; i++) rperp2 += d[i] * d[i];
    const R = new Float64Array(n * n);
    for (let j = 0; j < n; j++) for (let i = 0; i <= j; i++) R[j * n + i] = M[j * m + i];
    M = R;
    d = d.subarray(0, n);
    k = n;
  }
  const res = nnlsCore(M, k, n, d, opts);
  res.rnorm = Math.sqrt(res.rnorm * res.rnorm + rperp2);
  return res;
}

/** Lawson–Hanson on a column-major k x n matrix M (not modified). rnorm is ||Mx - d|| only. */
function nnlsCore(M: Float64Array, k: number, n: number, d: Float64Array, opts: NnlsOptions): NnlsResult {
  const x = new Float64Array(n);
  const z = new Float64Array(n);
  const w = new Float64Array(n);
  const r = new Float64Array(k);
  const passive = new Uint8Array(n);
  const refused = new Uint8Array(n);
  const colNorm = new Float64Array(n);
  let maxCol = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < k; i++) s += M[j * k + i] * M[j * k + i];
    colNorm[j] = Math.sqrt(s);
    if (colNorm[j] > maxCol) maxCol = colNorm[j];
  }
  let dnorm = 0;
  for (let i = 0; i < k; i++) dnorm += d[i] * d[i];
  dnorm = Math.sqrt(dnorm);
  const tol = opts.tol ?? 100 * EPS * maxCol * dnorm;
  const maxIter = opts.maxIter ?? 3 * n + 10;
  // Scratch for the passive-set subproblem.
  const sub = new Float64Array(k * n);
  const rhs = new Float64Array(k);
  const order = new Int32Array(n);

  const gradient = () => {
    for (let i = 0; i < k; i++) r[i] = d[i];
    for (let j = 0; j < n; j++) {
      const xj = x[j];
      if (xj === 0) continue;
      const cj = j * k;
      for (let i = 0; i < k; i++) r[i] -= M[cj + i] * xj;
    }
    for (let j = 0; j < n; j++) {
      const cj = j * k;
      let s = 0;
      for (let i = 0; i < k; i++) s += M[cj + i] * r[i];
      w[j] = s;
    }
  };

  /**
   * Least squares on the passive columns, with `last` (if >= 0) ordered last so its pivot tells
   * whether it is numerically independent of the others. Writes z; returns false if `last` is
   * dependent.
   */
  const solvePassive = (last: number): boolean => {
    let p = 0;
    for (let j = 0; j < n; j++) if (passive[j] && j !== last) order[p++] = j;
    if (last >= 0) order[p++] = last;
    z.fill(0);
    if (p === 0) return true;
    const rows = Math.max(k, p);
    for (let c = 0; c < p; c++) {
      const src = order[c] * k;
      for (let i = 0; i < k; i++) sub[c * rows + i] = M[src + i];
      for (let i = k; i < rows; i++) sub[c * rows + i] = 0;
    }
    for (let i = 0; i < k; i++) rhs[i] = d[i];
    for (let i = k; i < rows; i++) rhs[i] = 0;
    const f = qrFactor(sub, rows, p);
    qrApplyQt(f, rhs);
    if (last >= 0) {
      const piv = Math.abs(sub[(p - 1) * rows + (p - 1)]);
      if (!(piv > 1e-12 * colNorm[last])) return false;
    }
    // Back substitution; a zero pivot among the old passive columns (cannot happen unless they
    // entered dependent) gives that variable 0 rather than Infinity.
    for (let c = p - 1; c >= 0; c--) {
      let s = rhs[c];
      for (let cc = c + 1; cc < p; cc++) s -= sub[cc * rows + c] * z[order[cc]];
      const piv = sub[c * rows + c];
      z[order[c]] = piv !== 0 ? s / piv : 0;
    }
    return true;
  };

  let iterations = 0;
  let converged = false;
  if (opts.guess) {
    for (let j = 0; j < n; j++) passive[j] = opts.guess[j] > 0 ? 1 : 0;
    solvePassive(-1);
    let ok = true;
    for (let j = 0; j < n; j++) if (passive[j] && !(z[j] > 0)) ok = false;
    if (ok) for (let j = 0; j < n; j++) x[j] = passive[j] ? z[j] : 0;
    else passive.fill(0);
  }
  gradient();
  while (iterations < maxIter) {
    let t = -1;
    let wmax = tol;
    for (let j = 0; j < n; j++) {
      if (!passive[j] && !refused[j] && w[j] > wmax) {
        wmax = w[j];
        t = j;
      }
    }
    if (t < 0) {
      converged = true;
      break;
    }
    iterations++;
    passive[t] = 1;
    if (!solvePassive(t) || !(z[t] > 0)) {
      passive[t] = 0;
      refused[t] = 1;
      continue;
    }
    // Inner loop: step back towards feasibility until every passive coefficient is positive.
    for (let inner = 0; inner <= n; inner++) {
      let alpha = 2;
      let jmin = -1;
      for (let j = 0; j < n; j++) {
        if (passive[j] && z[j] <= 0) {
          const a = x[j] / (x[j] - z[j]);
          if (a < alpha) {
            alpha = a;
            jmin = j;
          }
        }
      }
      if (jmin < 0) {
        for (let j = 0; j < n; j++) x[j] = passive[j] ? z[j] : 0;
        break;
      }
      for (let j = 0; j < n; j++) {
        if (!passive[j]) continue;
        x[j] += alpha * (z[j] - x[j]);
        if (j === jmin || x[j] <= 0) {
          x[j] = 0;
          passive[j] = 0;
        }
      }
      solvePassive(-1);
    }
    refused.fill(0);
    gradient();
  }
  let rn = 0;
  for (let i = 0; i < k; i++) rn += r[i] * r[i];
  return { x, rnorm: Math.sqrt(rn), iterations, converged };
}
