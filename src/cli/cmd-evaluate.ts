import { checkAnchors, MFL_ANCHORS } from '../surrogate/mfl/anchors.ts';
import { join } from 'node:path';
import { writeFileAtomic } from '../../core/atomic-write.ts';
import { InputError } from '../../core/errors.ts';
import { svgToPng } from '../plots/png.ts';
import { evaluateSurrogate } from '../surrogate/evaluate.ts';
import { degradationSvg, figure3Svg } from '../surrogate/figures.ts';
import { loadSurrogate } from '../surrogate/model-files.ts';
import { readTrainingSet } from '../surrogate/simulate/reader.ts';
import { quantile } from '../surrogate/metrics.ts';
import { defineCommand } from './command.ts';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readPhotometry } from '../data/photometry.ts';
import { SHIPPED_MGE_DIR } from '../engines/surrogate-mge.ts';
import { evaluateMflHeldOut, evaluateMflReal } from '../surrogate/mfl/evaluate.ts';
import { loadMflSurrogate } from '../surrogate/mfl/model.ts';
import type { TrainingSet } from '../surrogate/simulate/reader.ts';

const options = {
  data: { type: 'string', required: true, description: 'held-out set from `jamfit simulate` with a seed other than the training set' },
  out: { type: 'string', alias: 'o', required: true, description: 'output directory: metrics.json, figure3.png, degradation.png' },
  model: { type: 'string', description: 'surrogate directory (default: the shipped fixtures/surrogate)' },
  noise: { type: 'string', default: '0,0.01,0.02,0.05,0.1', description: 'pixel-noise levels of the degradation sweep, dex' },
  psf: { type: 'string', default: '0.5,1,2', description: 'PSF sigmas of the degradation sweep, pixels' },
  'degraded-maps': { type: 'number', default: 500, description: 'maps per degradation level' },
  'interp-maps': { type: 'number', default: 20, description: 'maps for the interpolation check at IFU-like points (0: skip)' },
  'interp-points': { type: 'number', default: 100, description: 'points per map for the interpolation check' },
  seed: { type: 'number', default: 1, description: 'seed of the noise and the interpolation points (mge: of the beta_z and inclination draws)' },
  draws: { type: 'number', default: 2, description: 'mge: beta_z draws per held-out galaxy' },
  real: { type: 'string', description: 'mge: comma-separated MGE tables of real galaxies to check over prior draws (default: the bundled NGC 6278 and fixtures/mge/*.ecsv)' },
  'real-draws': { type: 'number', default: 40, description: 'mge: prior draws of (beta_z, i) per real MGE' },
  anchors: { type: 'number', default: MFL_ANCHORS, description: 'mge: exact anchor maps per galaxy, as the engine makes them (src/surrogate/mfl/anchors.ts; 0: the network alone)' },
  floor: { type: 'number', default: 0, description: 'mge: also score only the grid points with surface brightness >= this (units of I_e; the model\'s own training floor always applies)' },
} as const;

function list(s: string, where: string): number[] {
  const v = String(s).split(',').filter((t) => t.trim() !== '').map(Number);
  if (v.some((x) => !(x >= 0))) throw new InputError(where, `is '${s}'; give comma-separated numbers >= 0`);
  return v;
}

export const evaluateCommand = defineCommand({
  summary: 'Measure the surrogate on a held-out set: MLP alone, CNN, end to end, degradations, interpolation; metrics JSON + Figure 3 PNG.',
  options,
  async run(a, io) {
    const ts = readTrainingSet(a.data as string);
    if (ts.manifest.galaxies) return evaluateMge(a, io, ts);
    const s = loadSurrogate(...((a.model ? [a.model as string] : []) as [string?]));
    const trainSeed = s.manifest.trainingSet.seed;
    if (ts.manifest.seed === trainSeed) throw new InputError(a.data as string, `was simulated with seed ${ts.manifest.seed}, the training set's seed: its maps are training maps; simulate a held-out set with another --seed`);
    if (JSON.stringify(ts.manifest.grid) !== JSON.stringify(s.manifest.grid)) throw new InputError(a.data as string, `has grid ${JSON.stringify(ts.manifest.grid)}, the model ${JSON.stringify(s.manifest.grid)}; simulate it with the model's --grid`);
    const r = await evaluateSurrogate(s, ts, {
      noise: list(a.noise as string, '--noise'),
      psf: list(a.psf as string, '--psf'),
      degradedMaps: a['degraded-maps'] as number,
      interpMaps: a['interp-maps'] as number,
      interpPoints: a['interp-points'] as number,
      seed: a.seed as number,
    });
    const out = a.out as string;
    const { histogram, ...metrics } = r;
    writeFileAtomic(join(out, 'metrics.json'), JSON.stringify({ model: a.model ?? 'shipped', data: a.data, dataSeed: ts.manifest.seed, ...metrics }, null, 1) + '\n');
    const h = r.endToEnd ?? r.mlpExactSersic;
    writeFileAtomic(join(out, 'figure3.png'), svgToPng(figure3Svg(histogram.point, histogram.mapMax, `${histogram.which}; ${r.maps} held-out maps; median ${(100 * h.medianAbs).toPrecision(2)}%, maps with max <= 1%: ${(100 * h.fracMapMaxLe1pc).toFixed(1)}%`)));
    const noiseRows = r.degraded.filter((d) => d.psfPx === 0).map((d) => ({ level: d.noiseDex, median: d.endToEnd.medianAbs, p99: d.endToEnd.mapMaxP99 }));
    if (noiseRows.length > 1) writeFileAtomic(join(out, 'degradation.png'), svgToPng(degradationSvg(noiseRows, 'pixel noise sigma (dex), end to end')));
    const pct = (x: number) => `${(100 * x).toPrecision(3)}%`;
    io.out(`evaluate: ${r.maps} maps, engine ${r.engine}, ${r.seconds.toFixed(1)} s`);
    io.out(`  MLP, exact Sersic: median ${pct(r.mlpExactSersic.medianAbs)}, p99 ${pct(r.mlpExactSersic.p99Abs)}, maps max <= 1%: ${pct(r.mlpExactSersic.fracMapMaxLe1pc)}, map max p99 ${pct(r.mlpExactSersic.mapMaxP99)}`);
    if (r.cnn) io.out(`  CNN: |dn/n| median ${r.cnn.nRelMedian.toExponential(2)} p99 ${r.cnn.nRelP99.toExponential(2)}; |dq| median ${r.cnn.qAbsMedian.toExponential(2)} p99 ${r.cnn.qAbsP99.toExponential(2)}`);
    if (r.endToEnd) io.out(`  end to end: median ${pct(r.endToEnd.medianAbs)}, p99 ${pct(r.endToEnd.p99Abs)}, maps max <= 1%: ${pct(r.endToEnd.fracMapMaxLe1pc)}, map max p99 ${pct(r.endToEnd.mapMaxP99)}`);
    for (const d of r.degraded) io.out(`  noise ${d.noiseDex} dex, PSF ${d.psfPx} px (${d.maps} maps): median ${pct(d.endToEnd.medianAbs)}, map max p99 ${pct(d.endToEnd.mapMaxP99)}`);
    if (r.interpolation) io.out(`  grid interpolation at ${r.interpolation.points} IFU-like points: median ${pct(r.interpolation.medianAbs)}, p99 ${pct(r.interpolation.p99Abs)}, max ${pct(r.interpolation.max)}`);
    io.out(`evaluate: -> ${out}`);
    return 0;
  },
});

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));

/** The bundled real MGEs: NGC 6278 and the published tables in fixtures/mge. */
function bundledRealMges(): string[] {
  const mge = join(FIXTURES, 'mge');
  return [join(FIXTURES, 'ngc6278', 'mge.ecsv'), ...readdirSync(mge).filter((f) => f.endsWith('.ecsv')).sort().map((f) => join(mge, f))];
}

async function evaluateMge(a: Record<string, unknown>, io: { out(s: string): void; err(s: string): void }, ts: TrainingSet): Promise<number> {
  const t0 = performance.now();
  const s = loadMflSurrogate((a.model as string | undefined) ?? SHIPPED_MGE_DIR);
  const trained = s.manifest.trainingSet as { fingerprint?: string };
  if (trained.fingerprint === ts.manifest.fingerprint) throw new InputError(a.data as string, 'is the training set of this model; simulate a held-out set with another --seed');
  if (JSON.stringify(ts.manifest.grid) !== JSON.stringify(s.manifest.grid)) throw new InputError(a.data as string, `has grid ${JSON.stringify(ts.manifest.grid)}, the model ${JSON.stringify(s.manifest.grid)}; simulate it with the model's --grid`);
  const draws = a.draws as number;
  if (!(Number.isInteger(draws) && draws >= 1)) throw new InputError('--draws', `is ${draws}; give an integer >= 1`);
  const realDraws = a['real-draws'] as number;
  if (!(Number.isInteger(realDraws) && realDraws >= 0)) throw new InputError('--real-draws', `is ${realDraws}; give an integer >= 0`);
  const seed = a.seed as number;
  const floor = a.floor as number;
  if (!(floor >= 0 && floor < 1)) throw new InputError('--floor', `is ${floor}; give a surface brightness in [0, 1) (units of I_e)`);
  const anchors = checkAnchors(a.anchors as number, '--anchors');
  const held = evaluateMflHeldOut(s, ts, { draws, seed, floor, anchors });
  const files = a.real ? String(a.real).split(',').map((f) => f.trim()).filter(Boolean) : bundledRealMges();
  const real = realDraws === 0 ? [] : files.map((f) => {
    const ph = readPhotometry(f);
    if (ph.kind !== 'mge') throw new InputError(f, 'is Sérsic photometry; give an MGE table (.ecsv / .csv)');
    const r = evaluateMflReal(s, ph.mge, { draws: realDraws, seed, name: f, floor, anchors });
    return { file: f, residual: r.residual, incMinDeg: r.incMinDeg, ...r.metrics, mapMaxP95: quantile(r.mapMax, 0.95) };
  });
  const out = a.out as string;
  const pct = (x: number) => `${(100 * x).toPrecision(3)}%`;
  const line = (m: { medianAbs: number; p99Abs: number; fracMapMaxLe1pc: number; mapMaxP90: number; mapMaxP99: number }) => `median ${pct(m.medianAbs)}, p99 ${pct(m.p99Abs)}, maps max <= 1%: ${pct(m.fracMapMaxLe1pc)}, map max p90 ${pct(m.mapMaxP90)}, p99 ${pct(m.mapMaxP99)}`;
  writeFileAtomic(join(out, 'metrics.json'), JSON.stringify({ model: a.model ?? 'shipped', data: a.data, dataSeed: ts.manifest.seed, floor: Math.max(floor, s.manifest.floor), draws, anchors, heldOut: { all: held.all.metrics, composite: held.composite.metrics, sersic: held.sersic.metrics }, real, seconds: (performance.now() - t0) / 1000 }, null, 1) + '\n');
  writeFileAtomic(join(out, 'figure3.png'), svgToPng(figure3Svg(held.all.point, held.all.mapMax, `multi-component surrogate end to end; ${held.all.maps} held-out maps; median ${(100 * held.all.metrics.medianAbs).toPrecision(2)}%, maps with max <= 1%: ${(100 * held.all.metrics.fracMapMaxLe1pc).toFixed(1)}%`)));
  io.out(`evaluate: ${ts.n} held-out galaxies x ${draws} beta_z draws, ${anchors} exact anchors (points with Sigma >= ${Math.max(floor, s.manifest.floor)} I_e), ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  io.out(`  all ${held.all.maps} maps: ${line(held.all.metrics)}`);
  io.out(`  multi-component ${held.composite.maps} maps: ${line(held.composite.metrics)}`);
  io.out(`  single Sersic ${held.sersic.maps} maps: ${line(held.sersic.metrics)}`);
  for (const r of real) io.out(`  ${r.file} (PCA residual ${r.residual.toPrecision(3)} dex, i >= ${r.incMinDeg.toFixed(1)} deg), ${r.maps} prior draws: ${line(r)}, map max p95 ${pct(r.mapMaxP95)}`);
  io.out(`evaluate: -> ${out}`);
  return 0;
}
