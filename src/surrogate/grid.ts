/**
 * The surrogate's output grid: V_rms on nRad radii log-spaced in [rMin, rMax] (units of R_e) times
 * nTheta polar angles uniform in [0, 90] deg from the major axis, point order iRad * nTheta + iTheta
 * (x = r cos theta, y = r sin theta). The default is 40 x 24 over 0.02..4 R_e (960 points,
 * DEFAULT_GRID); REFERENCE_POLAR_GRID is the reference set's 20 x 10 over 0.1..3 R_e (200 points,
 * as in Simon et al.), too coarse for the surrogate's target (p99 0.45% vs 0.11%). The model's symmetry under x -> -x and
 * y -> -y maps every sky point into this quadrant.
 *
 * It is the JAM polar grid (src/operator/polar-grid.ts) with axial ratio 1, where the eccentric anomaly
 * is the polar angle, so it shares that grid's bilinear interpolation in (ln r, theta): points
 * inside rMin or beyond rMax take the nearest ring (check coverage with `outsideGrid`). With a
 * PSF or pixel, the binned V_rms^2 comes from the grid -> bins operator
 * (src/operator/grid-to-bins.ts) built on this grid.
 */
import { applyWeights, makePolarGrid, outsidePolarGrid, polarWeights, type InterpWeights, type PolarGrid } from '../operator/polar-grid.ts';

export { applyWeights, type InterpWeights };

export interface ThetaLogRGrid extends PolarGrid {
  nRad: number;
  nTheta: number;
  rMin: number;
  rMax: number;
}

/**
 * The surrogate's grid (training set, network output, likelihood): 40 radii over 0.02..4 R_e x 24
 * angles, 960 points, chosen by measured interpolation error (bench/grid-choice.ts; figures at
 * TRAINING_GRID in src/surrogate/simulate/config.ts, which is this grid).
 */
export const DEFAULT_GRID = { nRad: 40, nTheta: 24, rMin: 0.02, rMax: 4 } as const;

/** The reference set's (and jampy's default) polar grid, 20 x 10 over 0.1..3 R_e: 200 points. */
export const REFERENCE_POLAR_GRID = { nRad: 20, nTheta: 10, rMin: 0.1, rMax: 3 } as const;

export function thetaLogRGrid(spec: { nRad: number; nTheta: number; rMin: number; rMax: number } = DEFAULT_GRID): ThetaLogRGrid {
  const { nRad, nTheta, rMin, rMax } = spec;
  if (!(Number.isInteger(nRad) && nRad >= 2 && Number.isInteger(nTheta) && nTheta >= 2 && rMin > 0 && rMax > rMin)) {
    throw new RangeError(`thetaLogRGrid: need integers nRad, nTheta >= 2 and 0 < rMin < rMax; got ${JSON.stringify(spec)}`);
  }
  return { ...makePolarGrid(rMin, rMax, nRad, nTheta, 1), nRad, nTheta, rMin, rMax };
}

/**
 * Sparse bilinear weights from the grid to sky points (units of R_e, any quadrant), computed once
 * per galaxy: the likelihood applies them to every model with `applyWeights`.
 */
export function interpWeights(grid: ThetaLogRGrid, x: ArrayLike<number>, y: ArrayLike<number>): InterpWeights {
  return polarWeights(grid, x, y);
}

/** Index of the first point outside [rMin, rMax] (R_e, 1e-12 relative slack), or -1 when all are covered. */
export function outsideGrid(grid: ThetaLogRGrid, x: ArrayLike<number>, y: ArrayLike<number>): number {
  return outsidePolarGrid(grid, x, y)[0] ?? -1;
}
