// The shared-memory channel between the main thread (parallel.ts) and a pool worker (worker.mjs),
// defined once so that both sides always agree on the layout. Plain JavaScript: the worker loads it
// without a TypeScript loader.
//
// Layout of one SharedArrayBuffer: Int32 control words, then Float64 rows of positions (maxRows x
// ndim), log-probabilities (maxRows) and blobs (maxRows x nblobs), then MSG_BYTES of UTF-8 for an
// error message from the worker.

/** Indices of the Int32 control words. */
export const SEQ = 0, DONE = 1, ROWS = 2, STATUS = 3, ERR_ROW = 4, MSG_LEN = 5, CTRL_INTS = 8;
export const MSG_BYTES = 2048;

export function channelBytes(ndim, nblobs, maxRows) {
  return CTRL_INTS * 4 + (maxRows * ndim + maxRows + maxRows * nblobs) * 8 + MSG_BYTES;
}

/** Typed views onto a channel buffer of `channelBytes(ndim, nblobs, maxRows)` bytes. */
export function channelViews(sab, ndim, nblobs, maxRows) {
  let off = CTRL_INTS * 4;
  const x = new Float64Array(sab, off, maxRows * ndim);
  off += maxRows * ndim * 8;
  const lp = new Float64Array(sab, off, maxRows);
  off += maxRows * 8;
  const blobs = new Float64Array(sab, off, maxRows * nblobs);
  off += maxRows * nblobs * 8;
  const msg = new Uint8Array(sab, off, MSG_BYTES);
  return { ctrl: new Int32Array(sab, 0, CTRL_INTS), x, lp, blobs, msg };
}
