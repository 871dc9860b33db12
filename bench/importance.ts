/**
 * Comparing an engine's posterior with the exact one from the same draws (bench/vs-exact.ts,
 * bench/tabulated-vs-direct.ts): the exact posterior is the draws importance-weighted by
 * p_exact / p_engine (src/fit/self-check.ts importanceWeights); per parameter, the median shift in
 * units of the exact 68% half-width and the ratio of the 68% widths.
 */

/** The q-quantile of v under weights w (the first value whose cumulative weight reaches q). */
function wquantile(v: Float64Array, w: Float64Array, q: number): number {
  const idx = Array.from(v.keys()).sort((a, b) => v[a] - v[b]);
  const tot = w.reduce((a, b) => a + b, 0);
  let c = 0;
  for (const i of idx) {
    c += w[i];
    if (c >= q * tot) return v[i];
  }
  return v[idx[idx.length - 1]];
}

/** Column k of the draws: (engine median - exact median) / exact sigma and the 68% width ratio engine / exact. */
export function posteriorShift(xs: readonly Float64Array[], w: Float64Array, k: number): { shift: number; widthRatio: number } {
  const v = Float64Array.from(xs, (x) => x[k]);
  const one = new Float64Array(xs.length).fill(1);
  const [sLo, sMed, sHi] = [0.16, 0.5, 0.84].map((q) => wquantile(v, one, q));
  const [eLo, eMed, eHi] = [0.16, 0.5, 0.84].map((q) => wquantile(v, w, q));
  return { shift: (sMed - eMed) / ((eHi - eLo) / 2), widthRatio: (sHi - sLo) / (eHi - eLo) };
}
