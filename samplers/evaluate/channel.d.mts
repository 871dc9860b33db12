export declare const SEQ: 0, DONE: 1, ROWS: 2, STATUS: 3, ERR_ROW: 4, MSG_LEN: 5, CTRL_INTS: 8;
export declare const MSG_BYTES: 2048;
export declare function channelBytes(ndim: number, nblobs: number, maxRows: number): number;
export declare function channelViews(
  sab: SharedArrayBuffer,
  ndim: number,
  nblobs: number,
  maxRows: number,
): { ctrl: Int32Array; x: Float64Array; lp: Float64Array; blobs: Float64Array; msg: Uint8Array };
