/**
 * Brute-force PSF + pixel convolution of the exact JAM model, independent of src/jam/psf.ts:
 * the surface-brightness-weighted mean of V^2 over the PSF-and-pixel footprint of each bin,
 *   <V^2>(b) = Int W_b Sigma V^2 dA / Int W_b Sigma dA,
 * integrated in log-polar coordinates around the galaxy centre (so the nucleus is resolved down
 * to 1e-3 arcsec) with Gauss-Legendre in ln r and the trapezoid rule in angle (spectrally accurate
 * for a periodic integrand). W_b is the PSF averaged over the square pixel by sub-sampling it
 * (not by the erf formula the library uses). Sigma V^2 comes from the direct eq. 28 evaluation.
 */
import { vrms2Direct } from '../../src/jam/direct.ts';
import { mgeSurfaceDensity } from '../../src/photometry/mge.ts';
import type { PreparedModel } from '../../src/jam/model.ts';
import { gaussLegendre } from '../../src/math/quadrature.ts';

export interface BruteOptions {
  psfSigma: number[];
  psfWeight: number[];
  pixsize: number;
  pixang?: number;
  rMin?: number;
  rMax: number;
  nRad?: number;
  nAng?: number;
  subpix?: number;
}

export function bruteForcePsf(model: PreparedModel, bx: number[], by: number[], o: BruteOptions): Float64Array {
  const nRad = o.nRad ?? 240;
  const nAng = o.nAng ?? 256; // full circle, multiple of 4
  const rMin = o.rMin ?? 1e-3;
  const { x: gx, w: gw } = gaussLegendre(nRad);
  const a = Math.log(rMin);
  const b = Math.log(o.rMax);
  // Nodes of one quadrant; the model is symmetric under x -> -x and y -> -y.
  const qa = nAng / 4;
  const px: number[] = [];
  const py: number[] = [];
  const area: number[] = [];
  for (let i = 0; i < nRad; i++) {
    const lr = 0.5 * (b - a) * gx[i] + 0.5 * (a + b);
    const r = Math.exp(lr);
    const wr = 0.5 * (b - a) * gw[i] * r * r; // dA = r dr dphi = r^2 dlnr dphi
    for (let j = 0; j < qa; j++) {
      const phi = ((j + 0.5) * 2 * Math.PI) / nAng;
      px.push(r * Math.cos(phi));
      py.push(r * Math.sin(phi));
      area.push((wr * 2 * Math.PI) / nAng);
    }
  }
  const v2 = vrms2Direct(model, px, py);
  const sb = mgeSurfaceDensity(model.lum, px, py);
  const ns = o.subpix ?? 6;
  const c = Math.cos(((o.pixang ?? 0) * Math.PI) / 180);
  const s = Math.sin(((o.pixang ?? 0) * Math.PI) / 180);
  const out = new Float64Array(bx.length);
  for (let ib = 0; ib < bx.length; ib++) {
    let num = 0;
    let den = 0;
    for (let n = 0; n < px.length; n++) {
      for (const [sx, sy] of [[1, 1], [-1, 1], [-1, -1], [1, -1]]) {
        const dx = sx * px[n] - bx[ib];
        const dy = sy * py[n] - by[ib];
        let w = 0;
        for (let u = 0; u < ns; u++) {
          for (let v = 0; v < ns; v++) {
            // Sub-pixel offset in the pixel frame, rotated onto the galaxy frame.
            const ou = ((u + 0.5) / ns - 0.5) * o.pixsize;
            const ov = ((v + 0.5) / ns - 0.5) * o.pixsize;
            const ex = dx - (ou * c - ov * s);
            const ey = dy - (ou * s + ov * c);
            const rr = ex * ex + ey * ey;
            for (let p = 0; p < o.psfSigma.length; p++) {
              const sg = o.psfSigma[p];
              w += (o.psfWeight[p] * Math.exp(-rr / (2 * sg * sg))) / (sg * sg);
            }
          }
        }
        num += w * area[n] * sb[n] * v2[n];
        den += w * area[n] * sb[n];
      }
    }
    out[ib] = num / den;
  }
  return out;
}
