/**
 * Tabulated against direct exact JAM, V_rms^2 per bin at 1,000 prior draws each (issue: max
 * relative error <= 1e-5), with PSF and pixels: NGC 6278 (mass follows light; a sampled black
 * hole; two anisotropy groups; NFW; gNFW) and 10 random multi-component MGE galaxies (6-20
 * Gaussians, q' down to 0.2, each with one of: nothing, a black hole, two groups, NFW, gNFW).
 * The spherically aligned table (inclination x beta; mass follows light, with a black hole, with
 * two groups) on NGC 6278 and two random galaxies, against its own bar of 1e-4 (SPH_TABLE_TOL:
 * the direct sph model's accuracy).
 * Run by name only (`npm run bench -- tabulated-accuracy`: tens of minutes of direct JAM);
 * `--tabulated-draws N` changes the 1,000; `--tabulated-sph-only` runs the sph rows alone. test/engines/tabulated.test.ts runs the same
 * comparison with fewer draws in the test suite.
 */
import type { FitSpec } from '../src/fit/fit-problem.ts';
import { ngc6278Spec, randomGalaxySpec, tabulatedVsDirect } from '../test/engines/tabulated-helpers.ts';
import type { BenchRow } from './table.ts';

export async function run(): Promise<BenchRow[]> {
  const k = process.argv.indexOf('--tabulated-draws');
  const draws = k >= 0 ? Number(process.argv[k + 1]) : 1000;
  const variants: [string, Partial<FitSpec>][] = [['', {}], [' + black hole', { mbhRange: [7, 9.5] }], [', two groups', { betaGroups: [3] }], [' + NFW', { halo: 'nfw' }], [' + gNFW', { halo: 'gnfw' }]];
  const cases: [string, FitSpec][] = variants.map(([n, o]) => [`NGC 6278${n}`, ngc6278Spec(o)]);
  const sph: [string, FitSpec][] = [
    ['NGC 6278 sph', ngc6278Spec({ align: 'sph' })],
    ['NGC 6278 sph + black hole', ngc6278Spec({ align: 'sph', mbhRange: [7, 9.5] })],
    ['NGC 6278 sph, two groups', ngc6278Spec({ align: 'sph', betaGroups: [3] })],
    ["random sph: 10 Gaussians, q' >= 0.40", randomGalaxySpec(200, 10, 0.4, { align: 'sph' })],
    ["random sph: 16 Gaussians, q' >= 0.30, two groups", randomGalaxySpec(201, 16, 0.3, { align: 'sph', betaGroups: [2.5] })],
  ];
  for (let g = 0; g < 10; g++) {
    const n = 6 + Math.round((14 * g) / 9);
    const q = 0.2 + 0.04 * g;
    const [vn, vo] = variants[g % variants.length];
    const groups = vo.betaGroups ? { betaGroups: [2.5] } : {};
    cases.push([`random ${g}: ${n} Gaussians, q' >= ${q.toFixed(2)}${vn}`, randomGalaxySpec(100 + g, n, q, { ...vo, ...groups })]);
  }
  const rows: BenchRow[] = [];
  const only = process.argv.includes('--tabulated-sph-only');
  for (const [name, spec, bar] of [...(only ? [] : cases.map(([n, s]) => [n, s, 1e-5] as const)), ...sph.map(([n, s]) => [n, s, 1e-4] as const)]) {
    const r = tabulatedVsDirect(spec, draws, 7);
    process.stderr.write(`tabulated-accuracy: ${name}: ${r.worst.toExponential(2)} (${r.nodes} nodes, bound ${r.maxError.toExponential(1)}, build ${r.buildSeconds.toFixed(1)} s)\n`);
    rows.push({ name: `tabulated vs direct V_rms^2, ${draws} draws: ${name}`, value: r.worst, unit: 'max rel', target: `<= ${bar}`, pass: r.worst <= bar });
  }
  return rows;
}
