/**
 * JAM forward-model benchmarks: ms per 200-point model (15 x 15 Gaussians, the reference cases'
 * polar grids) and its ratio to the reference Python code's 0.87 s, with the accuracy against the
 * jampy numbers measured in the same run; and the cost of a PSF-convolved model.
 */
import { readFileSync } from 'node:fs';
import { jamVrms } from '../src/jam/jam.ts';
import { prepareModel } from '../src/jam/model.ts';
import { timeMs, type BenchRow } from './table.ts';

const JAMPY_MS = 870; // jampy 8.1.4, one 200-point model, 15-Gaussian MGE, one core (issue #3)

export async function run(): Promise<BenchRow[]> {
  const ref = JSON.parse(readFileSync(new URL('../test/fixtures/jampy/jam_reference_cases.json', import.meta.url), 'utf8'));
  const cases = ref.cases.map((c: any) => ({
    params: {
      mgeLum: { surf: c.mge.surf_lum, sigma: c.mge.sigma_lum, qobs: c.mge.qobs_lum },
      mgePot: { surf: c.mge.surf_pot, sigma: c.mge.sigma_pot, qobs: c.mge.qobs_pot },
      incDeg: c.params.inc_deg,
      beta: c.params.beta_z,
      distanceMpc: ref.meta.distance_Mpc,
    },
    x: c.polar.x as number[],
    y: c.polar.y as number[],
    vrms: c.polar.vrms_direct as number[],
    bx: c.bins.x as number[],
    by: c.bins.y as number[],
  }));
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
