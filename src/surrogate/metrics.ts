/**
 * Accuracy of predicted maps against exact ones, as the issue reports it: per-point relative
 * error |v_pred / v_exact - 1| (median, 99th percentile) and per-map maximum error (fraction of
 * maps with max <= 1% and <= 2%, 90th/99th percentile).
 */
export interface MapMetrics {
  maps: number;
  medianAbs: number;
  p99Abs: number;
  mapMaxP50: number;
  mapMaxP90: number;
  mapMaxP99: number;
  fracMapMaxLe1pc: number;
  fracMapMaxLe2pc: number;
}

/** q-quantile (0..1) of a (copied, sorted) sample by linear interpolation. */
export function quantile(a: ArrayLike<number>, q: number): number {
  const s = Float64Array.from(a as ArrayLike<number>).sort();
  if (s.length === 0) return NaN;
  const t = q * (s.length - 1);
  const i = Math.floor(t);
  return i + 1 < s.length ? s[i] + (t - i) * (s[i + 1] - s[i]) : s[i];
}

/**
 * Relative errors of `pred` against `exact`, both [maps x points]. Returns the metrics and the
 * raw per-point and per-map-max errors (for histograms). `keep` [maps x points] (optional)
 * leaves out the points where it is 0 (e.g. light below a stated surface-brightness floor):
 * they count in neither the quantiles nor the map maxima, and `point` holds only the kept ones.
 */
export function mapErrors(pred: ArrayLike<number>, exact: ArrayLike<number>, maps: number, points: number, keep?: ArrayLike<number>): { metrics: MapMetrics; point: Float32Array; mapMax: Float64Array } {
  const all = new Float32Array(maps * points);
  const mapMax = new Float64Array(maps);
  let n = 0;
  for (let i = 0; i < maps; i++) {
    let mx = 0;
    for (let j = 0; j < points; j++) {
      if (keep && keep[i * points + j] === 0) continue;
      const e = Math.abs(pred[i * points + j] / exact[i * points + j] - 1);
      all[n++] = e;
      if (!(e <= mx)) mx = e; // NaN propagates as the max
    }
    mapMax[i] = mx;
  }
  const point = n === all.length ? all : all.slice(0, n);
  let le1 = 0;
  let le2 = 0;
  for (const x of mapMax) {
    if (x <= 0.01) le1++;
    if (x <= 0.02) le2++;
  }
  return {
    metrics: {
      maps,
      medianAbs: quantile(point, 0.5),
      p99Abs: quantile(point, 0.99),
      mapMaxP50: quantile(mapMax, 0.5),
      mapMaxP90: quantile(mapMax, 0.9),
      mapMaxP99: quantile(mapMax, 0.99),
      fracMapMaxLe1pc: le1 / maps,
      fracMapMaxLe2pc: le2 / maps,
    },
    point,
    mapMax,
  };
}
