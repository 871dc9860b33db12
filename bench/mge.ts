/**
 * `npm run bench -- mge`: wall time of one 15-Gaussian MGE fit of a Sérsic profile (300 log-spaced
 * radii over 0.01..10 Re, the surrogate's training-set setting). The reference mgefit time is not
 * measured here (no Python in the benchmark), so there is no ratio.
 */
import { sersicToMge } from '../src/photometry/sersic-mge.ts';
import { timeMs, type BenchRow } from './table.ts';

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const ns = [1, 2, 3, 4, 5, 6];
  let sum = 0;
  for (const n of ns) {
    const fit = () => sersicToMge({ n, Re: 10, Ie: 1000, qobs: 0.8 });
    const t = await timeMs(fit, 9, 2);
    sum += t;
    const m = fit();
    rows.push({
      name: `Sérsic MGE fit n=${n} (15 Gauss, 300 radii; max rel err ${(100 * m.maxRelErr).toFixed(3)}%)`,
      value: t,
      unit: 'ms',
      target: '< 50 ms',
      pass: t < 50,
    });
  }
  rows.push({ name: 'Sérsic MGE fit, mean over n = 1..6', value: sum / ns.length, unit: 'ms', target: '< 50 ms', pass: sum / ns.length < 50 });
  return rows;
}
