/**
 * `jamfit evaluate` as a library: the surrogate's accuracy on a held-out training set (a new
 * seed), reported in the parts: the MLP given the exact Sérsic (n, q_L); the CNN's
 * reading of (n, q_L) from clean images; the chain end to end; how the end-to-end error grows
 * with pixel noise and PSF blur; and the bilinear grid interpolation at IFU-like points against
 * the exact JAM there. Pure computation; the CLI writes the JSON and the figures.
 */
import { Rng } from '../../samplers/rng.ts';
import { degrade } from './augment.ts';
import { bestEngine } from './engine.ts';
import { foldMlp } from './folded.ts';
import { applyWeights, interpWeights, thetaLogRGrid } from './grid.ts';
import { mapErrors, quantile, type MapMetrics } from './metrics.ts';
import type { Surrogate } from './model-files.ts';
import { PARAM_COLUMNS } from './simulate/chunk-format.ts';
import type { TrainingSet } from './simulate/reader.ts';
import { trainingV } from './simulate/training-model.ts';
import { loadTf } from './tf.ts';
import { cnnMetrics, predictCnn, type CnnMetrics } from './train-cnn.ts';
import { encodeInputs } from './normalise.ts';

export interface DegradedRow {
  noiseDex: number;
  psfPx: number;
  maps: number;
  cnn: CnnMetrics;
  endToEnd: MapMetrics;
}

export interface EvaluateResult {
  maps: number;
  engine: string;
  mlpExactSersic: MapMetrics;
  cnn: CnnMetrics | null;
  endToEnd: MapMetrics | null;
  degraded: DegradedRow[];
  interpolation: { maps: number; points: number; medianAbs: number; p99Abs: number; max: number } | null;
  /** Per-point and per-map-max errors of the headline (end to end when a CNN exists, else MLP). */
  histogram: { which: string; point: Float32Array; mapMax: Float64Array };
  seconds: number;
}

export interface EvaluateOptions {
  /** Noise levels (dex) and PSF sigmas (px) of the degradation sweep (each alone). */
  noise: number[];
  psf: number[];
  /** Maps used for each degraded level (the first ones). */
  degradedMaps: number;
  /** Maps and points per map for the interpolation check (0: skip). */
  interpMaps: number;
  interpPoints: number;
  seed: number;
}

const col = (n: (typeof PARAM_COLUMNS)[number]) => PARAM_COLUMNS.indexOf(n);

/** v on the grid for every map, the features of row i given by feat(i). */
async function predictMaps(s: Surrogate, ts: TrainingSet, n: number, feat: (i: number) => [number, number]): Promise<{ v: Float64Array; engine: string }> {
  const fm = foldMlp(s.mlp, s.norm);
  const e = await bestEngine(fm);
  const nG = s.mlp.arch.nOut;
  const v = new Float64Array(n * nG);
  const nc = PARAM_COLUMNS.length;
  for (let i = 0; i < n; i++) {
    e.setFeatures(feat(i));
    const lnv = await e.run([ts.params[i * nc + col('q_M')], ts.params[i * nc + col('beta_z')], ts.params[i * nc + col('inc_deg')]], 1);
    for (let j = 0; j < nG; j++) v[i * nG + j] = Math.exp(lnv[j]);
  }
  const engine = e.name;
  e.dispose();
  return { v, engine };
}

export async function evaluateSurrogate(s: Surrogate, ts: TrainingSet, o: EvaluateOptions): Promise<EvaluateResult> {
  const t0 = performance.now();
  const n = ts.n;
  const nG = s.mlp.arch.nOut;
  const nc = PARAM_COLUMNS.length;
  const exact = (i: number): [number, number] => [ts.params[i * nc + col('n')], ts.params[i * nc + col('q_L')]];
  const m = await predictMaps(s, ts, n, exact);
  const mlp = mapErrors(m.v, ts.v, n, nG);
  let cnn: CnnMetrics | null = null;
  let e2e: ReturnType<typeof mapErrors> | null = null;
  const degraded: DegradedRow[] = [];
  if (s.cnn && ts.images) {
    const { tf } = await loadTf();
    const a = s.cnn.arch;
    const vars = new Map([...s.cnn.weights].map(([k, w]) => [k, tf.tensor(w.data, w.shape)]));
    const raw = new Float64Array(n * 5);
    for (let i = 0; i < n; i++) for (const [k, c] of ['n', 'q_L', 'q_M', 'beta_z', 'inc_deg'].entries()) raw[i * 5 + k] = ts.params[i * nc + col(c as (typeof PARAM_COLUMNS)[number])];
    const X = encodeInputs(s.norm, raw, n);
    const nIn = s.norm.inputs.length;
    const yTrue = Float32Array.from({ length: 2 * n }, (_, t) => X[Math.floor(t / 2) * nIn + (t % 2)]);
    const toRaw = (p: Float32Array) => (i: number): [number, number] => [Math.exp(p[2 * i] * s.norm.inStd[0] + s.norm.inMean[0]), p[2 * i + 1] * s.norm.inStd[1] + s.norm.inMean[1]];
    const pf = predictCnn(tf, a, vars, ts.images, n);
    cnn = cnnMetrics(pf, yTrue, n, s.norm.inMean.slice(0, 2), s.norm.inStd.slice(0, 2));
    e2e = mapErrors((await predictMaps(s, ts, n, toRaw(pf))).v, ts.v, n, nG);
    const nd = Math.min(o.degradedMaps, n);
    const px = a.size * a.size;
    const levels = [...o.noise.map((x) => ({ noiseDex: x, psfPx: 0 })), ...o.psf.filter((x) => x > 0).map((x) => ({ noiseDex: 0, psfPx: x }))];
    for (const L of levels) {
      const rng = new Rng(`jamfit-evaluate:${o.seed}:${L.noiseDex}:${L.psfPx}`);
      const imgs = new Float32Array(nd * px);
      for (let i = 0; i < nd; i++) imgs.set(degrade(ts.images.subarray(i * px, (i + 1) * px), a.size, { paDeg: 0, shiftX: 0, shiftY: 0, psfPx: L.psfPx, sky: 0, noiseDex: L.noiseDex }, rng), i * px);
      const pd = predictCnn(tf, a, vars, imgs, nd);
      degraded.push({ ...L, maps: nd, cnn: cnnMetrics(pd, yTrue.subarray(0, 2 * nd), nd, s.norm.inMean.slice(0, 2), s.norm.inStd.slice(0, 2)), endToEnd: mapErrors((await predictMaps(s, ts, nd, toRaw(pd))).v, ts.v.subarray(0, nd * nG), nd, nG).metrics });
    }
    for (const t of vars.values()) t.dispose();
  }
  let interpolation: EvaluateResult['interpolation'] = null;
  if (o.interpMaps > 0) {
    // IFU-like points: uniform in area inside the ellipse of axis ratio q_L reaching 3 R_e on the
    // major axis, at least 0.02 R_e from the centre. Exact JAM there vs the bilinear
    // interpolation of the exact grid (V_rms^2), i.e. the interpolation error alone.
    const grid = thetaLogRGrid(s.manifest.grid);
    const errs: number[] = [];
    const rng = new Rng(`jamfit-evaluate-interp:${o.seed}`);
    const nm = Math.min(o.interpMaps, n);
    for (let i = 0; i < nm; i++) {
      const p = Array.from(ts.params.subarray(i * nc, i * nc + 5));
      const x: number[] = [];
      const y: number[] = [];
      while (x.length < o.interpPoints) {
        const u = 3 * (2 * rng.uniform() - 1);
        const w = 3 * (2 * rng.uniform() - 1);
        if (u * u + (w * w) / (p[1] * p[1]) > 9 || Math.hypot(u, w) < grid.rMin || Math.hypot(u, w) > Math.min(3, grid.rMax)) continue;
        x.push(u);
        y.push(w);
      }
      const ex = trainingV(p, x, y, 48).v;
      const v2 = Float64Array.from(ts.v.subarray(i * nG, (i + 1) * nG), (t) => t * t);
      const at = applyWeights(interpWeights(grid, x, y), v2);
      for (let k = 0; k < x.length; k++) errs.push(Math.abs(Math.sqrt(at[k]) / ex[k] - 1));
    }
    interpolation = { maps: nm, points: errs.length, medianAbs: quantile(errs, 0.5), p99Abs: quantile(errs, 0.99), max: Math.max(...errs) };
  }
  const head = e2e ?? mlp;
  return {
    maps: n,
    engine: m.engine,
    mlpExactSersic: mlp.metrics,
    cnn,
    endToEnd: e2e?.metrics ?? null,
    degraded,
    interpolation,
    histogram: { which: e2e ? 'end to end (CNN from clean images -> MLP)' : 'MLP given exact Sersic parameters', point: head.point, mapMax: head.mapMax },
    seconds: (performance.now() - t0) / 1000,
  };
}
