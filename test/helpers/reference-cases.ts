/**
 * The jampy reference cases (test/fixtures/jampy/jam_reference_cases.json, copied from the
 * project's shared reference set; see test/fixtures/README.md) as JamParams.
 */
import { readFileSync } from 'node:fs';
import type { JamParams } from '../../src/jam/model.ts';

export interface RefCase {
  name: string;
  params: JamParams;
  polar: { x: number[]; y: number[]; vrms: number[] };
  bins: { x: number[]; y: number[]; vrms: number[] };
  sersic: { n: number; R_e_arcsec: number; qL: number; qM: number; beta_z: number; inc_deg: number };
}

export function loadReferenceCases(): RefCase[] {
  const url = new URL('../fixtures/jampy/jam_reference_cases.json', import.meta.url);
  const ref = JSON.parse(readFileSync(url, 'utf8'));
  return ref.cases.map((c: any) => ({
    name: c.name,
    params: {
      mgeLum: { surf: c.mge.surf_lum, sigma: c.mge.sigma_lum, qobs: c.mge.qobs_lum },
      mgePot: { surf: c.mge.surf_pot, sigma: c.mge.sigma_pot, qobs: c.mge.qobs_pot },
      incDeg: c.params.inc_deg,
      beta: c.params.beta_z,
      distanceMpc: ref.meta.distance_Mpc,
    },
    polar: { x: c.polar.x, y: c.polar.y, vrms: c.polar.vrms_direct },
    bins: { x: c.bins.x, y: c.bins.y, vrms: c.bins.vrms },
    sersic: c.params,
  }));
}

export function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let w = 0;
  for (let i = 0; i < a.length; i++) w = Math.max(w, Math.abs(a[i] / b[i] - 1));
  return w;
}
