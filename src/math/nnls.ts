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
 * Zero columns get an identity reflector and R_kk = 0 rather than a NaN. `vdiag` and `beta`
 * (length >= n) may be passed to avoid allocation in hot loops.
 */
export function qrFactor(
  a: Float64Array,
  m: number,
  n: number,
  vdiag: Float64Array = new Float64Array(n),
  beta: Float64Array = new Float64Array(n),
): QrFactors {
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
  /** Where to write the solution (length >= n); a new array by default. */
  out?: Float64Array;
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
  if (opts.out && opts.out.length < n) throw new RangeError(`nnls: out has ${opts.out.length} entries, expected >= ${n}`);
  const W = scratch(m, n);
  // Work on a column-major copy; reduce to n x n when the system is tall.
  const M = W.M;
  if (opts.layout === 'row-major') {
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) M[j * m + i] = A[i * n + j];
  } else {
    for (let k = 0; k < m * n; k++) M[k] = A[k];
  }
  const d = W.d;
  for (let i = 0; i < m; i++) d[i] = b[i];
  let k = m;
  let rperp2 = 0;
  if (m > n) {
    const f = qrFactor(M, m, n, W.vdiag, W.beta);
    qrApplyQt(f, d);
    for (let i = n; i < m; i++) rperp2 += d[i] * d[i];
    // The top n rows become R: clear the Householder vectors below its diagonal.
    for (let j = 0; j < n; j++) for (let i = j + 1; i < n; i++) M[j * m + i] = 0;
    k = n;
  }
  const res = nnlsCore(W, m, k, n, opts);
  res.rnorm = Math.sqrt(res.rnorm * res.rnorm + rperp2);
  return res;
}

/**
 * Scratch arrays of a Lawson–Hanson solve, kept between calls and grown on demand: allocating a
 * dozen typed arrays per call cost more than the arithmetic of a 15-variable problem. (JS is
 * single-threaded and nnls calls nothing re-entrant, so one module-level workspace is safe.)
 */
interface Work {
  /** The (reduced) matrix, column-major with leading dimension `ld`, `k` rows in use. */
  M: Float64Array;
  ld: number;
  k: number;
  n: number;
  d: Float64Array;
  vdiag: Float64Array;
  beta: Float64Array;
  subVdiag: Float64Array;
  subBeta: Float64Array;
  refused: Uint8Array;
  x: Float64Array;
  z: Float64Array;
  w: Float64Array;
  r: Float64Array;
  passive: Uint8Array;
  colNorm: Float64Array;
  sub: Float64Array;
  rhs: Float64Array;
  order: Int32Array;
}

let work: Work | null = null;

function scratch(m: number, n: number): Work {
  const rows = Math.max(m, n);
  if (!work || work.M.length < m * n || work.d.length < rows || work.x.length < n || work.sub.length < rows * n) {
    const N = Math.max(n, work ? work.x.length : 0);
    const R = Math.max(rows, work ? work.d.length : 0);
    work = {
      M: new Float64Array(Math.max(m * n, work ? work.M.length : 0)),
      ld: 0,
      k: 0,
      n: 0,
      d: new Float64Array(R),
      vdiag: new Float64Array(N),
      beta: new Float64Array(N),
      subVdiag: new Float64Array(N),
      subBeta: new Float64Array(N),
      refused: new Uint8Array(N),
      x: new Float64Array(N),
      z: new Float64Array(N),
      w: new Float64Array(N),
      r: new Float64Array(R),
      passive: new Uint8Array(N),
      colNorm: new Float64Array(N),
      sub: new Float64Array(Math.max(R * N, work ? work.sub.length : 0)),
      rhs: new Float64Array(R),
      order: new Int32Array(N),
    };
  }
  return work;
}

/** r = d - M x and w = M^T r. */
function gradient(W: Work): void {
  const { M, ld, k, n, d, x, r, w } = W;
  for (let i = 0; i < k; i++) r[i] = d[i];
  for (let j = 0; j < n; j++) {
    const xj = x[j];
    if (xj === 0) continue;
    const cj = j * ld;
    for (let i = 0; i < k; i++) r[i] -= M[cj + i] * xj;
  }
  for (let j = 0; j < n; j++) {
    const cj = j * ld;
    let s = 0;
    for (let i = 0; i < k; i++) s += M[cj + i] * r[i];
    w[j] = s;
  }
}

/**
 * Least squares on the passive columns into z, with `last` (if >= 0) ordered last so its pivot
 * tells whether it is numerically independent of the others. Returns false if it is not.
 */
function solvePassive(W: Work, last: number): boolean {
  const { M, ld, k, n, d, z, passive, sub, rhs, order } = W;
  let p = 0;
  for (let j = 0; j < n; j++) if (passive[j] && j !== last) order[p++] = j;
  if (last >= 0) order[p++] = last;
  for (let j = 0; j < n; j++) z[j] = 0;
  if (p === 0) return true;
  const rows = Math.max(k, p);
  for (let c = 0; c < p; c++) {
    const src = order[c] * ld;
    const dst = c * rows;
    for (let i = 0; i < k; i++) sub[dst + i] = M[src + i];
    for (let i = k; i < rows; i++) sub[dst + i] = 0;
  }
  for (let i = 0; i < k; i++) rhs[i] = d[i];
  for (let i = k; i < rows; i++) rhs[i] = 0;
  const f = qrFactor(sub, rows, p, W.subVdiag, W.subBeta);
  qrApplyQt(f, rhs);
  if (last >= 0) {
    const piv = Math.abs(sub[(p - 1) * rows + (p - 1)]);
    if (!(piv > 1e-12 * W.colNorm[last])) return false;
  }
  // Back substitution; a zero pivot among the old passive columns (only if they entered
  // dependent) gives that variable 0 rather than Infinity.
  for (let c = p - 1; c >= 0; c--) {
    let s = rhs[c];
    for (let cc = c + 1; cc < p; cc++) s -= sub[cc * rows + c] * z[order[cc]];
    const piv = sub[c * rows + c];
    z[order[c]] = piv !== 0 ? s / piv : 0;
  }
  return true;
}

/** Lawson–Hanson on the k x n matrix W.M (leading dimension ld; not modified). rnorm is ||Mx - d|| only. */
function nnlsCore(W: Work, ld: number, k: number, n: number, opts: NnlsOptions): NnlsResult {
  W.ld = ld;
  W.k = k;
  W.n = n;
  const { M, d, x, z, w, r, passive, colNorm, refused } = W;
  for (let j = 0; j < n; j++) {
    x[j] = 0;
    passive[j] = 0;
    refused[j] = 0;
  }
  let maxCol = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < k; i++) s += M[j * ld + i] * M[j * ld + i];
    colNorm[j] = Math.sqrt(s);
    if (colNorm[j] > maxCol) maxCol = colNorm[j];
  }
  let dnorm = 0;
  for (let i = 0; i < k; i++) dnorm += d[i] * d[i];
  dnorm = Math.sqrt(dnorm);
  const tol = opts.tol ?? 100 * EPS * maxCol * dnorm;
  const maxIter = opts.maxIter ?? 3 * n + 10;

  let iterations = 0;
  let converged = false;
  if (opts.guess) {
    for (let j = 0; j < n; j++) passive[j] = opts.guess[j] > 0 ? 1 : 0;
    solvePassive(W, -1);
    let ok = true;
    for (let j = 0; j < n; j++) if (passive[j] && !(z[j] > 0)) ok = false;
    for (let j = 0; j < n; j++) {
      if (ok) x[j] = passive[j] ? z[j] : 0;
      else passive[j] = 0;
    }
  }
  gradient(W);
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
    if (!solvePassive(W, t) || !(z[t] > 0)) {
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
      solvePassive(W, -1);
    }
    for (let j = 0; j < n; j++) refused[j] = 0;
    gradient(W);
  }
  let rn = 0;
  for (let i = 0; i < k; i++) rn += r[i] * r[i];
  const out = opts.out ?? new Float64Array(n);
  for (let j = 0; j < n; j++) out[j] = x[j];
  return { x: out, rnorm: Math.sqrt(rn), iterations, converged };
}
