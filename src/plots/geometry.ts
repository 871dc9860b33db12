/**
 * Plane geometry for the bin maps: convex hull, half-plane clipping of a convex polygon, and the
 * Voronoi cells of bin centres clipped to a region. Polygons are flat Float64Arrays
 * [x0, y0, x1, y1, ...], counter-clockwise, the first point not repeated. Pure functions.
 */

/** Convex hull (Andrew's monotone chain), counter-clockwise, collinear points dropped. < 3 distinct points: those points. */
export function convexHull(x: ArrayLike<number>, y: ArrayLike<number>): Float64Array {
  const idx = Array.from({ length: x.length }, (_, k) => k).sort((a, b) => x[a] - x[b] || y[a] - y[b]);
  const cross = (o: number, a: number, b: number) => (x[a] - x[o]) * (y[b] - y[o]) - (y[a] - y[o]) * (x[b] - x[o]);
  const lower: number[] = [];
  for (const k of idx) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], k) <= 0) lower.pop();
    lower.push(k);
  }
  const upper: number[] = [];
  for (let m = idx.length - 1; m >= 0; m--) {
    const k = idx[m];
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], k) <= 0) upper.pop();
    upper.push(k);
  }
  const hull = idx.length < 3 ? idx : lower.slice(0, -1).concat(upper.slice(0, -1));
  const out = new Float64Array(2 * hull.length);
  hull.forEach((k, m) => {
    out[2 * m] = x[k];
    out[2 * m + 1] = y[k];
  });
  return out;
}

/**
 * Part of a convex polygon where a x + b y <= c (Sutherland-Hodgman against one edge). May return
 * an empty array.
 */
export function clipHalfPlane(poly: Float64Array, a: number, b: number, c: number): Float64Array {
  const n = poly.length / 2;
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    const x0 = poly[2 * k], y0 = poly[2 * k + 1];
    const k1 = (k + 1) % n;
    const x1 = poly[2 * k1], y1 = poly[2 * k1 + 1];
    const s0 = a * x0 + b * y0 - c;
    const s1 = a * x1 + b * y1 - c;
    if (s0 <= 0) out.push(x0, y0);
    if ((s0 < 0 && s1 > 0) || (s0 > 0 && s1 < 0)) {
      const t = s0 / (s0 - s1);
      out.push(x0 + t * (x1 - x0), y0 + t * (y1 - y0));
    }
  }
  return Float64Array.from(out);
}

/** Distance from each point to its nearest other point (Infinity for a single point). O(n^2), fine for bins. */
export function nearestNeighbourDistance(x: ArrayLike<number>, y: ArrayLike<number>): Float64Array {
  const n = x.length;
  const d = new Float64Array(n).fill(Infinity);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const r = Math.hypot(x[i] - x[j], y[i] - y[j]);
      if (r < d[i]) d[i] = r;
      if (r < d[j]) d[j] = r;
    }
  }
  return d;
}

/**
 * The region the bins cover: the convex hull of discs of radius r_i around the centres (so the
 * outer bins keep a cell around them instead of being cut through their centres by the hull of
 * the centres). Each disc is a 24-gon circumscribing the circle.
 */
export function bufferedHull(x: ArrayLike<number>, y: ArrayLike<number>, r: ArrayLike<number>): Float64Array {
  const m = 24;
  const grow = 1 / Math.cos(Math.PI / m);
  const px: number[] = [];
  const py: number[] = [];
  for (let i = 0; i < x.length; i++) {
    for (let k = 0; k < m; k++) {
      const t = (2 * Math.PI * (k + 0.5)) / m;
      px.push(x[i] + r[i] * grow * Math.cos(t));
      py.push(y[i] + r[i] * grow * Math.sin(t));
    }
  }
  return convexHull(px, py);
}

/**
 * Voronoi cell of every site inside a convex clip polygon: the points of the clip region nearer
 * to site i than to any other site (each cell the clip polygon cut by the perpendicular bisectors).
 * Sites are visited nearest first and the loop stops once the next site is more than twice the
 * cell's farthest vertex away (no bisector beyond that can cut the cell). Duplicate sites share
 * their cell with the first of them (the later ones get an empty cell). O(n^2 log n).
 */
export function voronoiCells(x: ArrayLike<number>, y: ArrayLike<number>, clip: Float64Array): Float64Array[] {
  const n = x.length;
  const cells: Float64Array[] = [];
  const order = new Int32Array(n);
  const dist = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      order[j] = j;
      dist[j] = Math.hypot(x[j] - x[i], y[j] - y[i]);
    }
    order.sort((a, b) => dist[a] - dist[b]);
    let cell = clip;
    let reach = Infinity;
    for (const j of order) {
      if (j === i) continue;
      if (dist[j] > 2 * reach) break;
      if (dist[j] === 0) {
        if (j < i) {
          cell = new Float64Array(0);
          break;
        }
        continue;
      }
      // Keep the side of the bisector nearer site i: (p - mid) . (s_j - s_i) <= 0.
      const a = x[j] - x[i];
      const b = y[j] - y[i];
      const c = (a * (x[i] + x[j])) / 2 + (b * (y[i] + y[j])) / 2;
      cell = clipHalfPlane(cell, a, b, c);
      if (cell.length === 0) break;
      reach = 0;
      for (let k = 0; k < cell.length; k += 2) reach = Math.max(reach, Math.hypot(cell[k] - x[i], cell[k + 1] - y[i]));
    }
    cells.push(cell);
  }
  return cells;
}
