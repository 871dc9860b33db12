/**
 * A small mock galaxy for the fit tests: a 3-Gaussian MGE (q' 0.85..0.7), bins on a polar
 * pattern out to ~1.5 R_e (no bin at the centre unless asked), V_rms from the exact JAM (direct
 * eq. 28 at each bin, i.e. NOT the likelihood's grid path) with seeded Gaussian noise.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jamVrms } from '../../src/jam/jam.ts';
import { Rng } from '../../samplers/rng.ts';

export const MOCK_LIGHT = { surf: [3000, 800, 120], sigma: [0.8, 3, 9], qobs: [0.85, 0.75, 0.7] };
export const MOCK_DISTANCE = 20;

export interface MockTruth {
  beta_z: number;
  q_m: number;
  inc_deg: number;
  ml: number;
}

export const MOCK_TRUTH: MockTruth = { beta_z: 0.1, q_m: 0.7, inc_deg: 70, ml: 3 };

/** Bin centres: nr radii x na angles in the first half-plane (arcsec), plus the centre when asked. */
export function mockBins(nr = 6, na = 7, rMax = 12, centre = false): { x: number[]; y: number[] } {
  const x: number[] = [];
  const y: number[] = [];
  if (centre) {
    x.push(0);
    y.push(0);
  }
  for (let i = 0; i < nr; i++) {
    const r = 0.8 * Math.pow(rMax / 0.8, i / (nr - 1));
    for (let j = 0; j < na; j++) {
      const t = (Math.PI * (j + 0.5 * (i % 2))) / na;
      x.push(r * Math.cos(t));
      y.push(r * Math.sin(t) * 0.8);
    }
  }
  return { x, y };
}

/** Exact (direct) V_rms of the qm mock at the bins, km/s. */
export function mockVrms(t: MockTruth, x: number[], y: number[]): Float64Array {
  const mgePot = { surf: MOCK_LIGHT.surf, sigma: MOCK_LIGHT.sigma, qobs: MOCK_LIGHT.qobs.map(() => t.q_m) };
  return jamVrms({ mgeLum: MOCK_LIGHT, mgePot, incDeg: t.inc_deg, beta: t.beta_z, distanceMpc: MOCK_DISTANCE, ml: t.ml }, x, y);
}

/**
 * Writes kinematics.csv (x,y,vrms,vrms_err with `noise` relative errors, seeded) and mge.csv into
 * dir; returns their paths and the noise-free V_rms.
 */
export function writeMock(dir: string, opts: { noise?: number; seed?: number; truth?: MockTruth; centre?: boolean } = {}) {
  mkdirSync(dir, { recursive: true });
  const truth = opts.truth ?? MOCK_TRUTH;
  const noise = opts.noise ?? 0.03;
  const { x, y } = mockBins(6, 7, 12, opts.centre ?? false);
  const v = mockVrms(truth, x, y);
  const rng = new Rng(opts.seed ?? 3);
  const lines = ['x,y,vrms,vrms_err'];
  for (let i = 0; i < x.length; i++) {
    const e = noise * v[i];
    lines.push(`${x[i]},${y[i]},${v[i] + (noise > 0 ? e * rng.normal() : 0)},${e > 0 ? e : 1}`);
  }
  const kin = join(dir, 'kinematics.csv');
  writeFileSync(kin, lines.join('\n') + '\n');
  const mge = join(dir, 'mge.csv');
  writeFileSync(mge, ['surf,sigma,q', ...MOCK_LIGHT.surf.map((s, k) => `${s},${MOCK_LIGHT.sigma[k]},${MOCK_LIGHT.qobs[k]}`)].join('\n') + '\n');
  return { kin, mge, x, y, vrms: v };
}
