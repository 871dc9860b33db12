/**
 * Maps of binned IFU kinematics (SVG): each bin drawn at its position in the galaxy frame
 * (x on the projected major axis, arcsec) and filled with its value, the galaxy's isophotes on
 * top, panels side by side, each with a colour bar.
 *
 * Bin shapes. When the spaxels of each bin are known (FITS spaxel tables, DYNAMITE's bins.dat),
 * every bin is the union of its square spaxels, as the reference tools' plot_velfield shows them.
 * Otherwise every bin is the Voronoi cell of its centre, clipped to the convex hull of discs of
 * half the nearest-neighbour distance around the centres. Why Voronoi: Voronoi binning
 * (Cappellari & Copin 2003) assigns each spaxel to the nearest bin generator (scaled by the
 * bin's size), so the Voronoi cells of the centres are the closest shape-free guess at the
 * real bin footprints: they tile the field without gaps or overlaps, so a reader sees the
 * coverage, whereas discs per bin either leave holes between sparse outer bins or overlap in
 * the dense centre. The clipping keeps the outer cells from running off to the plot's edge.
 *
 * Isophotes: contours of the MGE's surface density (photometry/mge.ts, the same frame: x along
 * the major axis) at steps of `isophoteStepMag` magnitudes (default 1 mag = 0.4 dex) below the
 * central value, by marching squares on a 200-node grid over the panel.
 *
 * All pure: numbers in, an SVG string out; see png.ts to rasterise.
 */
import { InputError } from '../../core/errors.ts';
import { mgeSurfaceDensity, type Mge } from '../photometry/mge.ts';
import { quantile } from '../../samplers/diagnostics/rank.ts';
import { diverging, viridis } from './colormap.ts';
import { contourLines, type ContourLine } from './contour.ts';
import { bufferedHull, nearestNeighbourDistance, voronoiCells } from './geometry.ts';
import { colourBar, esc, f1, linear, linesPath, svgOpen, xTicks, yTicks } from './svg-kit.ts';

export interface BinLayout {
  /** Bin centres, arcsec, galaxy frame. */
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  /** The spaxels of each bin (kinematics.ts BinPixels), same frame; when given, bins are drawn as their spaxels. */
  readonly pixels?: { readonly x: ArrayLike<number>; readonly y: ArrayLike<number>; readonly bin: ArrayLike<number>; readonly pixsize: number };
  /**
   * Angle (degrees, counter-clockwise) of the spaxel grid's x axis in this frame: after a rotation
   * into the galaxy frame by orientation.ts it is -(90 + PA). Default 0.
   */
  readonly pixelAngleDeg?: number;
}

export interface BinShapes {
  readonly kind: 'pixels' | 'voronoi';
  /** Polygons (flat [x0, y0, ...], counter-clockwise) making up each bin. */
  readonly polygons: readonly Float64Array[][];
  /** [xmin, xmax, ymin, ymax] of all shapes, arcsec. */
  readonly extent: readonly [number, number, number, number];
}

function checkLayout(layout: BinLayout): void {
  const n = layout.x.length;
  if (n === 0) throw new InputError('bins.x', 'no bins to draw; give at least one bin');
  if (layout.y.length !== n) throw new InputError('bins.y', `has ${layout.y.length} values but bins.x has ${n}`);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(layout.x[i]) || !Number.isFinite(layout.y[i])) throw new InputError(`bins[${i}]`, `position (${layout.x[i]}, ${layout.y[i]}) is not finite`);
  }
  const p = layout.pixels;
  if (p) {
    if (!(p.pixsize > 0)) throw new InputError('bins.pixels.pixsize', `is ${p.pixsize}; give the spaxel size in arcsec (> 0)`);
    if (p.y.length !== p.x.length || p.bin.length !== p.x.length) throw new InputError('bins.pixels', 'x, y and bin must have one entry per spaxel');
    for (let k = 0; k < p.bin.length; k++) {
      if (!(Number.isInteger(p.bin[k]) && p.bin[k] >= 0 && p.bin[k] < n)) throw new InputError(`bins.pixels.bin[${k}]`, `is ${p.bin[k]}; give a 0-based bin index below ${n}`);
    }
  }
}

/** The shape of every bin (see the module comment); throws InputError on bad layouts. */
export function binShapes(layout: BinLayout): BinShapes {
  checkLayout(layout);
  const n = layout.x.length;
  const polygons: Float64Array[][] = Array.from({ length: n }, () => []);
  let kind: BinShapes['kind'];
  if (layout.pixels) {
    kind = 'pixels';
    const p = layout.pixels;
    const a = ((layout.pixelAngleDeg ?? 0) * Math.PI) / 180;
    const h = p.pixsize / 2;
    const ux = h * Math.cos(a), uy = h * Math.sin(a); // half-side along the spaxel grid's x
    const vx = -uy, vy = ux; // and along its y
    for (let k = 0; k < p.x.length; k++) {
      const cx = p.x[k], cy = p.y[k];
      polygons[p.bin[k]].push(Float64Array.of(cx - ux - vx, cy - uy - vy, cx + ux - vx, cy + uy - vy, cx + ux + vx, cy + uy + vy, cx - ux + vx, cy - uy + vy));
    }
  } else {
    kind = 'voronoi';
    const nn = nearestNeighbourDistance(layout.x, layout.y);
    const finite = Array.from(nn).filter(Number.isFinite).sort((u, v) => u - v);
    const typical = finite.length ? finite[finite.length >> 1] : 1; // a lone bin gets a 1" cell
    const r = nn.map((d) => 0.5 * (Number.isFinite(d) && d > 0 ? d : typical));
    const cells = voronoiCells(layout.x, layout.y, bufferedHull(layout.x, layout.y, r));
    cells.forEach((c, i) => c.length && polygons[i].push(c));
  }
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const list of polygons) {
    for (const poly of list) {
      for (let k = 0; k < poly.length; k += 2) {
        x0 = Math.min(x0, poly[k]);
        x1 = Math.max(x1, poly[k]);
        y0 = Math.min(y0, poly[k + 1]);
        y1 = Math.max(y1, poly[k + 1]);
      }
    }
  }
  return { kind, polygons, extent: [x0, x1, y0, y1] };
}

export interface Isophote {
  /** Magnitudes below the centre (1, 2, ...) and the surface density there (units of mge.surf). */
  readonly mag: number;
  readonly level: number;
  readonly lines: ContourLine[];
}

/**
 * Isophotes of an MGE over the extent [xmin, xmax, ymin, ymax] (arcsec): levels
 * Sigma(0, 0) 10^(-0.4 k stepMag), k = 1, 2, ..., down to the faintest level reached inside the
 * extent. `nodes` grid nodes along the longer side (>= 8).
 */
export function isophotes(mge: Mge, extent: readonly [number, number, number, number], stepMag = 1, nodes = 200): Isophote[] {
  if (!(stepMag > 0)) throw new InputError('isophoteStepMag', `is ${stepMag}; give a step in magnitudes > 0`);
  const [x0, x1, y0, y1] = extent;
  const h = Math.max(x1 - x0, y1 - y0) / (Math.max(8, nodes) - 1);
  const nx = Math.max(2, Math.ceil((x1 - x0) / h) + 1);
  const ny = Math.max(2, Math.ceil((y1 - y0) / h) + 1);
  const gx = new Float64Array(nx * ny);
  const gy = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      gx[j * nx + i] = x0 + i * h;
      gy[j * nx + i] = y0 + j * h;
    }
  }
  const values = mgeSurfaceDensity(mge, gx, gy);
  let fmin = Infinity;
  for (const v of values) fmin = Math.min(fmin, v);
  const centre = mgeSurfaceDensity(mge, [0], [0])[0];
  const grid = { values, nx, ny, x0, y0, dx: h, dy: h };
  const out: Isophote[] = [];
  for (let k = 1; k <= 30; k++) {
    const level = centre * 10 ** (-0.4 * k * stepMag);
    if (!(level > fmin)) break;
    out.push({ mag: k * stepMag, level, lines: contourLines(grid, level) });
  }
  return out;
}

export interface MapPanel {
  readonly title: string;
  /** One value per bin; NaN = no value (drawn light grey). */
  readonly values: ArrayLike<number>;
  /** Colour-bar label, e.g. "V_rms (km/s)". */
  readonly label: string;
  readonly cmap: 'sequential' | 'diverging';
  /** Colour range [vmin, vmax], vmin < vmax; values outside take the end colours. */
  readonly range: readonly [number, number];
}

export interface BinMapOptions {
  /** Surface density in the same frame, for the isophotes (omit for none). */
  readonly mge?: Mge;
  readonly isophoteStepMag?: number;
  /** A title above the panels. */
  readonly title?: string;
  /** Width of each map in px; default 300. */
  readonly panelWidth?: number;
  /** 1 = use, 0 = masked (drawn grey with no value); default all used. */
  readonly good?: ArrayLike<number>;
}

/** Panels of per-bin values side by side (the general form of vrmsMapsSvg and velocityMapsSvg). */
export function binMapsSvg(layout: BinLayout, panels: readonly MapPanel[], opts: BinMapOptions = {}): string {
  const shapes = binShapes(layout);
  const n = layout.x.length;
  panels.forEach((p, k) => {
    if (p.values.length !== n) throw new InputError(`panels[${k}] (${p.title})`, `has ${p.values.length} values for ${n} bins`);
    if (!(Number.isFinite(p.range[0]) && Number.isFinite(p.range[1]) && p.range[0] < p.range[1])) {
      throw new InputError(`panels[${k}] (${p.title}).range`, `is [${p.range[0]}, ${p.range[1]}]; give vmin < vmax`);
    }
  });
  if (opts.good && opts.good.length !== n) throw new InputError('good', `has ${opts.good.length} flags for ${n} bins`);
  const [ex0, ex1, ey0, ey1] = shapes.extent;
  const pad = 0.03 * Math.max(ex1 - ex0, ey1 - ey0);
  const X0 = ex0 - pad, X1 = ex1 + pad, Y0 = ey0 - pad, Y1 = ey1 + pad;
  const PW = opts.panelWidth ?? 300;
  const scale = PW / (X1 - X0);
  const PH = (Y1 - Y0) * scale;
  const ml = 56, mt = opts.title ? 56 : 34, mb = 46, cbGap = 10, cbW = 12, cbRoom = 78;
  const cellW = PW + cbGap + cbW + cbRoom;
  const W = ml + panels.length * cellW;
  const H = mt + PH + mb;
  const iso = opts.mge ? isophotes(opts.mge, [X0, X1, Y0, Y1], opts.isophoteStepMag ?? 1) : [];
  const parts: string[] = [svgOpen(W, H, 11)];
  parts.push(
    `<desc>${n} bins drawn as ${shapes.kind === 'pixels' ? 'their spaxels' : 'Voronoi cells of their centres'}${iso.length ? `; isophotes every ${opts.isophoteStepMag ?? 1} mag below the centre` : ''}.</desc>`,
  );
  if (opts.title) parts.push(`<text x="${f1(W / 2)}" y="20" text-anchor="middle" font-size="14">${esc(opts.title)}</text>`);
  // Geometry is written once (in the first panel's pixel frame) and reused by every panel with
  // <use>, each panel shifted by its offset: the file grows with the bins, not bins x panels.
  const sx = linear(X0, X1, ml, ml + PW);
  const sy = linear(Y0, Y1, mt + PH, mt);
  const defs: string[] = ['<defs>'];
  for (let i = 0; i < n; i++) {
    if (!shapes.polygons[i].length) continue;
    let d = '';
    for (const poly of shapes.polygons[i]) {
      d += `M${f1(sx(poly[0]))} ${f1(sy(poly[1]))}`;
      for (let m = 2; m < poly.length; m += 2) d += `L${f1(sx(poly[m]))} ${f1(sy(poly[m + 1]))}`;
      d += 'Z';
    }
    defs.push(`<path id="b${i}" d="${d}"/>`);
  }
  const isoPath = iso.map((is) => linesPath(is.lines, sx, sy)).filter((d) => d).join('');
  if (isoPath) defs.push(`<path id="iso" d="${isoPath}" fill="none" stroke="black" stroke-opacity="0.75" stroke-width="0.8"/>`);
  defs.push(`<clipPath id="frame"><rect x="${f1(ml)}" y="${f1(mt)}" width="${f1(PW)}" height="${f1(PH)}"/></clipPath>`, '</defs>');
  parts.push(defs.join(''));
  panels.forEach((panel, k) => {
    const dx = k * cellW;
    const cmap = panel.cmap === 'diverging' ? diverging : viridis;
    const [vmin, vmax] = panel.range;
    parts.push(`<g transform="translate(${f1(dx)} 0)">`);
    parts.push(`<text x="${f1(ml + PW / 2)}" y="${mt - 8}" text-anchor="middle" font-size="13">${esc(panel.title)}</text>`);
    parts.push(`<g clip-path="url(#frame)"><g shape-rendering="${shapes.kind === 'pixels' ? 'crispEdges' : 'auto'}" stroke-width="0.3">`);
    for (let i = 0; i < n; i++) {
      if (!shapes.polygons[i].length) continue;
      const v = panel.values[i];
      const masked = opts.good ? !opts.good[i] : false;
      const fill = masked || !Number.isFinite(v) ? '#dddddd' : cmap((v - vmin) / (vmax - vmin));
      // Voronoi cells get a hairline in their fill colour, closing the anti-aliasing seams between neighbours.
      parts.push(`<use href="#b${i}" fill="${fill}"${shapes.kind === 'pixels' ? '' : ` stroke="${fill}"`}/>`);
    }
    parts.push('</g>');
    if (isoPath) parts.push('<use href="#iso"/>');
    parts.push('</g>');
    parts.push(`<rect x="${f1(ml)}" y="${f1(mt)}" width="${f1(PW)}" height="${f1(PH)}" fill="none" stroke="black"/>`);
    parts.push(xTicks(X0, X1, sx, mt + PH, { count: 5 }));
    parts.push(yTicks(Y0, Y1, sy, ml, { count: 5, labels: k === 0 }));
    parts.push(`<text x="${f1(ml + PW / 2)}" y="${f1(H - 8)}" text-anchor="middle">x (arcsec, major axis)</text>`);
    parts.push(colourBar(`cb${k}`, ml + PW + cbGap, mt, cbW, PH, vmin, vmax, cmap, panel.label));
    parts.push('</g>');
  });
  parts.push(`<text transform="translate(14 ${f1(mt + PH / 2)}) rotate(-90)" text-anchor="middle">y (arcsec, minor axis)</text>`);
  parts.push('</svg>');
  return parts.join('\n');
}

function check(name: string, a: ArrayLike<number> | undefined, n: number, positive = false): ArrayLike<number> {
  if (!a) throw new InputError(name, 'missing; give one value per bin');
  if (a.length !== n) throw new InputError(name, `has ${a.length} values for ${n} bins`);
  if (positive) {
    for (let i = 0; i < n; i++) if (!(a[i] > 0)) throw new InputError(`${name}[${i}]`, `is ${a[i]}; errors must be > 0`);
  }
  return a;
}

/** [lo, hi] quantiles of the finite values of the used bins (pooled over arrays); NaN when none. */
function pooledRange(arrays: readonly ArrayLike<number>[], good: ArrayLike<number> | undefined, lo: number, hi: number): [number, number] {
  const v: number[] = [];
  for (const a of arrays) for (let i = 0; i < a.length; i++) if ((!good || good[i]) && Number.isFinite(a[i])) v.push(a[i]);
  const s = Float64Array.from(v).sort();
  return [quantile(s, lo), quantile(s, hi)];
}

/** A usable colour range from [lo, hi] (widened when empty or flat). */
function widen([lo, hi]: [number, number]): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (hi > lo) return [lo, hi];
  const h = lo === 0 ? 1 : 0.05 * Math.abs(lo);
  return [lo - h, hi + h];
}

export interface VrmsMapInput extends BinLayout {
  /** Observed V_rms and its 1-sigma error per bin, km/s (errors > 0). */
  readonly vrms: ArrayLike<number>;
  readonly vrmsErr: ArrayLike<number>;
  readonly good?: ArrayLike<number>;
}

export interface VrmsMapOptions extends Omit<BinMapOptions, 'good'> {
  /** Colour range of data and model, km/s; default the 1%..99% range of both pooled (used bins). */
  readonly vrange?: readonly [number, number];
  /** Half-range of the normalised residual's symmetric scale; default 3. */
  readonly residualRange?: number;
}

/**
 * The data, model and residual panels of a V_rms fit (numbers only): data and model share one
 * sequential scale; the residual (data - model)/err uses the diverging map over the symmetric
 * range [-r, r] (default r = 3), so white is a perfect fit and saturation is a 3-sigma miss.
 */
export function vrmsPanels(bins: VrmsMapInput, model: ArrayLike<number>, opts: VrmsMapOptions = {}): MapPanel[] {
  const n = bins.x.length;
  check('bins.vrms', bins.vrms, n);
  check('bins.vrmsErr', bins.vrmsErr, n, true);
  check('model', model, n);
  const r = opts.residualRange ?? 3;
  if (!(r > 0 && Number.isFinite(r))) throw new InputError('residualRange', `is ${r}; give a half-range > 0`);
  const range = opts.vrange ? ([opts.vrange[0], opts.vrange[1]] as [number, number]) : widen(pooledRange([bins.vrms, model], bins.good, 0.01, 0.99));
  const resid = Float64Array.from({ length: n }, (_, i) => (bins.vrms[i] - model[i]) / bins.vrmsErr[i]);
  return [
    { title: 'data', values: bins.vrms, label: 'V_rms (km/s)', cmap: 'sequential', range },
    { title: 'model', values: model, label: 'V_rms (km/s)', cmap: 'sequential', range },
    { title: 'residual', values: resid, label: '(data - model) / error', cmap: 'diverging', range: [-r, r] },
  ];
}

/** Data / model / residual V_rms maps (see vrmsPanels and the module comment). */
export function vrmsMapsSvg(bins: VrmsMapInput, model: ArrayLike<number>, opts: VrmsMapOptions = {}): string {
  return binMapsSvg(bins, vrmsPanels(bins, model, opts), { ...opts, good: bins.good });
}

export interface VelocityMapInput extends BinLayout {
  /** Mean velocity (systemic removed) and dispersion per bin, km/s. */
  readonly v: ArrayLike<number>;
  readonly sigma: ArrayLike<number>;
  /** V_rms; default sqrt(v^2 + sigma^2). */
  readonly vrms?: ArrayLike<number>;
  readonly good?: ArrayLike<number>;
}

/**
 * V, sigma and V_rms panels (numbers only): V on the diverging map over [-m, m], m the 99%
 * quantile of |V| (zero velocity white); sigma and V_rms on the sequential map over their
 * 1%..99% ranges.
 */
export function velocityPanels(bins: VelocityMapInput): MapPanel[] {
  const n = bins.x.length;
  check('bins.v', bins.v, n);
  check('bins.sigma', bins.sigma, n);
  const vrms = bins.vrms ? check('bins.vrms', bins.vrms, n) : Float64Array.from({ length: n }, (_, i) => Math.hypot(bins.v[i], bins.sigma[i]));
  const absV = Float64Array.from({ length: n }, (_, i) => Math.abs(bins.v[i]));
  const m = widen(pooledRange([absV], bins.good, 0, 0.99))[1];
  return [
    { title: 'V', values: bins.v, label: 'V (km/s)', cmap: 'diverging', range: [-m, m] },
    { title: 'sigma', values: bins.sigma, label: 'sigma (km/s)', cmap: 'sequential', range: widen(pooledRange([bins.sigma], bins.good, 0.01, 0.99)) },
    { title: 'V_rms', values: vrms, label: 'V_rms (km/s)', cmap: 'sequential', range: widen(pooledRange([vrms], bins.good, 0.01, 0.99)) },
  ];
}

/** V / sigma / V_rms maps (see velocityPanels). */
export function velocityMapsSvg(bins: VelocityMapInput, opts: Omit<BinMapOptions, 'good'> = {}): string {
  return binMapsSvg(bins, velocityPanels(bins), { ...opts, good: bins.good });
}

export interface MomentsFitInput extends BinLayout {
  /** Observed V (systemic removed), sigma and their errors per bin, km/s (errors > 0). */
  readonly v: ArrayLike<number>;
  readonly vErr: ArrayLike<number>;
  readonly sigma: ArrayLike<number>;
  readonly sigmaErr: ArrayLike<number>;
  readonly good?: ArrayLike<number>;
}

/**
 * Data, model and residual of V and of sigma (a --moments v-sigma fit), six panels: V data and
 * model on one diverging scale [-m, m] (m the 99% quantile of |V| of both), sigma data and model on
 * one sequential scale (1%..99% of both), residuals (data - model)/error on [-3, 3].
 */
export function momentsFitPanels(bins: MomentsFitInput, model: { v: ArrayLike<number>; sigma: ArrayLike<number> }): MapPanel[] {
  const n = bins.x.length;
  check('bins.v', bins.v, n);
  check('bins.vErr', bins.vErr, n, true);
  check('bins.sigma', bins.sigma, n);
  check('bins.sigmaErr', bins.sigmaErr, n, true);
  check('model.v', model.v, n);
  check('model.sigma', model.sigma, n);
  const abs = (a: ArrayLike<number>) => Float64Array.from({ length: n }, (_, i) => Math.abs(a[i]));
  const m = widen(pooledRange([abs(bins.v), abs(model.v)], bins.good, 0, 0.99))[1];
  const sr = widen(pooledRange([bins.sigma, model.sigma], bins.good, 0.01, 0.99));
  const rv = Float64Array.from({ length: n }, (_, i) => (bins.v[i] - model.v[i]) / bins.vErr[i]);
  const rs = Float64Array.from({ length: n }, (_, i) => (bins.sigma[i] - model.sigma[i]) / bins.sigmaErr[i]);
  return [
    { title: 'V data', values: bins.v, label: 'V (km/s)', cmap: 'diverging', range: [-m, m] },
    { title: 'V model', values: model.v, label: 'V (km/s)', cmap: 'diverging', range: [-m, m] },
    { title: 'V residual', values: rv, label: '(data - model) / error', cmap: 'diverging', range: [-3, 3] },
    { title: 'sigma data', values: bins.sigma, label: 'sigma (km/s)', cmap: 'sequential', range: sr },
    { title: 'sigma model', values: model.sigma, label: 'sigma (km/s)', cmap: 'sequential', range: sr },
    { title: 'sigma residual', values: rs, label: '(data - model) / error', cmap: 'diverging', range: [-3, 3] },
  ];
}

/** V and sigma data / model / residual maps (see momentsFitPanels). */
export function momentsFitMapsSvg(bins: MomentsFitInput, model: { v: ArrayLike<number>; sigma: ArrayLike<number> }, opts: Omit<BinMapOptions, 'good'> = {}): string {
  return binMapsSvg(bins, momentsFitPanels(bins, model), { ...opts, good: bins.good });
}
