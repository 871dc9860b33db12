/**
 * Separable Gaussian blur of a row-major image (ny rows of nx), kernel sd `sigma` in pixels (> 0),
 * normalised to unit sum and truncated at `reach` sd (radius max(1, ceil(reach sigma)) pixels).
 * Edges: 'zero' takes the image as 0 outside (what leaves the image is lost: density estimates,
 * where nothing may be invented beyond the range); 'clamp' repeats the border pixel (flux is kept:
 * images of a galaxy whose light continues past the frame). The one blur of the project.
 */
export function gaussianBlur(values: ArrayLike<number>, nx: number, ny: number, sigma: number, opts: { reach: number; edge: 'zero' | 'clamp' }): Float64Array {
  const r = Math.max(1, Math.ceil(opts.reach * sigma));
  const ker = new Float64Array(2 * r + 1);
  let sum = 0;
  for (let k = -r; k <= r; k++) sum += ker[k + r] = Math.exp(-0.5 * (k / sigma) ** 2);
  for (let k = 0; k < ker.length; k++) ker[k] /= sum;
  const clamp = opts.edge === 'clamp';
  const tmp = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      let s = 0;
      for (let k = -r; k <= r; k++) {
        let ii = i + k;
        if (ii < 0 || ii >= nx) {
          if (!clamp) continue;
          ii = ii < 0 ? 0 : nx - 1;
        }
        s += ker[k + r] * values[j * nx + ii];
      }
      tmp[j * nx + i] = s;
    }
  }
  const out = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      let s = 0;
      for (let k = -r; k <= r; k++) {
        let jj = j + k;
        if (jj < 0 || jj >= ny) {
          if (!clamp) continue;
          jj = jj < 0 ? 0 : ny - 1;
        }
        s += ker[k + r] * tmp[jj * nx + i];
      }
      out[j * nx + i] = s;
    }
  }
  return out;
}
