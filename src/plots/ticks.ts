/** "Nice" tick values covering [lo, hi] (about `count` of them): steps of 1, 2 or 5 x 10^k. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  // A range below rounding of its values (e.g. equal values up to the last bits) has no step
  // that moves v: the two ends are the ticks.
  if (!(step > 4 * Number.EPSILON * Math.max(Math.abs(lo), Math.abs(hi)))) return [lo, hi];
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * step && out.length <= 4 * count + 10; v += step) out.push(Math.abs(v) < 1e-12 * step ? 0 : v);
  return out;
}

export function fmtTick(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(3).replace(/\.?0+$/, '');
}
