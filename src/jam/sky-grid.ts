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
  return { nx, ny, x0, y0, step, ...pixelCentres({ nx, ny, x0, y0, step }) };
}

/** Centres of the pixels of a regular grid (pixel (ix, iy) at (x0 + ix step, y0 + iy step)), row-major. */
export function pixelCentres(g: { nx: number; ny: number; x0: number; y0: number; step: number }): { x: Float64Array; y: Float64Array } {
  const x = new Float64Array(g.nx * g.ny);
  const y = new Float64Array(g.nx * g.ny);
  for (let iy = 0; iy < g.ny; iy++) {
    for (let ix = 0; ix < g.nx; ix++) {
      x[iy * g.nx + ix] = g.x0 + ix * g.step;
      y[iy * g.nx + ix] = g.y0 + iy * g.step;
    }
  }
  return { x, y };
}
