/**
 * Binned IFU stellar kinematics, the one type every kinematics reader returns, and
 * `readKinematics`, which picks the reader from the file name:
 *   .csv                    -> csv.ts   (x,y,vrms,vrms_err  or  x,y,v,v_err,sigma,sigma_err)
 *   .ecsv with vbin_id      -> dynamite.ts (DYNAMITE's gauss_hermite_kins.ecsv + bins.dat + aperture.dat)
 *   .ecsv otherwise         -> ecsv.ts  (the same columns as the CSV)
 *   .fits / .fit / .fts     -> fits.ts  (CALIFA/ATLAS3D-style binary tables)
 * Units: positions in arcsec, velocities in km/s. Coordinates are the file's (input sky
 * coordinates) until `orientKinematics` (kinematics-build.ts) rotates them into the galaxy frame.
 * Errors are InputErrors whose `where` is `file:row N column C` (row = line number of a text
 * file, 1-based table row of a FITS table).
 */
import { extname } from 'node:path';
import { InputError } from '../../core/errors.ts';
import { readCsvKinematics } from './csv.ts';
import { readDynamiteKinematics } from './dynamite.ts';
import { isDynamiteTable, parseEcsv, readEcsvKinematics } from './ecsv.ts';
import { readFitsKinematics, type FitsKinematicsColumns } from './fits.ts';
import { readText } from './table.ts';

/** Pixels (spaxels) that make up each bin, when the file gives them (FITS spaxel tables, bins.dat). */
export interface BinPixels {
  /** Pixel centres, arcsec, in the same frame as the bins' x, y. */
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** Index (0-based, into the bin arrays) of the bin each pixel belongs to. */
  readonly bin: Int32Array;
  /** Pixel side in arcsec (square pixels). */
  readonly pixsize: number;
}

export interface KinematicsMeta {
  readonly format: 'csv' | 'ecsv' | 'dynamite' | 'fits';
  /** 'input': the file's coordinates; 'galaxy': rotated by `orientation` (x' on the major axis). */
  readonly frame: 'input' | 'galaxy';
  /** The rotation applied when frame = 'galaxy'. */
  readonly orientation?: { paDeg: number; x0: number; y0: number };
  /** Systemic velocity removed from V (km/s) and how it was obtained; absent when V_rms was given. */
  readonly vsys?: { kms: number; method: 'given' | 'estimated' | 'removed upstream' };
  /** PSF from the file's metadata (arcsec; weights normalised), when it has one. */
  readonly psf?: { sigma: number[]; weight: number[] };
  /** Position angle implied by the file (DYNAMITE's aperture angle), degrees; not applied by the reader. */
  readonly paDeg?: number;
  /** Things the reader decided that the user should know (ignored columns, centre choices, ...). */
  readonly notes: string[];
}

export interface Kinematics {
  /** Bin centres, arcsec. */
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** V_rms = sqrt(V^2 + sigma^2) and its 1-sigma error, km/s (error > 0). */
  readonly vrms: Float64Array;
  readonly vrmsErr: Float64Array;
  /** Mean velocity with the systemic velocity removed, and dispersion, km/s (when the file has them). */
  readonly v?: Float64Array;
  readonly vErr?: Float64Array;
  readonly sigma?: Float64Array;
  readonly sigmaErr?: Float64Array;
  /** Bin flux in the file's units (sum over the bin's spaxels for spaxel tables). */
  readonly flux?: Float64Array;
  /** 1 = use the bin, 0 = masked (a `good` column or the `mask` option). Always present. */
  readonly good: Uint8Array;
  /** Bin identifiers as in the file (integers). */
  readonly binId?: Float64Array;
  /** 1-based row of each bin in the file (line number for text files; first spaxel row for FITS). */
  readonly row: Int32Array;
  readonly pixels?: BinPixels;
  /** File name (as given) the bins came from. */
  readonly source: string;
  readonly meta: KinematicsMeta;
}

/** Bins to exclude: by identifier (the file's bin ids) and/or by 0-based position in the file. */
export interface BinMask {
  readonly ids?: readonly number[];
  readonly indices?: readonly number[];
}

export interface KinematicsReadOptions {
  /** Systemic velocity to subtract from V, km/s (0: V already has it removed). Default: estimated. */
  readonly vsys?: number;
  readonly mask?: BinMask;
  /** DYNAMITE: bins.dat and aperture.dat paths (default: beside the ECSV file). */
  readonly bins?: string;
  readonly aperture?: string;
  /** FITS: the extension (EXTNAME or 0-based HDU index); default the first binary table. */
  readonly extension?: string | number;
  /** FITS: column names that differ from the defaults. */
  readonly fitsColumns?: Partial<FitsKinematicsColumns>;
  /**
   * FITS spaxel tables: bin centres from the spaxels' flux-weighted mean position (default),
   * their plain mean, or the table's own bin-centre columns (XBIN, YBIN).
   */
  readonly centres?: 'flux-weighted' | 'mean' | 'file';
}

/** Reads a kinematics file of any supported format (see the module comment). */
export function readKinematics(path: string, opts: KinematicsReadOptions = {}): Kinematics {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return readCsvKinematics(path, opts);
  if (ext === '.ecsv') {
    const table = parseEcsv(readText(path), path);
    return isDynamiteTable(table) ? readDynamiteKinematics(path, opts, table) : readEcsvKinematics(path, opts, table);
  }
  if (ext === '.fits' || ext === '.fit' || ext === '.fts') return readFitsKinematics(path, opts);
  if (ext === '.gz') throw new InputError(path, 'compressed files are not read; gunzip it first');
  throw new InputError(path, `unknown kinematics format '${ext || '(no extension)'}'; give a .csv, .ecsv or .fits file`);
}
