/**
 * A principal-component basis of the polar images (src/photometry/polar-image.ts): the mean image
 * and the leading K eigenvectors of the training images' covariance. It gives the surrogate's
 * domain check a measure that any MGE has: the residual of an image after projection onto the
 * training family's K-dimensional subspace (how far the photometry lies outside what the family
 * spans), and the Mahalanobis length of its coefficients (how far along the family it lies).
 */
import { symmetricEigen } from '../../../samplers/linalg.ts';

export interface PcaBasis {
  pixels: number;
  k: number;
  mean: Float64Array;
  /** [k x pixels], orthonormal rows. */
  components: Float64Array;
  /** Variance of each coefficient over the fitted images. */
  variance: Float64Array;
}

/** Fits the basis to images [n x pixels] (n >= 2), keeping k components (1 <= k <= pixels). */
export function fitPca(images: ArrayLike<number>, n: number, pixels: number, k: number): PcaBasis {
  if (!(n >= 2 && k >= 1 && k <= pixels && images.length >= n * pixels)) throw new RangeError(`fitPca: n ${n}, pixels ${pixels}, k ${k}`);
  const mean = new Float64Array(pixels);
  for (let i = 0; i < n; i++) for (let p = 0; p < pixels; p++) mean[p] += images[i * pixels + p];
  for (let p = 0; p < pixels; p++) mean[p] /= n;
  const cov = new Float64Array(pixels * pixels);
  const d = new Float64Array(pixels);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < pixels; p++) d[p] = images[i * pixels + p] - mean[p];
    for (let p = 0; p < pixels; p++) {
      const dp = d[p];
      if (dp === 0) continue;
      const row = p * pixels;
      for (let q = p; q < pixels; q++) cov[row + q] += dp * d[q];
    }
  }
  for (let p = 0; p < pixels; p++) {
    for (let q = p; q < pixels; q++) {
      cov[p * pixels + q] /= n - 1;
      cov[q * pixels + p] = cov[p * pixels + q];
    }
  }
  // Jacobi rotations (samplers/linalg.ts): eigenvectors are the columns, values unsorted.
  const e = symmetricEigen(cov, pixels);
  const order = Array.from({ length: pixels }, (_, i) => i).sort((i, j) => e.values[j] - e.values[i]).slice(0, k);
  const components = new Float64Array(k * pixels);
  order.forEach((c, r) => {
    for (let p = 0; p < pixels; p++) components[r * pixels + p] = e.vectors[p * pixels + c];
  });
  return { pixels, k, mean, components, variance: Float64Array.from(order, (c) => e.values[c]) };
}

/** Coefficients of one image (pixels values) on the basis, into out (length k). */
export function project(b: PcaBasis, image: ArrayLike<number>, out = new Float64Array(b.k)): Float64Array {
  for (let j = 0; j < b.k; j++) {
    let s = 0;
    const row = j * b.pixels;
    for (let p = 0; p < b.pixels; p++) s += b.components[row + p] * (image[p] - b.mean[p]);
    out[j] = s;
  }
  return out;
}

/** RMS over pixels of image - reconstruction from its k coefficients `c` (project's result, computed when not given; units of the image: dex). */
export function residualRms(b: PcaBasis, image: ArrayLike<number>, c: ArrayLike<number> = project(b, image)): number {
  let se = 0;
  for (let p = 0; p < b.pixels; p++) {
    let r = image[p] - b.mean[p];
    for (let j = 0; j < b.k; j++) r -= c[j] * b.components[j * b.pixels + p];
    se += r * r;
  }
  return Math.sqrt(se / b.pixels);
}
