/**
 * Nelder-Mead downhill simplex minimisation (Nelder & Mead 1965, with the standard coefficients
 * reflection 1, expansion 2, contraction 1/2, shrink 1/2, as in Lagarias et al. 1998). For small
 * smooth problems where derivatives are not available (a few parameters of a fit's posterior);
 * -log posterior = +Infinity outside the prior is allowed (such points are never accepted).
 * Deterministic: the same start and steps give the same path.
 */

export interface NelderMeadOptions {
  /** Initial simplex: x0 plus step[k] along each axis k (same units as x). */
  step: ArrayLike<number>;
  /** Maximum function evaluations (default 200 per dimension). */
  maxEvals?: number;
  /** Stop when the simplex's f values span less than this (default 1e-6, absolute). */
  ftol?: number;
}

export interface NelderMeadResult {
  x: Float64Array;
  f: number;
  evals: number;
  converged: boolean;
}

/**
 * Minimises f from x0. f(x0) must be finite (the start must be inside the support).
 * @returns the best vertex, its value, the evaluations used, and whether ftol was reached.
 */
export function nelderMead(f: (x: Float64Array) => number, x0: ArrayLike<number>, o: NelderMeadOptions): NelderMeadResult {
  const n = x0.length;
  const maxEvals = o.maxEvals ?? 200 * n;
  const ftol = o.ftol ?? 1e-6;
  let evals = 0;
  const F = (x: Float64Array) => {
    evals++;
    const v = f(x);
    return Number.isNaN(v) ? Infinity : v;
  };
  const pts: Float64Array[] = [Float64Array.from(x0)];
  for (let k = 0; k < n; k++) {
    const p = Float64Array.from(x0);
    p[k] += o.step[k];
    pts.push(p);
  }
  const val = pts.map(F);
  if (!Number.isFinite(val[0])) throw new RangeError('nelderMead: f(x0) is not finite; start inside the support');
  const at = (c: Float64Array, towards: Float64Array, t: number) => Float64Array.from(c, (v, k) => v + t * (towards[k] - v));
  let converged = false;
  while (evals < maxEvals) {
    const order = val.map((_, i) => i).sort((a, b) => val[a] - val[b] || a - b);
    const P = order.map((i) => pts[i]);
    const V = order.map((i) => val[i]);
    pts.splice(0, pts.length, ...P);
    val.splice(0, val.length, ...V);
    if (Number.isFinite(val[n]) && val[n] - val[0] <= ftol) {
      converged = true;
      break;
    }
    const c = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) c[k] += pts[i][k] / n;
    const worst = pts[n];
    const xr = at(c, worst, -1);
    const fr = F(xr);
    if (fr < val[0]) {
      const xe = at(c, worst, -2);
      const fe = F(xe);
      [pts[n], val[n]] = fe < fr ? [xe, fe] : [xr, fr];
      continue;
    }
    if (fr < val[n - 1]) {
      [pts[n], val[n]] = [xr, fr];
      continue;
    }
    // Contraction: outside when the reflection improved on the worst, else inside.
    const outside = fr < val[n];
    const xc = at(c, worst, outside ? -0.5 : 0.5);
    const fc = F(xc);
    if (fc < (outside ? fr : val[n])) {
      [pts[n], val[n]] = [xc, fc];
      continue;
    }
    for (let i = 1; i <= n; i++) {
      pts[i] = at(pts[0], pts[i], 0.5);
      val[i] = F(pts[i]);
    }
  }
  let b = 0;
  for (let i = 1; i <= n; i++) if (val[i] < val[b]) b = i;
  return { x: pts[b], f: val[b], evals, converged };
}
