/** A square-pixel sky grid centred on the galaxy, for maps. */
export interface SkyGrid {
  nx: number;
  ny: number;
  /** Centre of pixel (0, 0), arcsec. */
  x0: number;
  y0: number;
  step: number;
  /** Pixel centres, row-major (ny rows of nx). */
  x: Float64Array;
  y: Float64Array;
}

/** Pixels of side `step` covering |x| <= halfX, |y| <= halfY (arcsec), centred on (0, 0). */
export function skyGrid(halfX: number, halfY: number, step: number): SkyGrid {
  const nx = 2 * Math.round(halfX / step) + 1;
  const ny = 2 * Math.round(halfY / step) + 1;
  const x0 = -((nx - 1) / 2) * step;
  const y0 = -((ny - 1) / 2) * step;
  const x = new Float64Array(nx * ny);
  const y = new Float64Array(nx * ny);
  for (let iy = 0; iy < ny; iy++) {
    for (let ix = 0; ix < nx; ix++) {
      x[iy * nx + ix] = x0 + ix * step;
      y[iy * nx + ix] = y0 + iy * step;
    }
  }
  return { nx, ny, x0, y0, step, x, y };
}
