/**
 * Quadrature on u in [0, 1] for the JAM line-of-sight integral.
 *
 * The integrand of Cappellari (2008) eq. 28 has steep behaviour near both ends of [0, 1] (the
 * 1/sqrt(1 - e^2 u^2) factor for flattened mass, and the exp(-A r^2) factor that makes small-u
 * contributions dominate far out). Shampine's endpoint transform
 *   u = (1/4) t (3 - t^2) + 1/2,  du/dt = (3/4)(1 - t^2),  t in [-1, 1]
 * flattens both ends, after which a fixed Gauss-Legendre rule converges fast.
 */

const glCache = new Map<number, { x: Float64Array; w: Float64Array }>();

/**
 * Gauss-Legendre nodes and weights on [-1, 1] for n >= 1 points, by Newton iteration on the
 * Legendre recurrence (accurate to ~1e-15 for n <= 200). Cached per n.
 */
export function gaussLegendre(n: number): { x: Float64Array; w: Float64Array } {
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new RangeError(`gaussLegendre: n = ${n}; use an integer in 1..1000`);
  const hit = glCache.get(n);
  if (hit) return hit;
  const x = new Float64Array(n);
  const w = new Float64Array(n);
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let d = legendre(n, z);
    for (let it = 0; it < 100; it++) {
      const dz = d.p / d.dp;
      z -= dz;
      d = legendre(n, z);
      if (Math.abs(dz) < 1e-16) break;
    }
    const wi = 2 / ((1 - z * z) * d.dp * d.dp);
    x[i] = -z;
    x[n - 1 - i] = z;
    w[i] = wi;
    w[n - 1 - i] = wi;
  }
  const out = { x, w };
  glCache.set(n, out);
  return out;
}

/** P_n(z) and its derivative by the three-term recurrence (|z| < 1). */
function legendre(n: number, z: number): { p: number; dp: number } {
  let p0 = 1;
  let p1 = z;
  for (let k = 2; k <= n; k++) {
    const p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
    p0 = p1;
    p1 = p2;
  }
  if (n === 1) return { p: z, dp: 1 };
  return { p: p1, dp: (n * (z * p1 - p0)) / (z * z - 1) };
}

/**
 * Nodes u_i in (0, 1) and weights for integrating f(u) over [0, 1] with n Gauss-Legendre points
 * after the endpoint transform: sum_i weight_i f(u_i) ~ integral_0^1 f(u) du.
 */
export function transformedRule(n: number): { u: Float64Array; weight: Float64Array } {
  const { x, w } = gaussLegendre(n);
  const u = new Float64Array(n);
  const weight = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = x[i];
    u[i] = 0.25 * t * (3 - t * t) + 0.5;
    weight[i] = w[i] * 0.75 * (1 - t * t);
  }
  return { u, weight };
}

/**
 * Quadrature rule on u in [0, 1] for a mass Gaussian of dispersion sigma evaluated out to radius
 * rMax (same length unit). Its eq.-28 terms at radius r peak at u ~ sigma / r, so when
 * rho = rMax / sigma is large (a black hole, a compact nucleus) the single transformed rule
 * under-resolves small u: with 48 nodes the error grows like ~1e-9 rho^2 (1e-3 at rho = 1000).
 * This splits [0, 1] into m panels with geometric edges 4^-(m-1), ..., 1/4, 1, the first one
 * ending below 2 / rho, each with a `panelNodes`-point transformed rule except the last, which
 * gets `lastNodes`. Nodes are in increasing
 * u (the kernel's early exit relies on it). rho <= 2 gives one panel.
 */
export function graded(rho: number, lastNodes = 48, panelNodes = 16): { u: Float64Array; weight: Float64Array } {
  // The last panel [1/4, 1] keeps the full rule: a flattened mass Gaussian's 1/sqrt(1 - e^2 u^2)
  // is nearly singular at u = 1, which is what the endpoint transform with many nodes handles.
  const m = rho > 2 ? Math.ceil(Math.log(rho / 2) / Math.log(4)) + 1 : 1;
  const inner = transformedRule(panelNodes);
  const last = transformedRule(lastNodes);
  const total = (m - 1) * panelNodes + lastNodes;
  const u = new Float64Array(total);
  const weight = new Float64Array(total);
  let t = 0;
  for (let p = 0; p < m; p++) {
    const a = p === 0 ? 0 : 4 ** (p - m);
    const b = 4 ** (p + 1 - m);
    const base = p === m - 1 ? last : inner;
    for (let i = 0; i < base.u.length; i++, t++) {
      u[t] = a + (b - a) * base.u[i];
      weight[t] = (b - a) * base.weight[i];
    }
  }
  return { u, weight };
}

// Gauss-Kronrod (7, 15) abscissae and weights on [-1, 1] (Kronrod 1965; standard published values).
const XGK = [
  0.991455371120812639206854697526329, 0.949107912342758524526189684047851, 0.864864423359769072789712788640926,
  0.741531185599394439863864773280788, 0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
  0.207784955007898467600689403773245, 0.0,
];
const WGK = [
  0.022935322010529224963732008058970, 0.063092092629978553290700663189204, 0.104790010322250183839876322541518,
  0.140653259715525918745189590510238, 0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
  0.204432940075298892414161999234649, 0.209482141084727828012999174891714,
];
const WG = [
  0.129484966168869693270611432679082, 0.279705391489276667901467771423780, 0.381830050505118944950369775488975,
  0.417959183673469387755102040816327,
];

/**
 * Adaptive integral over u in [0, 1] of a scalar function, after the endpoint transform, with
 * Gauss-Kronrod (7, 15) panels: start from 10 equal panels in t, bisect panels whose local error
 * exceeds their share of tol = max(epsabs, epsrel |I|) until the summed error is below tol.
 * This is the independent "truth" path; the production kernel uses a fixed rule.
 *
 * @returns the integral and the estimated absolute error. Throws if more than `maxPanels` panels
 * are needed (a sign of a non-integrable or badly scaled integrand).
 */
export function integrateAdaptive(
  f: (u: number) => number,
  { epsrel = 1e-10, epsabs = 0, maxPanels = 5000 } = {},
): { value: number; error: number } {
  const g = (t: number) => f(0.25 * t * (3 - t * t) + 0.5) * 0.75 * (1 - t * t);
  const panel = (a: number, b: number) => {
    const c = 0.5 * (a + b);
    const h = 0.5 * (b - a);
    const fc = g(c);
    let rk = fc * WGK[7];
    let rg = fc * WG[3];
    for (let j = 0; j < 7; j++) {
      const f1 = g(c - h * XGK[j]);
      const f2 = g(c + h * XGK[j]);
      rk += WGK[j] * (f1 + f2);
      if (j % 2 === 1) rg += WG[(j - 1) / 2] * (f1 + f2);
    }
    return { a, b, value: rk * h, error: Math.abs((rk - rg) * h) };
  };
  let panels = Array.from({ length: 10 }, (_, i) => panel(-1 + 0.2 * i, -1 + 0.2 * (i + 1)));
  let accepted = 0;
  let acceptedErr = 0;
  for (;;) {
    let total = accepted;
    let err = acceptedErr;
    for (const p of panels) {
      total += p.value;
      err += p.error;
    }
    const tol = Math.max(epsabs, epsrel * Math.abs(total));
    if (err <= tol || panels.length === 0) return { value: total, error: err };
    const next: typeof panels = [];
    for (const p of panels) {
      // Panel share of the tolerance is proportional to its width (the t-interval has length 2).
      if (p.error <= ((p.b - p.a) / 2) * tol) {
        accepted += p.value;
        acceptedErr += p.error;
      } else {
        const m = 0.5 * (p.a + p.b);
        next.push(panel(p.a, m), panel(m, p.b));
      }
    }
    if (next.length > maxPanels) throw new Error(`integrateAdaptive: more than ${maxPanels} panels needed`);
    panels = next;
  }
}
