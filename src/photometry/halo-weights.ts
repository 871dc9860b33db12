/**
 * The halo's Gaussian weights as a smooth function of its parameters, tabulated once per galaxy.
 *
 * gnfwMge (halo.ts) fits a (g)NFW density with fixed Gaussians (gnfwMgeSigmas) by non-negative
 * least squares: ~0.5 ms a call, most of it the Householder QR of a (12 n x n) design matrix.
 * A fit's likelihood calls it at every step, which made a halo fit cost minutes. The weights are
 * continuous functions of (log10 r_s, gamma), so this module solves the NNLS problem once on a
 * grid over the prior's ranges (0.05 in log10 r_s and in gamma, two nodes of margin each side)
 * and interpolates each weight with 4-point Lagrange polynomials per axis (bicubic; cubic in
 * log10 r_s for NFW, gamma = 1). Negative interpolants (next to a weight that NNLS sets to 0)
 * are clipped to 0, so the halo density stays a sum of non-negative Gaussians.
 *
 * Accuracy (test/photometry/halo-weights.test.ts): the interpolated halo's density equals the
 * NNLS fit's to ~0.1% over the model's radii, against the fit's own error of ~2% against the
 * analytic profile there, which it therefore keeps. Both exact engines use the same interpolated
 * weights (likelihoods/grid-model.ts haloMassModel), so they model the same halo.
 * Cost: one NNLS per node (NFW: ~40 nodes, gNFW: ~40 x 40, 0.3-1 s once), then ~400
 * multiply-adds per call.
 */
import { gnfwMge, gnfwMgeSigmas, type HaloMgeOptions } from './halo.ts';

/** Node spacing in log10(r_s / R_e) and in gamma. */
export const HALO_WEIGHT_STEP = 0.05;

export interface HaloWeightTable {
  /** The fixed dispersions (gnfwMgeSigmas of the options), length unit of the options. */
  sigmas: Float64Array;
  /** Weights (gnfwMge's `surf`) at (log10Rs, gamma) on `sigmas`, or null outside the table. */
  weights(log10Rs: number, gamma: number, out: Float64Array): Float64Array | null;
}

const lagrange4 = (x: number, w: Float64Array) => {
  w[0] = (-x * (x - 1) * (x - 2)) / 6;
  w[1] = ((x + 1) * (x - 1) * (x - 2)) / 2;
  w[2] = (-(x + 1) * x * (x - 2)) / 2;
  w[3] = ((x + 1) * x * (x - 1)) / 6;
};

/**
 * @param o the halo MGE's radial range (as gnfwMge).
 * @param reUnit R_e in the options' length unit (r_s = 10^log10Rs R_e).
 * @param log10Rs the prior's range of log10(r_s / R_e).
 * @param gamma the prior's range of the inner slope, or null for NFW (gamma = 1).
 */
export function haloWeightTable(o: HaloMgeOptions, reUnit: number, log10Rs: readonly [number, number], gamma: readonly [number, number] | null): HaloWeightTable {
  const sigmas = gnfwMgeSigmas(o);
  const n = sigmas.length;
  const index = new Map<number, number>();
  sigmas.forEach((s, j) => index.set(s, j));
  const h = HALO_WEIGHT_STEP;
  const l0 = log10Rs[0] - 2 * h;
  const nl = Math.ceil((log10Rs[1] - log10Rs[0]) / h - 1e-9) + 5;
  const g0 = gamma ? Math.max(0, gamma[0] - 2 * h) : 1;
  const ng = gamma ? Math.ceil((Math.min(2, gamma[1] + 2 * h) - g0) / h - 1e-9) + 1 : 1;
  const nodes = new Float64Array(nl * ng * n);
  for (let a = 0; a < nl; a++) {
    for (let b = 0; b < ng; b++) {
      const fit = gnfwMge(reUnit * 10 ** (l0 + a * h), Math.min(2, g0 + b * h), o);
      const base = (a * ng + b) * n;
      fit.sigma.forEach((s, k) => (nodes[base + index.get(s)!] = fit.surf[k]));
    }
  }
  const wl = new Float64Array(4);
  const wg = new Float64Array(4);
  return {
    sigmas,
    weights(lrs, gm, out) {
      const pl = (lrs - l0) / h;
      if (!(pl >= 1 && pl <= nl - 2)) return null;
      const il = Math.min(Math.max(Math.floor(pl) - 1, 0), nl - 4);
      lagrange4(pl - il - 1, wl);
      out.fill(0);
      if (!gamma) {
        if (gm !== 1) return null;
        for (let a = 0; a < 4; a++) {
          const base = (il + a) * n;
          for (let k = 0; k < n; k++) out[k] += wl[a] * nodes[base + k];
        }
      } else {
        const pg = (gm - g0) / h;
        if (!(pg >= 0 && pg <= ng - 1) || ng < 4) return null;
        const ig = Math.min(Math.max(Math.floor(pg) - 1, 0), ng - 4);
        lagrange4(pg - ig - 1, wg);
        for (let a = 0; a < 4; a++) {
          for (let b = 0; b < 4; b++) {
            const c = wl[a] * wg[b];
            const base = ((il + a) * ng + ig + b) * n;
            for (let k = 0; k < n; k++) out[k] += c * nodes[base + k];
          }
        }
      }
      for (let k = 0; k < n; k++) if (out[k] < 0) out[k] = 0;
      return out;
    },
  };
}
