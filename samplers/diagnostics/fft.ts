/**
 * In-place iterative radix-2 complex FFT (Cooley-Tukey, decimation in time) on split
 * real/imaginary Float64Arrays, plus the FFT autocovariance of real series.
 *
 * Twiddle factors and bit-reversal tables are cached per transform size, so repeated
 * transforms of the same length (the usual case: every walker/dimension of a chain) pay for
 * the trigonometry once. No dependencies.
 */
import { InputError } from '../../core/errors.ts';

/** Smallest power of two >= n (n >= 1). */
export function nextPow2(n: number): number {
  let m = 1;
  while (m < n) m *= 2;
  return m;
}

interface Plan {
  n: number;
  /** Per-stage twiddles, contiguous: for a stage of half-size h, entries [h, 2h) hold cos/sin(pi k / h), k < h. */
  cos: Float64Array;
  sin: Float64Array;
  rev: Uint32Array; // bit-reversal permutation
}

const plans = new Map<number, Plan>();

function plan(n: number): Plan {
  let p = plans.get(n);
  if (p) return p;
  const cos = new Float64Array(n);
  const sin = new Float64Array(n);
  for (let h = 1; h < n; h <<= 1) {
    for (let k = 0; k < h; k++) {
      const a = (Math.PI * k) / h;
      cos[h + k] = Math.cos(a);
      sin[h + k] = Math.sin(a);
    }
  }
  const rev = new Uint32Array(n);
  let bits = 0;
  while (1 << bits < n) bits++;
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0, v = i; b < bits; b++, v >>= 1) r = (r << 1) | (v & 1);
    rev[i] = r;
  }
  p = { n, cos, sin, rev };
  if (plans.size > 32) plans.clear();
  plans.set(n, p);
  return p;
}

/**
 * In-place complex DFT of (re, im), both of length n = a power of two.
 * Forward: X_k = sum_j x_j exp(-2 pi i jk/n). Inverse (`inverse = true`): the same with
 * exp(+...) and **no** 1/n scaling (callers divide by n themselves). The inverse is computed
 * as the forward transform with re and im swapped (IDFT(z) = swap(DFT(swap(z)))).
 * @throws InputError if the lengths differ or are not a power of two.
 */
export function fft(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = re.length;
  if (im.length !== n) throw new InputError('fft', `re and im lengths differ (${n} vs ${im.length})`);
  if (n <= 1) return;
  if ((n & (n - 1)) !== 0) throw new InputError('fft', `length ${n} is not a power of two`);
  if (inverse) forward(im, re, plan(n));
  else forward(re, im, plan(n));
}

function forward(re: Float64Array, im: Float64Array, p: Plan): void {
  const { n, cos, sin, rev } = p;
  for (let i = 0; i < n; i++) {
    const j = rev[i];
    if (j > i) {
      let t = re[i]; re[i] = re[j]; re[j] = t;
      t = im[i]; im[i] = im[j]; im[j] = t;
    }
  }
  // First stage (h = 1): twiddle 1.
  for (let a = 0; a < n; a += 2) {
    const b = a + 1;
    const xr = re[b], xi = im[b];
    re[b] = re[a] - xr; im[b] = im[a] - xi;
    re[a] += xr; im[a] += xi;
  }
  for (let half = 2; half < n; half <<= 1) {
    const size = half << 1;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < half; k++) {
        const wr = cos[half + k];
        const wi = -sin[half + k];
        const a = start + k;
        const b = a + half;
        const br = re[b], bi = im[b];
        const xr = br * wr - bi * wi;
        const xi = br * wi + bi * wr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
      }
    }
  }
}

/**
 * Accumulates weighted power spectra of real series and returns the weighted sum of their
 * lag products, i.e. for series x^(j) (length n, mean already removed) and weights w_j:
 *
 *   out[t] = sum_j w_j * sum_{i < n-t} x^(j)_i x^(j)_{i+t},   t = 0..n-1,
 *
 * using FFTs zero-padded to L = next power of two >= 2n (no circular wrap-around).
 * Two real series share one complex FFT (x + i y): with Z = DFT(x + i y),
 * |X_k|^2 = |Z_k + conj Z_{L-k}|^2 / 4 and |Y_k|^2 = |Z_k - conj Z_{L-k}|^2 / 4.
 * Because the inverse transform is linear, the weighted spectra are summed and inverted once,
 * so m series cost ~m/2 forward FFTs plus one inverse FFT.
 */
export class LagProductAccumulator {
  /** Series length. */
  readonly n: number;
  /** Padded FFT length. */
  readonly L: number;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly acc: Float64Array;

  constructor(n: number) {
    if (!Number.isInteger(n) || n < 1) throw new InputError('n', `must be a positive integer, got ${n}`);
    this.n = n;
    this.L = nextPow2(2 * n);
    this.re = new Float64Array(this.L);
    this.im = new Float64Array(this.L);
    this.acc = new Float64Array(this.L);
  }

  /** Clears the accumulated spectrum. */
  reset(): void {
    this.acc.fill(0);
  }

  /** Adds wx * |DFT x|^2 (+ wy * |DFT y|^2 when y is given). x, y: length n, mean removed. */
  add(x: ArrayLike<number>, wx: number, y: ArrayLike<number> | null = null, wy = 0): void {
    const { re, im, acc, L, n } = this;
    re.fill(0);
    im.fill(0);
    for (let i = 0; i < n; i++) re[i] = x[i];
    if (y) for (let i = 0; i < n; i++) im[i] = y[i];
    forward(re, im, plan(L));
    if (!y) {
      for (let k = 0; k < L; k++) acc[k] += wx * (re[k] * re[k] + im[k] * im[k]);
      return;
    }
    const qx = wx / 4, qy = wy / 4;
    for (let k = 0; k <= L >> 1; k++) {
      const kk = k === 0 ? 0 : L - k;
      const ar = re[k], ai = im[k], br = re[kk], bi = im[kk];
      const sr = ar + br, di = ai - bi, dr = ar - br, si = ai + bi;
      const v = qx * (sr * sr + di * di) + qy * (dr * dr + si * si);
      acc[k] += v;
      if (kk !== k) acc[kk] += v;
    }
  }

  /** Writes out[t] (t < min(n, out.length)) = weighted lag-product sums; see the class doc. */
  result(out: Float64Array): Float64Array {
    const { re, im, acc, L } = this;
    re.set(acc);
    im.fill(0);
    // The accumulated spectrum is real and even, so its inverse DFT is real.
    forward(im, re, plan(L));
    const m = Math.min(this.n, out.length);
    const s = 1 / L;
    for (let t = 0; t < m; t++) out[t] = re[t] * s;
    return out;
  }
}

