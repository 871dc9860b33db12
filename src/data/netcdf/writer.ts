/**
 * A netCDF-4 writer: groups, dimensions, variables and attributes, laid out as netCDF-C lays them
 * out in HDF5, so that netCDF-C (the netCDF4 Python module, xarray, ArviZ) and h5netcdf read it as
 * netCDF-4 and not as a bare HDF5 file:
 *  - every dimension is an HDF5 dimension scale (CLASS = "DIMENSION_SCALE", NAME = the dimension)
 *    that is also its coordinate variable (a 1-D dataset of the dimension's name; int64 0..n-1
 *    unless coordinates are given), with `_Netcdf4Dimid` (netCDF-C's dimension id, unique in the
 *    file) as netCDF-C writes;
 *  - every variable has its dimensions attached as scales (DIMENSION_LIST on the variable,
 *    REFERENCE_LIST on the scale, written by the HDF5 library's H5DS API);
 *  - links and attributes are created with creation order tracked and indexed (netCDF-C lists
 *    variables and dimensions in creation order);
 *  - the root carries `_NCProperties` (the provenance attribute netCDF-C writes; hidden by readers).
 * HDF5 itself is h5wasm (the HDF5 C library compiled to WebAssembly, an npm package with no
 * native binary; posterior.ts says why it was chosen), run in a worker thread (h5-worker.mjs says
 * why) that starts on first use (about 0.3 s) and does not keep the process alive; importing this
 * module costs nothing.
 * The file is written beside its final name and renamed into place: a reader never sees half a file.
 */
import { renameSync, rmSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { version } from '../../version.ts';

export type NcAttrValue = string | number | boolean | readonly number[];
export type NcData = Float64Array | Float32Array | Int32Array | Int8Array | BigInt64Array;

export interface NcDimension {
  name: string;
  size: number;
  /** Coordinate values (default: int64 0..size-1). */
  coord?: Float64Array | BigInt64Array;
  attrs?: Record<string, NcAttrValue | null | undefined>;
}

export interface NcVariable {
  name: string;
  /** Dimension names, outermost first; each must be a dimension of the same group. */
  dims: string[];
  /** Row-major (C order) values, length = the product of the dimension sizes. */
  data: NcData;
  attrs?: Record<string, NcAttrValue | null | undefined>;
}

export interface NcGroup {
  name: string;
  dims: NcDimension[];
  variables: NcVariable[];
  attrs?: Record<string, NcAttrValue | null | undefined>;
}

export interface NcFile {
  attrs?: Record<string, NcAttrValue | null | undefined>;
  groups: NcGroup[];
}

interface Pending {
  resolve(v: any): void;
  reject(e: Error): void;
}
let worker: Promise<{ w: Worker; pending: Map<number, Pending> }> | null = null;
let nextId = 0;

/** The HDF5 worker (h5-worker.mjs), started once per process; it does not keep the process alive. */
function h5Worker(): Promise<{ w: Worker; pending: Map<number, Pending> }> {
  worker ??= new Promise((resolve, reject) => {
    // execArgv []: no loader hooks (tsx) in the worker, see h5-worker.mjs.
    const w = new Worker(new URL('./h5-worker.mjs', import.meta.url), { execArgv: [] });
    const pending = new Map<number, Pending>();
    w.on('message', (m: { ready?: boolean; id?: number; error?: string }) => {
      if (m.ready) {
        w.unref();
        resolve({ w, pending });
        return;
      }
      const p = pending.get(m.id!);
      if (!p) return;
      pending.delete(m.id!);
      if (pending.size === 0) w.unref();
      if (m.error !== undefined) p.reject(new Error(m.error));
      else p.resolve(m);
    });
    const fail = (e: Error) => {
      worker = null;
      for (const p of pending.values()) p.reject(e);
      pending.clear();
      reject(e);
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`HDF5 worker exited (code ${code})`)));
  });
  return worker;
}

/** Sends one request to the HDF5 worker and waits for its answer. */
export async function h5Request(msg: { op: 'write'; path: string; spec: NcFile } | { op: 'read'; path: string }): Promise<any> {
  const { w, pending } = await h5Worker();
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    w.ref();
    w.postMessage({ ...msg, id });
  });
}

/**
 * Writes `spec` as a netCDF-4 file at `path` (see the module header).
 * @throws Error when a variable names an unknown dimension or its data length does not match.
 */
export async function writeNetcdf4(path: string, spec: NcFile): Promise<void> {
  // Validate before touching the disk.
  for (const g of spec.groups) {
    const size = new Map(g.dims.map((d) => [d.name, d.size]));
    for (const d of g.dims) if (d.coord && d.coord.length !== d.size) throw new Error(`netCDF: dimension ${g.name}/${d.name} has ${d.coord.length} coordinates for size ${d.size}`);
    for (const v of g.variables) {
      let n = 1;
      for (const d of v.dims) {
        const s = size.get(d);
        if (s === undefined) throw new Error(`netCDF: variable ${g.name}/${v.name} names dimension ${d}, not one of group ${g.name}'s`);
        n *= s;
      }
      if (v.data.length !== n) throw new Error(`netCDF: variable ${g.name}/${v.name} has ${v.data.length} values, its dimensions (${v.dims.join(', ')}) hold ${n}`);
    }
  }
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  try {
    const attrs = { _NCProperties: `version=2,jamfit=${version},hdf5=h5wasm`, ...spec.attrs };
    await h5Request({ op: 'write', path: tmp, spec: { ...spec, attrs } });
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
