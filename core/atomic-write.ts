/**
 * Writes a file so that readers never see it half-written, even after a crash: write a temporary
 * file beside it, fsync it, then rename (atomic on POSIX file systems). Creates the parent
 * directory. On failure the temporary file is removed and the old file, if any, is untouched.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * @param opts.durable  fsync before the rename (default true). false keeps the atomicity (a kill
 *   never leaves a torn file: the rename is atomic and the page cache survives the process) but
 *   not power-loss durability: for files rewritten often whose loss costs nothing, like a log.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, opts: { durable?: boolean } = {}): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      const buf = typeof data === 'string' ? Buffer.from(data) : data;
      for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off);
      // Without the fsync a crash after the rename can leave an empty file under the final name.
      if (opts.durable !== false) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
