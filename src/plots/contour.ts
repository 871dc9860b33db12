/**
 * Contour lines of a scalar field sampled on a regular grid (marching squares), written from the
 * textbook algorithm (Lorensen & Cline's marching cubes in 2-D): each grid cell is classified by
 * which of its four corners lie at or above the level, the level crossings on its edges are found
 * by linear interpolation, and the per-cell segments are chained into polylines through the edge
 * crossings they share. Saddle cells (two opposite corners above) are resolved by the mean of the
 * four corners, i.e. the cell centre of the bilinear interpolant.
 *
 * Pure: no I/O, no DOM. Used by the corner plot (density contours) and the maps (isophotes).
 */

export interface Grid {
  /** Row-major values, ny rows of nx; value (i, j) is at x0 + i dx, y0 + j dy. NaN = no data. */
  readonly values: ArrayLike<number>;
  readonly nx: number;
  readonly ny: number;
  readonly x0: number;
  readonly y0: number;
  readonly dx: number;
  readonly dy: number;
}

/** A polyline as flat [x0, y0, x1, y1, ...]; `closed` when its last point joins its first. */
export interface ContourLine {
  readonly points: Float64Array;
  readonly closed: boolean;
}

/**
 * The contour lines at `level` of a gridded field: the boundary of {f >= level}. Cells with a
 * NaN corner are skipped (the line stops there). Lines reaching the grid's border are open; pad
 * the field with values below the level (e.g. zeros for a density) to get only closed lines.
 * Coordinates are in the grid's units (x0 + i dx, y0 + j dy). Grids smaller than 2 x 2 give [].
 */
export function contourLines(grid: Grid, level: number): ContourLine[] {
  const { values: v, nx, ny } = grid;
  if (nx < 2 || ny < 2 || !Number.isFinite(level)) return [];
  // Edge ids: horizontal edge (i, j)-(i+1, j) -> j*(nx-1)+i; vertical edge (i, j)-(i, j+1) -> H + j*nx + i.
  const H = (nx - 1) * ny;
  const px = new Float64Array(H + nx * (ny - 1));
  const py = new Float64Array(px.length);
  const link = new Int32Array(2 * px.length).fill(-1); // up to two neighbours per crossing
  const crossing = (e: number, a: number, b: number, xa: number, ya: number, xb: number, yb: number) => {
    const t = (level - a) / (b - a);
    px[e] = xa + t * (xb - xa);
    py[e] = ya + t * (yb - ya);
  };
  const connect = (a: number, b: number) => {
    link[2 * a + (link[2 * a] < 0 ? 0 : 1)] = b;
    link[2 * b + (link[2 * b] < 0 ? 0 : 1)] = a;
  };
  const seen = new Uint8Array(px.length);
  for (let j = 0; j < ny - 1; j++) {
    for (let i = 0; i < nx - 1; i++) {
      const a = v[j * nx + i]; // (i, j)
      const b = v[j * nx + i + 1]; // (i+1, j)
      const c = v[(j + 1) * nx + i + 1]; // (i+1, j+1)
      const d = v[(j + 1) * nx + i]; // (i, j+1)
      if (Number.isNaN(a) || Number.isNaN(b) || Number.isNaN(c) || Number.isNaN(d)) continue;
      const code = (a >= level ? 1 : 0) | (b >= level ? 2 : 0) | (c >= level ? 4 : 0) | (d >= level ? 8 : 0);
      if (code === 0 || code === 15) continue;
      const x = grid.x0 + i * grid.dx;
      const y = grid.y0 + j * grid.dy;
      const eB = j * (nx - 1) + i;
      const eT = (j + 1) * (nx - 1) + i;
      const eL = H + j * nx + i;
      const eR = H + j * nx + i + 1;
      // A crossing is computed once (from whichever cell meets it first), so neighbours agree exactly.
      const need = (e: number, fa: number, fb: number, xa: number, ya: number, xb: number, yb: number) => {
        if (!seen[e]) {
          crossing(e, fa, fb, xa, ya, xb, yb);
          seen[e] = 1;
        }
      };
      const bot = () => need(eB, a, b, x, y, x + grid.dx, y);
      const rig = () => need(eR, b, c, x + grid.dx, y, x + grid.dx, y + grid.dy);
      const top = () => need(eT, d, c, x, y + grid.dy, x + grid.dx, y + grid.dy);
      const lef = () => need(eL, a, d, x, y, x, y + grid.dy);
      const seg = (e1: number, e2: number) => connect(e1, e2);
      switch (code) {
        case 1: case 14: bot(); lef(); seg(eB, eL); break;
        case 2: case 13: bot(); rig(); seg(eB, eR); break;
        case 3: case 12: lef(); rig(); seg(eL, eR); break;
        case 4: case 11: rig(); top(); seg(eR, eT); break;
        case 6: case 9: bot(); top(); seg(eB, eT); break;
        case 7: case 8: lef(); top(); seg(eL, eT); break;
        case 5: case 10: {
          bot(); rig(); top(); lef();
          // Saddle: the centre value decides whether the above-level corners are joined through the middle.
          const centreAbove = (a + b + c + d) / 4 >= level;
          const aAbove = code === 5;
          if (centreAbove === aAbove) {
            // corners a and c joined: cut off b and d
            seg(eB, eR);
            seg(eT, eL);
          } else {
            seg(eB, eL);
            seg(eR, eT);
          }
          break;
        }
      }
    }
  }
  const out: ContourLine[] = [];
  const used = new Uint8Array(px.length);
  const walk = (start: number): ContourLine => {
    const pts: number[] = [];
    let prev = -1;
    let cur = start;
    let closed = false;
    for (;;) {
      used[cur] = 1;
      pts.push(px[cur], py[cur]);
      const n0 = link[2 * cur];
      const n1 = link[2 * cur + 1];
      const next = n0 !== prev && n0 >= 0 && !used[n0] ? n0 : n1 !== prev && n1 >= 0 && !used[n1] ? n1 : -1;
      if (next < 0) {
        closed = (n0 === start || n1 === start) && pts.length > 4;
        break;
      }
      prev = cur;
      cur = next;
    }
    if (closed) pts.push(px[start], py[start]);
    return { points: Float64Array.from(pts), closed };
  };
  // Open lines start at a crossing with one neighbour (the grid border or a NaN cell); then cycles.
  for (let e = 0; e < px.length; e++) if (seen[e] && !used[e] && link[2 * e] >= 0 && link[2 * e + 1] < 0) out.push(walk(e));
  for (let e = 0; e < px.length; e++) if (seen[e] && !used[e] && link[2 * e] >= 0) out.push(walk(e));
  return out;
}

/** Pads a grid with `ring` cells of value `fill` on every side (so that contours above `fill` close). */
export function padGrid(grid: Grid, fill: number, ring = 1): Grid {
  const nx = grid.nx + 2 * ring;
  const ny = grid.ny + 2 * ring;
  const values = new Float64Array(nx * ny).fill(fill);
  for (let j = 0; j < grid.ny; j++) for (let i = 0; i < grid.nx; i++) values[(j + ring) * nx + i + ring] = grid.values[j * grid.nx + i];
  return { values, nx, ny, x0: grid.x0 - ring * grid.dx, y0: grid.y0 - ring * grid.dy, dx: grid.dx, dy: grid.dy };
}
