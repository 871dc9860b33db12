/**
 * A resumable training-set run: chunks computed in parallel (piscina, one task per chunk) or in
 * this thread, each written atomically as its own self-validating file, and a manifest rewritten
 * atomically after every chunk. On restart, chunks that verify (header, size, CRC) are kept and
 * skipped; missing, truncated or corrupt ones are recomputed; leftover temporary files of a killed
 * run are removed. A directory holding another configuration's manifest is refused.
 */
import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../../../core/atomic-write.ts';
import { InputError } from '../../../core/errors.ts';
import { decodeChunk } from './chunk-format.ts';
import { buildManifest, checkConfig, chunkCount, chunkFile, chunkRange, columnsOf, fingerprint, identity, valuesPerRow, type ChunkEntry, type Manifest, type SimulateConfig } from './config.ts';
import { thetaLogRGrid } from '../grid.ts';
import { writeChunk } from './compute-chunk.ts';

export const MANIFEST = 'manifest.json';

export interface SimulateOptions {
  /** Worker threads (1 = compute in this thread). Default 1. */
  workers?: number;
  /** Called after every chunk written, with maps done so far (including skipped ones) and the total. */
  onChunk?: (done: number, total: number, entry: ChunkEntry) => void;
}

export interface SimulateResult {
  computed: number;
  skipped: number;
  chunks: number;
  manifest: Manifest;
}

/** Names of the identity fields in which an existing manifest differs from `c`. */
function differences(old: Record<string, unknown>, c: SimulateConfig): string[] {
  const now = identity(c) as Record<string, unknown>;
  return Object.keys(now).filter((k) => JSON.stringify(old[k]) !== JSON.stringify(now[k]));
}

/** Makes sure `out` can hold this run; returns the existing manifest, if any. Writes nothing. */
function checkOut(out: string, c: SimulateConfig): Manifest | null {
  if (existsSync(out)) {
    if (!statSync(out).isDirectory()) throw new InputError('out', `${out} exists and is not a directory; give a new or empty directory`);
    try {
      accessSync(out, constants.W_OK);
    } catch {
      throw new InputError('out', `${out} is not writable; give a directory you can write to`);
    }
    const mpath = join(out, MANIFEST);
    if (!existsSync(mpath)) {
      const other = readdirSync(out).filter((f) => !/^chunk-\d{6}\.bin(\.tmp-.*)?$/.test(f) && !f.startsWith(`${MANIFEST}.tmp-`));
      if (other.length > 0) throw new InputError('out', `${out} is not empty and holds no ${MANIFEST}; give a new or empty directory`);
      return null;
    }
    let old: Manifest;
    try {
      old = JSON.parse(readFileSync(mpath, 'utf8'));
    } catch (e) {
      throw new InputError(mpath, `is not valid JSON (${(e as Error).message}); delete the directory or give another --out`);
    }
    const diff = differences(old as unknown as Record<string, unknown>, c);
    if (diff.length > 0) {
      throw new InputError('out', `${out} holds a dataset made with a different ${diff.join(', ')} (${old.command ?? 'unknown command'}); rerun with those arguments to complete it, or give a new --out`);
    }
    return old;
  }
  // Find the nearest existing ancestor and check that the directory could be created there.
  let parent = dirname(resolve(out));
  while (!existsSync(parent) && dirname(parent) !== parent) parent = dirname(parent);
  try {
    accessSync(parent, constants.W_OK);
  } catch {
    throw new InputError('out', `${out} cannot be created (${parent} is not writable); give a directory you can write to`);
  }
  return null;
}

/** Is chunk `index` on disk and complete for configuration `c`? */
function verifyChunk(c: SimulateConfig, dir: string, index: number): ChunkEntry | null {
  const file = chunkFile(index);
  const path = join(dir, file);
  if (!existsSync(path)) return null;
  const buf = readFileSync(path);
  const { first, count } = chunkRange(c, index);
  const grid = thetaLogRGrid(c.grid);
  const r = decodeChunk(buf, { index, first, count, gridPoints: valuesPerRow(c, grid.x.length), imageSize: c.image.size, columns: columnsOf(c).length, fingerprint: fingerprint(c) });
  if (typeof r === 'string') return null;
  return { file, index, first, count, bytes: buf.length, crc32: buf.readUInt32LE(36) };
}

/**
 * Runs (or completes) the training set `c` in directory `out`. Validates everything before it
 * writes anything; throws InputError for a bad configuration or an unusable `out`.
 */
export async function simulate(c: SimulateConfig, out: string, opts: SimulateOptions = {}): Promise<SimulateResult> {
  checkConfig(c);
  const workers = opts.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1 || workers > 256) throw new InputError('workers', `is ${workers}; give an integer in [1, 256]`);
  checkOut(out, c);
  try {
    mkdirSync(out, { recursive: true });
  } catch (e) {
    throw new InputError('out', `${out} cannot be created (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); give a directory you can write to`);
  }
  // Temporary files of a killed run: never complete, always safe to drop.
  for (const f of readdirSync(out)) if (/\.tmp-\d+-\d+$/.test(f)) rmSync(join(out, f), { force: true });

  const nChunks = chunkCount(c);
  const entries: (ChunkEntry | null)[] = new Array(nChunks).fill(null);
  const pending: number[] = [];
  for (let i = 0; i < nChunks; i++) {
    entries[i] = verifyChunk(c, out, i);
    if (!entries[i]) pending.push(i);
  }
  const skipped = nChunks - pending.length;
  const writeManifest = () => {
    const m = buildManifest(c, out, entries.filter((e): e is ChunkEntry => e !== null));
    writeFileAtomic(join(out, MANIFEST), JSON.stringify(m, null, 1) + '\n');
    return m;
  };
  writeManifest();
  let done = entries.reduce((s, e) => s + (e ? e.count : 0), 0);
  const finish = (e: ChunkEntry) => {
    entries[e.index] = e;
    done += e.count;
    writeManifest();
    opts.onChunk?.(done, c.n, e);
  };

  if (workers === 1 || pending.length <= 1) {
    for (const i of pending) finish(writeChunk(c, i, out));
  } else {
    const { Piscina } = await import('piscina');
    const pool = new Piscina({
      filename: fileURLToPath(new URL('./worker.mjs', import.meta.url)),
      minThreads: Math.min(workers, pending.length),
      maxThreads: Math.min(workers, pending.length),
    });
    try {
      await Promise.all(pending.map((i) => pool.run({ config: c, index: i, dir: out }).then((e: ChunkEntry) => finish(e))));
    } finally {
      await pool.destroy();
    }
  }
  const manifest = writeManifest();
  return { computed: pending.length, skipped, chunks: nChunks, manifest };
}
