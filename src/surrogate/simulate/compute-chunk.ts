/**
 * Computes one chunk of the training set and writes it atomically: the unit of work of a
 * `jamfit simulate` worker (worker.mjs) and of a serial run. The bytes depend only on the
 * configuration and the chunk index.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../../../core/atomic-write.ts';
import { canonicalImage } from '../../photometry/canonical-image.ts';
import { drawDomain } from '../domain.ts';
import { thetaLogRGrid } from '../grid.ts';
import { encodeChunk, PARAM_COLUMNS } from './chunk-format.ts';
import { chunkFile, chunkRange, fingerprint, type ChunkEntry, type SimulateConfig } from './config.ts';
import { MFL_COLUMNS, mflRow } from './mfl-model.ts';
import { trainingModel, trainingV } from './training-model.ts';

/** The encoded chunk `index` of configuration `c` (header + payload, see chunk-format.ts). */
export function computeChunk(c: SimulateConfig, index: number): Uint8Array {
  if (c.galaxies) return computeMflChunk(c, index);
  const { first, count } = chunkRange(c, index);
  const grid = thetaLogRGrid(c.grid);
  const nG = grid.x.length;
  const nCol = PARAM_COLUMNS.length;
  const side = c.image.size;
  const params = new Float64Array(count * nCol);
  const v = new Float32Array(count * nG);
  const images = side > 0 ? new Float32Array(count * side * side) : null;
  for (let j = 0; j < count; j++) {
    const p = drawDomain(c.domain, c.seed, first + j);
    const model = trainingModel(p);
    const { v: vj } = trainingV(p, grid.x, grid.y, c.nodes, model);
    params.set(p, j * nCol);
    params[j * nCol + 5] = model.re;
    params[j * nCol + 6] = model.ie;
    params[j * nCol + 7] = model.mgeMaxRelErr;
    v.set(vj, j * nG);
    if (images) images.set(canonicalImage({ kind: 'mge', mge: model.light }, c.image).pixels, j * side * side);
  }
  return encodeChunk({ index, first, count, gridPoints: nG, imageSize: side, fingerprint: fingerprint(c) }, { params, v, images });
}

/** A chunk of a multi-component set: rows of mfl-model.ts, P and Q as float32. */
function computeMflChunk(c: SimulateConfig, index: number): Uint8Array {
  const { first, count } = chunkRange(c, index);
  const grid = thetaLogRGrid(c.grid);
  const nG = grid.x.length;
  const nCol = MFL_COLUMNS.length;
  const params = new Float64Array(count * nCol);
  const v = new Float32Array(count * 2 * nG);
  for (let j = 0; j < count; j++) {
    const row = mflRow(c.seed, first + j, c.galaxies!, grid.x, grid.y, c.nodes);
    params.set(row.params, j * nCol);
    v.set(row.pq, j * 2 * nG);
  }
  return encodeChunk({ index, first, count, gridPoints: 2 * nG, imageSize: 0, columns: nCol, fingerprint: fingerprint(c) }, { params, v, images: null });
}

/** Computes chunk `index` and writes it to `dir` atomically; returns its manifest entry. */
export function writeChunk(c: SimulateConfig, index: number, dir: string): ChunkEntry {
  const buf = computeChunk(c, index);
  const file = chunkFile(index);
  writeFileAtomic(join(dir, file), buf);
  const { first, count } = chunkRange(c, index);
  const crc32 = new DataView(buf.buffer, buf.byteOffset).getUint32(36, true);
  return { file, index, first, count, bytes: buf.length, crc32 };
}
