import { join } from 'node:path';
import { writeFileAtomic } from '../../core/atomic-write.ts';
import { InputError } from '../../core/errors.ts';
import { svgToPng } from '../plots/png.ts';
import { evaluateSurrogate } from '../surrogate/evaluate.ts';
import { degradationSvg, figure3Svg } from '../surrogate/figures.ts';
import { loadSurrogate } from '../surrogate/model-files.ts';
import { readTrainingSet } from '../surrogate/simulate/reader.ts';
import { defineCommand } from './command.ts';

const options = {
  data: { type: 'string', required: true, description: 'held-out set from `jamfit simulate` with a seed other than the training set' },
  out: { type: 'string', alias: 'o', required: true, description: 'output directory: metrics.json, figure3.png, degradation.png' },
  model: { type: 'string', description: 'surrogate directory (default: the shipped fixtures/surrogate)' },
  noise: { type: 'string', default: '0,0.01,0.02,0.05,0.1', description: 'pixel-noise levels of the degradation sweep, dex' },
  psf: { type: 'string', default: '0.5,1,2', description: 'PSF sigmas of the degradation sweep, pixels' },
  'degraded-maps': { type: 'number', default: 500, description: 'maps per degradation level' },
  'interp-maps': { type: 'number', default: 20, description: 'maps for the interpolation check at IFU-like points (0: skip)' },
  'interp-points': { type: 'number', default: 100, description: 'points per map for the interpolation check' },
  seed: { type: 'number', default: 1, description: 'seed of the noise and the interpolation points' },
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
    const s = loadSurrogate(...((a.model ? [a.model as string] : []) as [string?]));
    const ts = readTrainingSet(a.data as string);
    if (ts.manifest.galaxies) throw new InputError(a.data as string, 'is a multi-component (--family mge) set; the shipped surrogate is the Sérsic one: give a set simulated with --family sersic');
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
