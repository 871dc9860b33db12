import { join } from 'node:path';
import { InputError } from '../../core/errors.ts';
import { writeFileAtomic } from '../../core/atomic-write.ts';
import { checkAlign, readJamCase, withFile } from '../data/jam-case.ts';
import { jamVlos } from '../jam/first-moment-jam.ts';
import { jamVrms } from '../jam/jam.ts';
import { skyGrid } from '../operator/pixel-grid.ts';
import { mapSvg } from '../plots/map-svg.ts';
import { svgToPng } from '../plots/png.ts';
import { defineCommand, type IO } from './command.ts';

const options = {
  input: { type: 'string', alias: 'i', required: true, description: 'JAM case JSON (x, y not needed)' },
  out: { type: 'string', alias: 'o', default: 'runs/map', description: 'output folder' },
  'half-size': { type: 'number', default: 20, description: 'half-width of the map along x, arcsec' },
  pixel: { type: 'number', default: 0.5, description: 'map pixel size, arcsec' },
  align: { type: 'string', description: 'velocity ellipsoid alignment: cyl (Cappellari 2008) or sph (Cappellari 2020); overrides the case\'s "align" (default cyl)' },
} as const;

export interface MapResult {
  files: string[];
  seconds: number;
  vmin: number;
  vmax: number;
  npix: number;
}

/**
 * The map job, shared by `map` and `demo`. `align` (already checked) overrides the case's alignment.
 * When the case gives kappa, vrms_map.json also carries the mean velocity "v" (km/s) per pixel.
 */
export function makeMap(input: string, out: string, halfSize: number, pixel: number, align?: 'cyl' | 'sph'): MapResult {
  if (!(halfSize > 0)) throw new InputError('--half-size', `is ${halfSize}; give a positive half-width in arcsec`);
  if (!(pixel > 0 && pixel <= halfSize)) throw new InputError('--pixel', `is ${pixel}; give a pixel size in (0, half-size] arcsec`);
  const c = readJamCase(input, { points: false });
  if (align !== undefined) c.options.align = align;
  if (c.kappa !== undefined && c.options.align === 'sph') {
    throw new InputError('--align', 'is "sph" but the case gives kappa, the first moment of the cylindrically aligned model; use --align cyl or remove kappa');
  }
  const qobs = Array.from(c.params.mgeLum.qobs as ArrayLike<number>);
  const grid = skyGrid(halfSize, halfSize * Math.max(0.5, Math.min(1, Math.max(...qobs) + 0.1)), pixel);
  if (grid.nx * grid.ny > 250_000) throw new InputError('--pixel', `gives ${grid.nx * grid.ny} pixels; use larger pixels or a smaller --half-size`);
  const t0 = performance.now();
  const vrms = withFile(input, () => jamVrms(c.params, grid.x, grid.y, c.options));
  const v = c.kappa === undefined ? undefined : withFile(input, () => jamVlos(c.params, grid.x, grid.y, c.kappa!, { ...c.options, nodes: undefined }));
  const seconds = (performance.now() - t0) / 1000;
  let vmin = Infinity;
  let vmax = -Infinity;
  for (const v of vrms) {
    vmin = Math.min(vmin, v);
    vmax = Math.max(vmax, v);
  }
  const psfNote = c.options.psf ? `, PSF ${Array.from(c.options.psf.sigma as ArrayLike<number>).join('+')}"` : '';
  const svg = mapSvg(
    { values: vrms, nx: grid.nx, ny: grid.ny, x0: grid.x0, y0: grid.y0, step: grid.step },
    { title: `JAM V_rms: i = ${c.params.incDeg} deg, beta_z = ${c.params.beta}${psfNote}`, label: 'V_rms (km/s)' },
  );
  const files = [join(out, 'vrms_map.json'), join(out, 'vrms_map.svg'), join(out, 'vrms_map.png')];
  const json = { input, nx: grid.nx, ny: grid.ny, x0: grid.x0, y0: grid.y0, step: grid.step, units: 'km/s', align: c.options.align ?? 'cyl', vrms: Array.from(vrms, (v) => Number(v.toPrecision(7))), ...(v ? { v: Array.from(v, (a) => Number(a.toPrecision(7))) } : {}) };
  writeFileAtomic(files[0], JSON.stringify(json) + '\n');
  writeFileAtomic(files[1], svg);
  writeFileAtomic(files[2], svgToPng(svg));
  return { files, seconds, vmin, vmax, npix: grid.nx * grid.ny };
}

export function reportMap(io: IO, r: MapResult): void {
  io.out(`V_rms map: ${r.npix} pixels in ${r.seconds.toFixed(2)} s, ${r.vmin.toFixed(1)}..${r.vmax.toFixed(1)} km/s`);
  for (const f of r.files) io.out(`  wrote ${f}`);
}

export const mapCommand = defineCommand({
  summary: 'Compute a V_rms map of a JAM model on a square pixel grid; write JSON, SVG and PNG.',
  options,
  async run(a, io) {
    const align = a.align === undefined ? undefined : checkAlign(a.align, '--align');
    reportMap(io, makeMap(a.input as string, a.out as string, a['half-size'] as number, a.pixel as number, align));
    return 0;
  },
});
