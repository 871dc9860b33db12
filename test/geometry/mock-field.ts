/**
 * Mock velocity fields for the geometry estimators: a thin rotating disc seen at inclination i
 * (V = V_c(R) sin i x'/R, V_c = V_max (2/π) atan(R/R_t), R the radius in the disc plane), a
 * dispersion falling with the elliptical radius m = sqrt(x'^2 + (y'/q)^2), and a flux
 * exp(-m/3), all in the galaxy frame (x' on the major axis) of a galaxy at centre (cx, cy) and
 * position angle PA in the input coordinates (orientation.ts). Noise is Gaussian with the given
 * errors, seeded. Not a Jeans model: the estimators only need the symmetries (V odd in x' and
 * even in y'; V_rms, sigma and flux point-symmetric), which this has exactly.
 */
import { vrmsFromMoments } from '../../src/data/kinematics-build.ts';
import { toGalaxyFrame } from '../../src/data/orientation.ts';
import { Rng } from '../../samplers/rng.ts';

export interface MockGeometry {
  paDeg: number;
  cx: number;
  cy: number;
}

export interface MockField {
  x: Float64Array;
  y: Float64Array;
  v: Float64Array;
  vErr: Float64Array;
  sigma: Float64Array;
  sigmaErr: Float64Array;
  vrms: Float64Array;
  vrmsErr: Float64Array;
  flux: Float64Array;
  /** Noise-free V and V_rms. */
  vTrue: Float64Array;
  vrmsTrue: Float64Array;
}

/** 1" spaxels on the integer grid within radius rMax of (0, 0) (the field does not move with the galaxy). */
export function gridBins(rMax = 10, pix = 1): { x: Float64Array; y: Float64Array } {
  const x: number[] = [];
  const y: number[] = [];
  const m = Math.floor(rMax / pix);
  for (let j = -m; j <= m; j++) for (let i = -m; i <= m; i++) if (Math.hypot(i * pix, j * pix) <= rMax) x.push(i * pix), y.push(j * pix);
  return { x: Float64Array.from(x), y: Float64Array.from(y) };
}

/** The noise-free disc at the given bins (input coordinates, arcsec); velocities km/s. */
export function discModel(x: ArrayLike<number>, y: ArrayLike<number>, g: MockGeometry, o: { vmax?: number; incDeg?: number; q?: number } = {}) {
  const vmax = o.vmax ?? 150;
  const inc = ((o.incDeg ?? 60) * Math.PI) / 180;
  const q = o.q ?? 0.7;
  const { x: xp, y: yp } = toGalaxyFrame(x, y, { paDeg: g.paDeg, x0: g.cx, y0: g.cy });
  const n = x.length;
  const v = new Float64Array(n);
  const sigma = new Float64Array(n);
  const flux = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const R = Math.hypot(xp[i], yp[i] / Math.cos(inc));
    v[i] = R > 0 ? vmax * (2 / Math.PI) * Math.atan(R / 2) * Math.sin(inc) * (xp[i] / R) : 0;
    const m = Math.hypot(xp[i], yp[i] / q);
    sigma[i] = 80 + 140 * Math.exp(-m / 4);
    flux[i] = Math.exp(-m / 3);
  }
  return { v, sigma, flux };
}

/** A noisy mock: errors err (km/s) on V and sigma, independent Gaussian noise, seeded. */
export function mockField(bins: { x: Float64Array; y: Float64Array }, g: MockGeometry, seed: number, err = 5): MockField {
  const { v: vTrue, sigma: sTrue, flux } = discModel(bins.x, bins.y, g);
  const n = bins.x.length;
  const rng = new Rng(`geometry-mock:${seed}`);
  const vErr = new Float64Array(n).fill(err);
  const sigmaErr = new Float64Array(n).fill(err);
  const v = Float64Array.from(vTrue, (t) => t + err * rng.normal());
  const sigma = Float64Array.from(sTrue, (t) => t + err * rng.normal());
  const { vrms, vrmsErr } = vrmsFromMoments(v, vErr, sigma, sigmaErr);
  const vrmsTrue = Float64Array.from(vTrue, (t, i) => Math.hypot(t, sTrue[i]));
  return { x: bins.x, y: bins.y, v, vErr, sigma, sigmaErr, vrms, vrmsErr, flux, vTrue, vrmsTrue };
}
