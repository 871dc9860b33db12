/**
 * On-disk chain storage: `chain.npy` (steps x nwalkers x ndim), `log_prob.npy` (steps x nwalkers),
 * `blobs.npy` (steps x nwalkers x nblobs, only when nblobs > 0), and a JSON sidecar `state.json`
 * with the dimensions, the number of VALID steps, acceptance counts and the RNG state.
 *
 * Crash safety, in checkpoint order: (1) new rows are written after the valid ones, (2) the data
 * files are fsync'ed, (3) the .npy headers are updated to the new row count, (4) the sidecar is
 * written to a temporary file, fsync'ed and renamed over the old one (atomic on POSIX). A process
 * killed at any instant leaves a sidecar describing a complete, consistent checkpoint; rows and
 * header counts beyond it are discarded (truncated) when the directory is reopened. Other readers
 * (`np.load`) see the header's row count, whose rows are always complete; it can exceed
 * `state.json.iteration` only by rows written after the last checkpoint.
 */
import { closeSync, existsSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../core/atomic-write.ts';
import { InputError } from '../../core/errors.ts';
import type { RngState } from '../rng.ts';
import type { SamplerState } from '../state.ts';
import type { Dims } from './backend.ts';
import { MemoryBackend } from './memory.ts';
import { NPY_HEADER_BYTES, npyHeader, readNpy, readNpyHeader } from './npy.ts';

/** Contents of `state.json`. */
export interface Sidecar {
  format: 'jamfit-ensemble-chain';
  version: 1;
  nwalkers: number;
  ndim: number;
  nblobs: number;
  blobNames?: string[];
  /** Number of valid steps (rows) in every .npy file. */
  iteration: number;
  files: { chain: string; logProb: string; blobs: string | null };
  dtype: '<f8';
  /** Accepted proposals per walker. */
  accepted: number[];
  nanCount: number;
  rng: RngState;
  savedAt: string;
}

export interface DiskBackendOptions {
  /** Steps between checkpoints, integer >= 1 (default 100). */
  checkpointEvery?: number;
  /**
   * Minimum wall time between checkpoints in ms, >= 0 (default 1000). A checkpoint costs four
   * fsyncs (~ms); with a cheap likelihood, 100 steps take far less than that, so this keeps the
   * storage overhead per step small. A crash loses at most max(checkpointEvery steps, this time).
   */
  minIntervalMs?: number;
}

/**
 * Disk-backed chain (also kept in memory for `getChain`). Opening a directory that holds a
 * checkpoint loads it: construct the sampler with this backend and call `run(null, nsteps)` to
 * continue; the continued chain is bit-identical to an uninterrupted one.
 */
export class DiskBackend extends MemoryBackend {
  readonly checkpointEvery: number;
  readonly minIntervalMs: number;
  readonly dir: string;
  private lastCheckpointAt = -Infinity;
  private flushed = 0;
  private fds: { chain: number; lp: number; blobs: number } | null = null;

  /**
   * @param dir - directory for the files; created if missing. If it holds a `state.json`, the
   *   chain is loaded from it (and partial appends beyond the checkpoint are truncated).
   */
  constructor(dir: string, opts: DiskBackendOptions = {}) {
    super();
    const every = opts.checkpointEvery ?? 100;
    if (!(Number.isInteger(every) && every >= 1)) throw new InputError('checkpointEvery', `must be an integer >= 1, got ${every}`);
    this.checkpointEvery = every;
    const gap = opts.minIntervalMs ?? 1000;
    if (!(gap >= 0 && Number.isFinite(gap))) throw new InputError('minIntervalMs', `must be a finite number >= 0, got ${gap}`);
    this.minIntervalMs = gap;
    this.dir = dir;
    mkdirSync(dir, { recursive: true });
    if (existsSync(this.path('state.json'))) this.load();
  }

  private path(name: string): string {
    return join(this.dir, name);
  }

  private load(): void {
    let sc: Sidecar;
    try {
      sc = JSON.parse(readFileSync(this.path('state.json'), 'utf8')) as Sidecar;
    } catch (e) {
      throw new InputError(this.path('state.json'), `unreadable sidecar (${(e as Error).message}); remove the directory to start afresh`);
    }
    if (sc.format !== 'jamfit-ensemble-chain') throw new InputError(this.path('state.json'), `format is ${sc.format}, not jamfit-ensemble-chain`);
    const { nwalkers, ndim, nblobs, iteration } = sc;
    super.init({ nwalkers, ndim, nblobs, blobNames: sc.blobNames });
    const x = readNpy(this.path(sc.files.chain), iteration);
    const lp = readNpy(this.path(sc.files.logProb), iteration);
    if (x.shape[1] !== nwalkers || x.shape[2] !== ndim) throw new InputError(this.path(sc.files.chain), `shape ${x.shape} does not match the sidecar (nwalkers ${nwalkers}, ndim ${ndim})`);
    const b = nblobs > 0 && sc.files.blobs ? readNpy(this.path(sc.files.blobs), iteration).data : new Float64Array(0);
    this.x = x.data;
    this.lp = lp.data;
    this.b = b;
    this.cap = iteration;
    this.iteration = iteration;
    this.flushed = iteration;
    this.openFiles(false);
    this.lastCheckpointAt = performance.now();
    const W = nwalkers;
    const last = iteration - 1;
    this.saved = {
      iteration,
      positions: iteration > 0 ? this.x.slice(last * W * ndim, iteration * W * ndim) : new Float64Array(W * ndim),
      logProb: iteration > 0 ? this.lp.slice(last * W, iteration * W) : new Float64Array(W),
      blobs: iteration > 0 ? this.b.slice(last * W * nblobs, iteration * W * nblobs) : new Float64Array(W * nblobs),
      accepted: Float64Array.from(sc.accepted),
      nanCount: sc.nanCount,
      rng: sc.rng,
    };
    if (iteration === 0) this.saved = null;
  }

  /** Opens (fresh: creates) the .npy files and truncates them to the valid rows. */
  private openFiles(fresh: boolean): void {
    const { nwalkers, ndim, nblobs } = this.dims!;
    const open = (name: string, rowLen: number, shapeTail: number[]) => {
      const p = this.path(name);
      const fd = openSync(p, fresh || !existsSync(p) ? 'w+' : 'r+');
      if (!fresh) {
        const { offset } = readNpyHeader(fd, p);
        if (offset !== NPY_HEADER_BYTES) throw new InputError(p, `header is ${offset} bytes, expected ${NPY_HEADER_BYTES}; not written by jamfit`);
      }
      ftruncateSync(fd, NPY_HEADER_BYTES + this.flushed * rowLen * 8);
      writeSync(fd, npyHeader([this.flushed, ...shapeTail]), 0, NPY_HEADER_BYTES, 0);
      return fd;
    };
    this.fds = {
      chain: open('chain.npy', nwalkers * ndim, [nwalkers, ndim]),
      lp: open('log_prob.npy', nwalkers, [nwalkers]),
      blobs: nblobs > 0 ? open('blobs.npy', nwalkers * nblobs, [nwalkers, nblobs]) : -1,
    };
  }

  override wantsCheckpoint(iteration: number): boolean {
    return iteration % this.checkpointEvery === 0 && performance.now() - this.lastCheckpointAt >= this.minIntervalMs;
  }

  override init(dims: Dims): void {
    super.init(dims);
    this.flushed = 0;
    this.lastCheckpointAt = performance.now();
    this.closeFiles();
    this.openFiles(true);
    this.writeSidecar(null);
  }

  override checkpoint(state: SamplerState): void {
    super.checkpoint(state);
    const { nwalkers, ndim, nblobs } = this.dims!;
    if (!this.fds) this.openFiles(false); // closed by close(); the sampler may run again
    const fds = this.fds!;
    const from = this.flushed;
    const to = this.iteration;
    const put = (fd: number, arr: Float64Array, rowLen: number, tail: number[]) => {
      const a = arr.subarray(from * rowLen, to * rowLen);
      writeSync(fd, new Uint8Array(a.buffer, a.byteOffset, a.byteLength), 0, a.byteLength, NPY_HEADER_BYTES + from * rowLen * 8);
      fsyncSync(fd);
      writeSync(fd, npyHeader([to, ...tail]), 0, NPY_HEADER_BYTES, 0);
    };
    put(fds.chain, this.x, nwalkers * ndim, [nwalkers, ndim]);
    put(fds.lp, this.lp, nwalkers, [nwalkers]);
    if (nblobs > 0) put(fds.blobs, this.b, nwalkers * nblobs, [nwalkers, nblobs]);
    this.flushed = to;
    this.writeSidecar(state);
    this.lastCheckpointAt = performance.now();
  }

  private writeSidecar(state: SamplerState | null): void {
    const d = this.dims!;
    const sc: Sidecar = {
      format: 'jamfit-ensemble-chain',
      version: 1,
      nwalkers: d.nwalkers,
      ndim: d.ndim,
      nblobs: d.nblobs,
      ...(d.blobNames ? { blobNames: d.blobNames } : {}),
      iteration: this.flushed,
      files: { chain: 'chain.npy', logProb: 'log_prob.npy', blobs: d.nblobs > 0 ? 'blobs.npy' : null },
      dtype: '<f8',
      accepted: state ? Array.from(state.accepted) : new Array(d.nwalkers).fill(0),
      nanCount: state ? state.nanCount : 0,
      rng: state ? state.rng : ({ algorithm: 'xor4096', xor4096: { i: 0, w: 0, X: [] }, spare: null } as RngState),
      savedAt: new Date().toISOString(),
    };
    writeFileAtomic(this.path('state.json'), JSON.stringify(sc, null, 1));
  }

  private closeFiles(): void {
    if (!this.fds) return;
    for (const fd of [this.fds.chain, this.fds.lp, this.fds.blobs]) if (fd >= 0) closeSync(fd);
    this.fds = null;
  }

  /** Closes the file descriptors (the data stays valid on disk). */
  close(): void {
    this.closeFiles();
  }
}
