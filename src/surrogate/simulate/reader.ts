/**
 * Loads a training set written by `jamfit simulate`, verifying the manifest and every chunk
 * (header, size, CRC-32). Any problem is one InputError naming the file and the fix.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../../core/errors.ts';
import { thetaLogRGrid, type ThetaLogRGrid } from '../grid.ts';
import { decodeChunk } from './chunk-format.ts';
import { checkConfig, chunkCount, chunkFile, chunkRange, columnsOf, fingerprint, FORMAT, FORMAT_VERSION, valuesPerRow, type Manifest, type SimulateConfig } from './config.ts';
import { MANIFEST } from './run.ts';

export interface TrainingSet {
  manifest: Manifest;
  grid: ThetaLogRGrid;
  /** Maps in the set. */
  n: number;
  /** Names of the parameter columns (PARAM_COLUMNS, or MFL_COLUMNS for a multi-component set). */
  columns: readonly string[];
  /** [n x columns.length] float64, map-major. */
  params: Float64Array;
  /**
   * float32, row-major: [n x grid points] dimensionless v, or for a multi-component set
   * [n x 2 x grid points], P then Q (v^2 = P + b Q; mfl-model.ts).
   */
  v: Float32Array;
  /** [n x size x size] float32 canonical images, or null when none were stored (or not asked for). */
  images: Float32Array | null;
  /** Indices of the chunks read, in order (rows are packed in this order). */
  chunksRead: number[];
}

export interface ReadOptions {
  /** Load the images too (default true). */
  images?: boolean;
  /**
   * Accept a set that is still being generated (or was stopped): read every chunk the manifest
   * lists as complete, each verified as usual, packed in chunk order (default false: an
   * incomplete set is an error). For development only; `n` is then the number of maps read.
   */
  partial?: boolean;
}

/** Reads the training set in `dir`. */
export function readTrainingSet(dir: string, opts: ReadOptions = {}): TrainingSet {
  const mpath = join(dir, MANIFEST);
  if (!existsSync(mpath)) throw new InputError(mpath, 'not found; give a directory made by `jamfit simulate`');
  let m: Manifest;
  try {
    m = JSON.parse(readFileSync(mpath, 'utf8'));
  } catch (e) {
    throw new InputError(mpath, `is not valid JSON (${(e as Error).message}); rerun \`jamfit simulate\` with the same arguments to rewrite it`);
  }
  if (m.format !== FORMAT || m.formatVersion !== FORMAT_VERSION) throw new InputError(mpath, `is format ${m.format} v${m.formatVersion}, not ${FORMAT} v${FORMAT_VERSION}; regenerate it with this version's \`jamfit simulate\``);
  const c: SimulateConfig = { n: m.n, seed: m.seed, chunk: m.chunk, grid: m.grid, image: m.image, nodes: m.nodes, domain: m.domain, ...(m.galaxies ? { galaxies: m.galaxies } : {}) };
  try {
    checkConfig(c);
  } catch (e) {
    throw new InputError(mpath, `has an invalid configuration (${(e as Error).message}); regenerate the dataset`);
  }
  // Recomputed from the fields, so an edited manifest cannot vouch for chunks of another run.
  const expectFp = m.fingerprint;
  const fix = `rerun \`${m.command}\` to complete it`;
  if (expectFp !== fingerprint(c, m.packageVersion)) throw new InputError(mpath, `its fingerprint does not match its configuration (edited by hand?); ${fix}`);
  // The chunks to read, in index order: all of them, or (partial) those the manifest lists.
  let which = Array.from({ length: chunkCount(c) }, (_, i) => i);
  if (!m.complete) {
    if (!opts.partial) throw new InputError(mpath, `says the dataset is incomplete (${m.chunks?.length ?? 0} of ${chunkCount(c)} chunks); ${fix}`);
    // Chunks finish out of order across workers (and a killed worker leaves gaps): read every
    // listed one, packed in index order.
    const listed = new Set((m.chunks ?? []).map((e) => e.index));
    which = which.filter((i) => listed.has(i));
    if (which.length === 0) throw new InputError(mpath, `lists no complete chunk yet; wait for \`${m.command}\` to write one`);
  }
  const grid = thetaLogRGrid(c.grid);
  const nG = valuesPerRow(c, grid.x.length);
  const columns = columnsOf(c);
  const nCol = columns.length;
  const side = c.image.size;
  const withImages = (opts.images ?? true) && side > 0;
  const nMaps = which.reduce((t, i) => t + chunkRange(c, i).count, 0);
  const params = new Float64Array(nMaps * nCol);
  const v = new Float32Array(nMaps * nG);
  const images = withImages ? new Float32Array(nMaps * side * side) : null;
  let at = 0;
  for (const i of which) {
    const path = join(dir, chunkFile(i));
    if (!existsSync(path)) throw new InputError(path, `is missing; ${fix}`);
    const { first, count } = chunkRange(c, i);
    // The stored fingerprint must match both the manifest's and the one its fields imply.
    const r = decodeChunk(readFileSync(path), { index: i, first, count, gridPoints: nG, imageSize: side, columns: nCol, fingerprint: expectFp });
    if (typeof r === 'string') throw new InputError(path, `${r}; delete it and ${fix}`);
    params.set(r.params, at * nCol);
    v.set(r.v, at * nG);
    if (images && r.images) images.set(r.images, at * side * side);
    at += count;
  }
  return { manifest: m, grid, columns, n: nMaps, params, v, images, chunksRead: which };
}
