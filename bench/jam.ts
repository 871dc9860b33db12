/**
 * JAM forward-model benchmarks: ms per 200-point model (15 x 15 Gaussians, the reference cases'
 * polar grids) and its ratio to the reference Python code's 0.87 s — a recorded constant, not
 * measured in this run (jampy 8.1.4 cannot run here; the figure is the maintainers' recorded "jampy's 0.87 s
 * per 200-point model (single core)") — with the accuracy against the jampy numbers (the stored
 * reference cases) measured in the same run; and the cost of a PSF-convolved model.
 */
import { jamVrms } from '../src/jam/jam.ts';
import { prepareModel } from '../src/jam/model.ts';
import { loadReferenceCases } from '../test/helpers/reference-cases.ts';
import { timeMs, type BenchRow } from './table.ts';

const JAMPY_MS = 870; // jampy 8.1.4, one 200-point model, 15-Gaussian MGE, one core (a recorded constant)
const JAMPY_SOURCE = "recorded: jampy 8.1.4, 0.87 s/model, 1 core, a recorded constant (jampy can't run here)";

export async function run(): Promise<BenchRow[]> {
  // The jampy reference cases (test/fixtures/README.md says where they come from).
  const cases = loadReferenceCases().map((c) => ({ params: c.params, x: c.polar.x, y: c.polar.y, vrms: c.polar.vrms, bx: c.bins.x, by: c.bins.y }));
  const rows: BenchRow[] = [];
  for (const nodes of [48, 32]) {
    let worst = 0;
    for (const c of cases) {
      const v = jamVrms(c.params, c.x, c.y, { nodes });
      for (let i = 0; i < v.length; i++) worst = Math.max(worst, Math.abs(v[i] / c.vrms[i] - 1));
    }
    // Whole model from parameters: validation, deprojection, kernel set-up and 200 points.
    const ms = await timeMs(() => {
      for (const c of cases) jamVrms(c.params, c.x, c.y, { nodes });
    }, 9, 3) / cases.length;
    rows.push({
      name: `JAM 200-pt model, 15x15 Gauss, ${nodes} nodes (max err vs jampy ${worst.toExponential(1)})`,
      value: ms,
      unit: 'ms',
      reference: JAMPY_MS,
      referenceName: 'jampy 8.1.4',
      referenceSource: JAMPY_SOURCE,
      ratio: JAMPY_MS / ms,
      target: '>= 50x, err <= 1e-4',
      pass: JAMPY_MS / ms >= 50 && worst <= 1e-4,
    });
  }
  const m = prepareModel(cases[0].params);
  const psfMs = await timeMs(() => jamVrms(m, cases[0].bx, cases[0].by, { psf: { sigma: [1], weight: [1] }, pixsize: 0.5 }), 5, 1);
  rows.push({ name: 'JAM with 1" PSF + 0.5" pixels, 100 bins', value: psfMs, unit: 'ms' });
  return rows;
}
