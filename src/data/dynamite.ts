/**
 * DYNAMITE's kinematics input (Jethwa et al. 2020; docs/tutorial 1_data_prep_for_gauss_hermite):
 *
 * - gauss_hermite_kins.ecsv: one row per Voronoi bin, vbin_id, v, dv, sigma, dsigma (km/s, V with
 *   the systemic velocity already removed), h3, dh3, ...; meta PSF {sigma: [..], weight: [..]}.
 * - aperture.dat: a header line `#counter_rotation_boxed_aperturefile_version_2`, then
 *   `min_x min_y` (arcsec, the lower-left corner of the pixel grid), `extent_x extent_y`
 *   (arcsec), `angle` (degrees, "90 - position_angle": counter-clockwise from the galaxy major
 *   axis to the data's x-axis) and `nx ny` (pixels).
 * - bins.dat: a header line `#Counterrotaton_binning_version_1`, the pixel count nx*ny, then the
 *   bin id of every pixel, x running fastest: pixel k (0-based) is column i = k mod nx, row
 *   j = floor(k / nx), centred at (min_x + (i + 1/2) extent_x/nx, min_y + (j + 1/2) extent_y/ny)
 *   in the data's coordinates. Id 0 = no bin; id m (1-based) is the m-th table row.
 *
 * The grid is in the input coordinates (not rotated): on NGC 6278 every one of its 3016 pixels
 * has the id of the CALIFA spaxel at the same (X, Y) (test/data/cross-check.test.ts). A bin's
 * centre is the plain mean of its pixel centres (bins.dat carries no flux). The aperture angle
 * becomes meta.paDeg = -(90 + angle) (orientation.ts), which is not applied here.
 * DYNAMITE pairs bins.dat ids with table rows by position, so vbin_id must run 1..N in order.
 */
import { InputError } from '../../core/errors.ts';
import { buildKinematics } from './kinematics-build.ts';
import type { Kinematics, KinematicsReadOptions } from './kinematics.ts';
import { ecsvPsf, parseEcsv, type EcsvTable } from './ecsv.ts';
import { paFromDynamiteAngle } from './orientation.ts';
import { cellWhere, findColumn, missingColumn, numberColumn, readText } from './table.ts';
import { dirname, join } from 'node:path';

export interface Aperture {
  /** Lower-left corner of the grid, arcsec. */
  readonly minX: number;
  readonly minY: number;
  /** Grid extent, arcsec. */
  readonly sizeX: number;
  readonly sizeY: number;
  /** Counter-clockwise angle from the galaxy major axis to the data x-axis, degrees. */
  readonly angleDeg: number;
  /** Pixels along x and y. */
  readonly nx: number;
  readonly ny: number;
}

const APERTURE_HEADER = '#counter_rotation_boxed_aperturefile_version_2';
const BINS_HEADER = '#Counterrotaton_binning_version_1';

function numbers(line: string | undefined, count: number, where: string, what: string): number[] {
  const toks = (line ?? '').trim().split(/\s+/).filter((s) => s !== '');
  if (toks.length < count) throw new InputError(where, `needs ${count} number(s) (${what}), found '${(line ?? '').trim()}'`);
  return toks.slice(0, count).map((s) => {
    const v = Number(s.replace(/[dD]/, 'e'));
    if (!Number.isFinite(v) || s === '') throw new InputError(where, `'${s}' is not a number; give ${what}`);
    return v;
  });
}

/** Parses aperture.dat text (see the module comment). Extra lines after the fifth are ignored. */
export function parseAperture(text: string, source: string): Aperture {
  const lines = text.split(/\r?\n/);
  if (lines.every((l) => l.trim() === '')) throw new InputError(source, `is empty; give a DYNAMITE aperture file starting with ${APERTURE_HEADER}`);
  if (lines[0].trim() !== APERTURE_HEADER) {
    throw new InputError(`${source}:row 1`, `is '${lines[0].trim()}'; a boxed aperture file starts with ${APERTURE_HEADER}`);
  }
  const [minX, minY] = numbers(lines[1], 2, `${source}:row 2`, 'min_x min_y in arcsec');
  const [sizeX, sizeY] = numbers(lines[2], 2, `${source}:row 3`, 'extent_x extent_y in arcsec');
  const [angleDeg] = numbers(lines[3], 1, `${source}:row 4`, 'the rotation angle in degrees');
  const [nx, ny] = numbers(lines[4], 2, `${source}:row 5`, 'the pixel counts nx ny');
  if (!(sizeX > 0 && sizeY > 0)) throw new InputError(`${source}:row 3`, `extent (${sizeX}, ${sizeY}) must be > 0 arcsec`);
  if (!(Number.isInteger(nx) && Number.isInteger(ny) && nx > 0 && ny > 0)) throw new InputError(`${source}:row 5`, `pixel counts (${nx}, ${ny}) must be positive integers`);
  return { minX, minY, sizeX, sizeY, angleDeg, nx, ny };
}

/**
 * Parses bins.dat text: returns the bin id of each pixel (0 = none). Checks the header line, that
 * the count line equals the number of ids, and (when `npix` is given) that it equals nx*ny.
 */
export function parseBins(text: string, source: string, npix?: number): Int32Array {
  const lines = text.split(/\r?\n/);
  if (lines.every((l) => l.trim() === '')) throw new InputError(source, `is empty; give a DYNAMITE binning file starting with ${BINS_HEADER}`);
  if (lines[0].trim() !== BINS_HEADER) throw new InputError(`${source}:row 1`, `is '${lines[0].trim()}'; a DYNAMITE binning file starts with ${BINS_HEADER}`);
  const [count] = numbers(lines[1], 1, `${source}:row 2`, 'the number of pixels');
  if (!(Number.isInteger(count) && count > 0)) throw new InputError(`${source}:row 2`, `pixel count ${count} must be a positive integer`);
  if (npix !== undefined && count !== npix) throw new InputError(`${source}:row 2`, `has ${count} pixels but the aperture grid has ${npix} (nx*ny); use the bins.dat made with this aperture.dat`);
  const ids = new Int32Array(count);
  let k = 0;
  for (let l = 2; l < lines.length; l++) {
    for (const tok of lines[l].trim().split(/\s+/)) {
      if (tok === '') continue;
      if (!/^\d+$/.test(tok)) throw new InputError(`${source}:row ${l + 1}`, `'${tok}' is not a bin id; ids are integers >= 0 (0 = no bin)`);
      if (k >= count) throw new InputError(`${source}:row ${l + 1}`, `has more than the ${count} ids its count line announces`);
      ids[k++] = Number(tok);
    }
  }
  if (k !== count) throw new InputError(source, `has ${k} ids but its count line announces ${count}; the file is truncated or the count is wrong`);
  return ids;
}

/** Centre (arcsec, input coordinates) of pixel k of the aperture grid, x running fastest. */
export function pixelCentre(ap: Aperture, k: number): [number, number] {
  const i = k % ap.nx;
  const j = Math.floor(k / ap.nx);
  return [ap.minX + ((i + 0.5) * ap.sizeX) / ap.nx, ap.minY + ((j + 0.5) * ap.sizeY) / ap.ny];
}

/**
 * Reads DYNAMITE kinematics: the ECSV (path) with its aperture.dat and bins.dat (options, else
 * beside the ECSV). V has the systemic velocity removed upstream; `opts.vsys` subtracts more.
 */
export function readDynamiteKinematics(path: string, opts: KinematicsReadOptions = {}, table?: EcsvTable): Kinematics {
  const t = table ?? parseEcsv(readText(path), path);
  const apPath = opts.aperture ?? join(dirname(path), 'aperture.dat');
  const binsPath = opts.bins ?? join(dirname(path), 'bins.dat');
  const ap = parseAperture(readText(apPath), apPath);
  const ids = parseBins(readText(binsPath), binsPath, ap.nx * ap.ny);

  const names = { vbin_id: ['vbin_id'], v: ['v'], v_err: ['dv'], sigma: ['sigma'], sigma_err: ['dsigma'] } as const;
  const col = {} as Record<keyof typeof names, number>;
  const fields = Object.entries(names) as [keyof typeof names, readonly string[]][];
  for (const [f, aliases] of fields) col[f] = findColumn(t, aliases);
  for (const [f, aliases] of fields) {
    if (col[f] < 0) throw missingColumn(t, aliases, 'DYNAMITE Gauss-Hermite kinematics', Object.values(col));
  }
  const vbin = numberColumn(t, col.vbin_id, 'the bin id');
  const n = t.nrows;
  for (let i = 0; i < n; i++) {
    if (vbin[i] !== i + 1) {
      throw new InputError(cellWhere(t, i, col.vbin_id), `is ${vbin[i]} but this is table row ${i + 1}; DYNAMITE pairs bins.dat ids with rows in order, so vbin_id must run 1..${n}`);
    }
  }
  const sx = new Float64Array(n);
  const sy = new Float64Array(n);
  const count = new Float64Array(n);
  const px: number[] = [];
  const py: number[] = [];
  const pb: number[] = [];
  for (let k = 0; k < ids.length; k++) {
    const id = ids[k];
    if (id === 0) continue;
    if (id > n) throw new InputError(binsPath, `pixel ${k + 1} has bin id ${id} but ${path} has only ${n} bins; use the bins.dat made with this table`);
    const [x, y] = pixelCentre(ap, k);
    sx[id - 1] += x;
    sy[id - 1] += y;
    count[id - 1]++;
    px.push(x);
    py.push(y);
    pb.push(id - 1);
  }
  for (let i = 0; i < n; i++) {
    if (count[i] === 0) throw new InputError(cellWhere(t, i, col.vbin_id), `bin ${i + 1} has no pixel in ${binsPath}; use the bins.dat made with this table`);
  }
  const dx = ap.sizeX / ap.nx;
  const dy = ap.sizeY / ap.ny;
  const notes = [`bin centres: plain mean of each bin's pixels in ${binsPath} (${px.length} pixels of ${dx}" x ${dy}")`];
  if (Math.abs(dx - dy) > 1e-9 * dx) notes.push(`pixels are not square (${dx}" x ${dy}"); pixsize is taken as ${dx}"`);
  const paDeg = paFromDynamiteAngle(ap.angleDeg);
  notes.push(`${apPath} angle ${ap.angleDeg} deg = position angle ${paDeg} deg (major axis along (-sin PA, cos PA)); not applied by the reader`);
  const field: Record<string, number> = { v: col.v, v_err: col.v_err, sigma: col.sigma, sigma_err: col.sigma_err, bin_id: col.vbin_id };
  return buildKinematics(
    {
      source: path,
      format: 'dynamite',
      x: sx.map((s, i) => s / count[i]),
      y: sy.map((s, i) => s / count[i]),
      v: numberColumn(t, col.v, 'V in km/s'),
      vErr: numberColumn(t, col.v_err, 'the V error in km/s'),
      sigma: numberColumn(t, col.sigma, 'sigma in km/s'),
      sigmaErr: numberColumn(t, col.sigma_err, 'the sigma error in km/s'),
      binId: vbin,
      row: Int32Array.from({ length: n }, (_, i) => t.rowNumber(i)),
      pixels: { x: Float64Array.from(px), y: Float64Array.from(py), bin: Int32Array.from(pb), pixsize: dx },
      psf: ecsvPsf(t),
      paDeg,
      vsysRemoved: true,
      notes,
      where: (i, f) => (field[f] !== undefined ? cellWhere(t, i, field[f]) : `${binsPath}: bin ${i + 1}`),
    },
    opts,
  );
}
