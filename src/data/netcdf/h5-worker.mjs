// The HDF5 side of src/data/netcdf (writer.ts, reader.ts), run in a worker thread of plain Node:
// h5wasm (HDF5 compiled to WebAssembly, a 4 MB module) takes 0.25 s to load in plain Node but
// 3.5 s and 700 MB under tsx's loader (which transforms it), so the sources and the build both
// load it here, in a worker started without the parent's loader hooks (execArgv: []).
// Messages: { id, op: 'write', path, spec } -> { id } and { id, op: 'read', path } -> { id, file };
// a failure -> { id, error } (the first line of the message).
import fs from 'node:fs';
import { parentPort } from 'node:worker_threads';

// HDF5 prints its error stack (HDF5-DIAG ..., dozens of lines) straight to file descriptor 2
// (h5wasm's node build writes through this thread's fs.writeSync); failures come back to the
// caller as one-line messages instead, so this thread's writes to fd 2 are dropped.
const writeSync = fs.writeSync;
fs.writeSync = function (fd, buffer, ...rest) {
  if (fd !== 2) return writeSync.call(this, fd, buffer, ...rest);
  return typeof buffer === 'string' ? Buffer.byteLength(buffer) : (rest[1] ?? buffer.byteLength - (rest[0] ?? 0));
};
const h5wasm = (await import('h5wasm/node')).default;
await h5wasm.ready;

const dtypeOf = (d) => (d instanceof Float64Array ? '<d' : d instanceof Float32Array ? '<f' : d instanceof Int32Array ? '<i' : d instanceof Int8Array ? '<b' : '<q');

function putAttrs(o, attrs) {
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined) continue;
    if (typeof v === 'string') o.create_attribute(k, v);
    else if (typeof v === 'boolean') o.create_attribute(k, v ? 1 : 0, null, '<i');
    else if (typeof v === 'number') {
      if (Number.isInteger(v) && Math.abs(v) < 2 ** 31) o.create_attribute(k, v, null, '<i');
      else o.create_attribute(k, v, null, '<d');
    } else o.create_attribute(k, Float64Array.from(v), [v.length], '<d');
  }
}

function write(path, spec) {
  const f = new h5wasm.File(path, 'w', { track_order: true });
  try {
    putAttrs(f, spec.attrs);
    let dimid = 0;
    for (const g of spec.groups) {
      const grp = f.create_group(g.name, true);
      for (const d of g.dims) {
        const coord = d.coord ?? BigInt64Array.from({ length: d.size }, (_, i) => BigInt(i));
        const ds = grp.create_dataset({ name: d.name, data: coord, shape: [d.size], dtype: dtypeOf(coord), track_order: true });
        ds.make_scale(d.name);
        ds.create_attribute('_Netcdf4Dimid', dimid++, null, '<i');
        putAttrs(ds, d.attrs);
      }
      for (const v of g.variables) {
        const shape = v.dims.map((name) => g.dims.find((d) => d.name === name).size);
        const ds = grp.create_dataset({ name: v.name, data: v.data, shape, dtype: dtypeOf(v.data), track_order: true });
        v.dims.forEach((name, k) => ds.attach_scale(k, `/${g.name}/${name}`));
        putAttrs(ds, v.attrs);
      }
      putAttrs(grp, g.attrs);
    }
  } finally {
    f.close();
  }
}

const HIDDEN = new Set(['CLASS', 'NAME', 'DIMENSION_LIST', 'REFERENCE_LIST', '_Netcdf4Dimid', '_NCProperties', '_Netcdf4Coordinates']);
function attrsOf(o) {
  const out = {};
  for (const [k, a] of Object.entries(o.attrs)) if (!HIDDEN.has(k)) out[k] = a.value;
  return out;
}

function read(path) {
  const f = new h5wasm.File(path, 'r');
  try {
    const out = { attrs: attrsOf(f), groups: {} };
    for (const gname of f.keys()) {
      const g = f.get(gname);
      if (!(g instanceof h5wasm.Group)) continue;
      const group = { attrs: attrsOf(g), variables: {} };
      for (const vname of g.keys()) {
        const ds = g.get(vname);
        if (!(ds instanceof h5wasm.Dataset)) continue;
        const shape = ds.shape ?? [];
        const dims = shape.map((_, k) => {
          const scales = ds.get_attached_scales(k);
          return scales.length ? scales[0].split('/').pop() : (ds.get_scale_name() ?? `dim_${k}`);
        });
        const value = ds.value;
        if (!ArrayBuffer.isView(value)) throw new Error(`variable ${gname}/${vname} is not numeric`);
        group.variables[vname] = { dims, shape, data: value };
      }
      out.groups[gname] = group;
    }
    return out;
  } finally {
    f.close();
  }
}

parentPort.on('message', (m) => {
  try {
    if (m.op === 'write') {
      write(m.path, m.spec);
      parentPort.postMessage({ id: m.id });
    } else {
      parentPort.postMessage({ id: m.id, file: read(m.path) });
    }
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: String(e?.message ?? e).split('\n')[0] });
  }
});
parentPort.postMessage({ ready: true });
