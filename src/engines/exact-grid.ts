/**
 * The exact engines' node grid: exactly the grid jamVrms2 uses for the same bins and light
 * (src/jam/jam.ts), so the likelihood's binned model equals jamVrms2's to round-off: with a PSF
 * or pixel its integration grid (40 x 19 nodes from step/sqrt 2 to the bins' largest elliptical
 * radius plus the kernel reach); without them the 'polar' mode grid (20 x 10 from sqrt(1/2) of the
 * smallest non-zero bin radius to the largest), which excludes bins at the exact centre.
 */
import { InputError } from '../../core/errors.ts';
import { integrationPolarGrid, pointsMedianQ, pointsPolarGrid } from '../jam/jam.ts';
import { defaultStep } from '../operator/grid-to-bins.ts';
import { outsidePolarGrid, type PolarGrid } from '../operator/polar-grid.ts';
import type { EngineGalaxy } from './engine.ts';

export function exactGrid(g: EngineGalaxy): { grid: PolarGrid; excluded: number[] } {
  const { spec, light, psf, pixsize } = g;
  const qMed = pointsMedianQ(light, spec.x);
  if (psf !== null || pixsize > 0) return { grid: integrationPolarGrid(qMed, spec.x, spec.y, psf, pixsize, defaultStep(psf, pixsize), 40, 19), excluded: [] };
  const centre = spec.x.map((_, i) => i).filter((i) => spec.x[i] === 0 && spec.y[i] === 0);
  if (centre.length === spec.x.length) throw new InputError(spec.source, 'every bin lies at the centre; give bins off the centre');
  const grid = pointsPolarGrid(qMed, spec.x, spec.y, 20, 10);
  // Only centre bins lie inside the innermost ring of this grid (it starts at r_min / sqrt 2).
  return { grid, excluded: outsidePolarGrid(grid, spec.x, spec.y) };
}
