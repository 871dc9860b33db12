/**
 * Brute-force PSF + pixel convolution of any model's V^2 (the same independent scheme as
 * test/helpers/brute-psf.ts, which is tied to the cylindrical model): the surface-brightness-weighted
 * mean of V^2 over the PSF-and-pixel footprint of each bin,
 *   <V^2>(b) = Int W_b Sigma V^2 dA / Int W_b Sigma dA,   W_b(X) = Int_pixel PSF(X - b - u) du,
 * in log-polar coordinates around the centre (composite Gauss-Legendre in ln r, the trapezoid rule in
 * angle, Gauss-Legendre over the pixel in its own frame, rotated by pixang counter-clockwise from the
 * galaxy's x axis). `v2` gives V^2 at points of the first quadrant (the model is symmetric under
 * x -> -x and y -> -y, so the other quadrants reuse them; with `odd` the field is odd in x, as a
 * mean velocity, and the quadrants x < 0 change its sign). No convolution grid, no interpolation.
 */
import { mgeSurfaceDensity } from '../../src/photometry/mge.ts';
import type { PreparedModel } from '../../src/jam/model.ts';
import { gaussLegendre } from '../../src/math/quadrature.ts';

export interface BruteFnOptions {
  psfSigma: number[];
  psfWeight: number[];
  pixsize: number;
  pixang?: number;
  rMin?: number;
  rMax: number;
  radPanels?: number;
  nAng?: number;
  subpix?: number;
  /** The field is odd in x (a mean velocity): the quadrants x < 0 take -v2(|x|, |y|). */
  odd?: boolean;
}

export function bruteForcePsfFn(
  model: PreparedModel,
  v2: (x: number[], y: number[]) => ArrayLike<number>,
  bx: number[],
  by: number[],
  o: BruteFnOptions,
): Float64Array {
  const { x: g8, w: w8 } = gaussLegendre(8);
  const panels = o.radPanels ?? 40;
  const nAng = o.nAng ?? 256;
  const a = Math.log(o.rMin ?? 1e-3);
  const h = (Math.log(o.rMax) - a) / panels;
  const x: number[] = [];
  const y: number[] = [];
  const area: number[] = [];
  for (let k = 0; k < panels; k++) {
    for (let i = 0; i < 8; i++) {
      const r = Math.exp(a + h * (k + 0.5 + 0.5 * g8[i]));
      const wr = 0.5 * h * w8[i] * r * r;
      for (let j = 0; j < nAng / 4; j++) {
        const phi = ((j + 0.5) * 2 * Math.PI) / nAng;
        x.push(r * Math.cos(phi));
        y.push(r * Math.sin(phi));
        area.push((wr * 2 * Math.PI) / nAng);
      }
    }
  }
  const sb = mgeSurfaceDensity(model.lum, x, y);
  const vv = v2(x, y);
  const ns = o.subpix ?? 12;
  const { x: gx, w: gw } = gaussLegendre(ns);
  const d = o.pixsize / 2;
  const c = Math.cos(((o.pixang ?? 0) * Math.PI) / 180);
  const s = Math.sin(((o.pixang ?? 0) * Math.PI) / 180);
  const cut = d * Math.SQRT2 + 9 * Math.max(...o.psfSigma);
  const out = new Float64Array(bx.length);
  for (let ib = 0; ib < bx.length; ib++) {
    let num = 0;
    let den = 0;
    for (let n = 0; n < x.length; n++) {
      for (const [sx, sy] of [[1, 1], [-1, 1], [-1, -1], [1, -1]]) {
        const dx = sx * x[n] - bx[ib];
        const dy = sy * y[n] - by[ib];
        if (dx * dx + dy * dy > cut * cut) continue;
        const du = dx * c + dy * s;
        const dv = -dx * s + dy * c;
        let w = 0;
        for (let p = 0; p < o.psfSigma.length; p++) {
          const k = 1 / (2 * o.psfSigma[p] ** 2);
          let fu = 0;
          let fv = 0;
          if (d === 0) {
            fu = Math.exp(-du * du * k);
            fv = Math.exp(-dv * dv * k);
          } else {
            for (let t = 0; t < ns; t++) {
              fu += gw[t] * Math.exp(-((du - d * gx[t]) ** 2) * k);
              fv += gw[t] * Math.exp(-((dv - d * gx[t]) ** 2) * k);
            }
          }
          w += (o.psfWeight[p] * fu * fv) / o.psfSigma[p] ** 2;
        }
        const wa = w * area[n] * sb[n];
        num += wa * (o.odd && sx < 0 ? -vv[n] : vv[n]);
        den += wa;
      }
    }
    out[ib] = num / den;
  }
  return out;
}
