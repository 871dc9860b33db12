/**
 * Brute-force PSF + pixel convolution of the exact JAM model, independent of src/operator/ (no
 * convolution grid, no interpolation, no erf): the surface-brightness-weighted mean of V^2 over
 * the PSF-and-pixel footprint of each bin,
 *   <V^2>(b) = Int W_b Sigma V^2 dA / Int W_b Sigma dA,
 *   W_b(X) = Int_pixel PSF(X - b - u) du,
 * integrated in log-polar coordinates around the galaxy centre (so the nucleus is resolved down
 * to rMin = 1e-3 arcsec): composite Gauss-Legendre in ln r (panels of 8 nodes), the trapezoid rule
 * in angle (spectrally accurate for a periodic integrand). The pixel integral is Gauss-Legendre in
 * the pixel frame; a round Gaussian factorises there, so it costs 2 x subpix exponentials, not
 * subpix^2. Sigma V^2 comes from the direct eq. 28 evaluation.
 *
 * bruteForcePixel: the pixel alone (no PSF), <V^2> = Int_pixel Sigma V^2 / Int_pixel Sigma by
 * composite Gauss-Legendre over the rotated pixel.
 *
 * Pixel orientation (the library's convention, written here independently): the pixel's axes are
 * rotated by pixang counter-clockwise from the galaxy's x axis, so a pixel-frame offset (u, v)
 * lies at (u c - v s, u s + v c) in the galaxy frame.
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
  /** Panels of 8 Gauss-Legendre nodes in ln r (default 40). */
  radPanels?: number;
  /** Trapezoid nodes over the full circle, a multiple of 4 (default 256). */
  nAng?: number;
  /** Gauss-Legendre nodes per pixel axis (default 12). */
  subpix?: number;
}

/** Quadrature nodes of one quadrant with their area weights, and Sigma and V^2 there. */
interface Nodes {
  x: number[];
  y: number[];
  area: number[];
  sb: Float64Array;
  v2: Float64Array;
}

const cache = new WeakMap<PreparedModel, Map<string, Nodes>>();

function nodesFor(model: PreparedModel, rMin: number, rMax: number, panels: number, nAng: number): Nodes {
  const key = `${rMin} ${rMax} ${panels} ${nAng}`;
  let byKey = cache.get(model);
  if (!byKey) cache.set(model, (byKey = new Map()));
  const hit = byKey.get(key);
  if (hit) return hit;
  const { x: gx, w: gw } = gaussLegendre(8);
  const a = Math.log(rMin);
  const h = (Math.log(rMax) - a) / panels;
  const qa = nAng / 4;
  const x: number[] = [];
  const y: number[] = [];
  const area: number[] = [];
  for (let k = 0; k < panels; k++) {
    for (let i = 0; i < 8; i++) {
      const r = Math.exp(a + h * (k + 0.5 + 0.5 * gx[i]));
      const wr = 0.5 * h * gw[i] * r * r; // dA = r dr dphi = r^2 dlnr dphi
      for (let j = 0; j < qa; j++) {
        const phi = ((j + 0.5) * 2 * Math.PI) / nAng;
        x.push(r * Math.cos(phi));
        y.push(r * Math.sin(phi));
        area.push((wr * 2 * Math.PI) / nAng);
      }
    }
  }
  const n: Nodes = { x, y, area, sb: mgeSurfaceDensity(model.lum, x, y), v2: vrms2Direct(model, x, y) };
  byKey.set(key, n);
  return n;
}

export function bruteForcePsf(model: PreparedModel, bx: number[], by: number[], o: BruteOptions): Float64Array {
  const nodes = nodesFor(model, o.rMin ?? 1e-3, o.rMax, o.radPanels ?? 40, o.nAng ?? 256);
  const ns = o.subpix ?? 12;
  const { x: gx, w: gw } = gaussLegendre(ns);
  const d = o.pixsize / 2;
  const c = Math.cos(((o.pixang ?? 0) * Math.PI) / 180);
  const s = Math.sin(((o.pixang ?? 0) * Math.PI) / 180);
  // Beyond the pixel's half-diagonal plus 9 sigma the PSF is below e^-40 of its peak.
  const cut = d * Math.SQRT2 + 9 * Math.max(...o.psfSigma);
  const out = new Float64Array(bx.length);
  for (let ib = 0; ib < bx.length; ib++) {
    let num = 0;
    let den = 0;
    for (let n = 0; n < nodes.x.length; n++) {
      for (const [sx, sy] of [[1, 1], [-1, 1], [-1, -1], [1, -1]]) {
        const dx = sx * nodes.x[n] - bx[ib];
        const dy = sy * nodes.y[n] - by[ib];
        if (dx * dx + dy * dy > cut * cut) continue;
        // The offset in the pixel frame (inverse rotation of the galaxy-frame offset).
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
          // Each Gaussian normalised to unit integral (1 / 2 pi sigma^2; the 2 pi cancels in the ratio).
          w += (o.psfWeight[p] * fu * fv) / o.psfSigma[p] ** 2;
        }
        const wa = w * nodes.area[n] * nodes.sb[n];
        num += wa * nodes.v2[n];
        den += wa;
      }
    }
    out[ib] = num / den;
  }
  return out;
}

/**
 * Pixel-only average over the pixel of side pixsize centred on each bin, rotated by pixang: n x n
 * Gauss-Legendre nodes per square panel of a quadtree in the pixel frame, starting from
 * panels x panels squares; a panel closer to the galaxy centre than its side is split in 4
 * (down to sides of minSide arcsec), which resolves the nucleus (MGE sigma down to ~0.03") whether
 * it lies inside the pixel or just outside an edge.
 */
export function bruteForcePixel(model: PreparedModel, bx: number[], by: number[], pixsize: number, pixang: number, panels: number, n: number, minSide = 5e-3): Float64Array {
  const { x: gx, w: gw } = gaussLegendre(n);
  const c = Math.cos((pixang * Math.PI) / 180);
  const s = Math.sin((pixang * Math.PI) / 180);
  const out = new Float64Array(bx.length);
  for (let ib = 0; ib < bx.length; ib++) {
    const px: number[] = [];
    const py: number[] = [];
    const pw: number[] = [];
    // The galaxy centre in the pixel frame.
    const cu = -bx[ib] * c - by[ib] * s;
    const cv = bx[ib] * s - by[ib] * c;
    const panel = (u0: number, v0: number, side: number): void => {
      const du = Math.max(u0 - cu, 0, cu - u0 - side);
      const dv = Math.max(v0 - cv, 0, cv - v0 - side);
      if (side > minSide && Math.hypot(du, dv) < side) {
        const h = side / 2;
        for (const [a, b] of [[0, 0], [h, 0], [0, h], [h, h]]) panel(u0 + a, v0 + b, h);
        return;
      }
      for (let i = 0; i < n; i++) {
        const u = u0 + 0.5 * side * (1 + gx[i]);
        for (let j = 0; j < n; j++) {
          const v = v0 + 0.5 * side * (1 + gx[j]);
          px.push(bx[ib] + u * c - v * s);
          py.push(by[ib] + u * s + v * c);
          pw.push(gw[i] * gw[j] * side * side);
        }
      }
    };
    const h = pixsize / panels;
    for (let a = 0; a < panels; a++) for (let b = 0; b < panels; b++) panel(-pixsize / 2 + a * h, -pixsize / 2 + b * h, h);
    const sb = mgeSurfaceDensity(model.lum, px, py);
    const v2 = vrms2Direct(model, px, py);
    let num = 0;
    let den = 0;
    for (let k = 0; k < px.length; k++) {
      num += pw[k] * sb[k] * v2[k];
      den += pw[k] * sb[k];
    }
    out[ib] = num / den;
  }
  return out;
}
