/**
 * The one progress bar of a batch (cli-progress): galaxies done of the shard's, fits per second
 * in this run, failures, ETA. Like the sampler's bar (samplers/progress.ts) it appears only on a
 * terminal and with CI unset, so Slurm logs and pipes get the per-galaxy lines instead.
 */
import cliProgress from 'cli-progress';

export interface BatchProgress {
  /** One more galaxy finished (done or failed). */
  tick(failed: boolean): void;
  stop(): void;
}

/**
 * The bar, or null when it should stay silent.
 * @param total - the shard's galaxies; @param already - those finished before this run (shown as done).
 * @param stream - where to draw (default stderr); @param force - draw on a non-TTY too (tests).
 */
export function createBatchProgress(total: number, already: number, opts: { stream?: NodeJS.WriteStream; force?: boolean } = {}): BatchProgress | null {
  const stream = opts.stream ?? process.stderr;
  if (!opts.force && (!stream.isTTY || process.env.CI)) return null;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: 'batch |{bar}| {value}/{total} galaxies | {rate} fits/s | {failed} failed | eta {eta_formatted}',
      hideCursor: true,
      clearOnComplete: false,
      fps: 5,
      noTTYOutput: !!opts.force,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  const t0 = performance.now();
  let fits = 0;
  let failed = 0;
  bar.start(total, already, { rate: '-', failed: 0 });
  return {
    tick(f) {
      fits++;
      if (f) failed++;
      const dt = (performance.now() - t0) / 1000;
      const rate = fits / dt;
      // Fixed-point at every size (toPrecision would print 1.70e+3 for a fast batch).
      bar.increment(1, { rate: dt > 0 ? rate.toFixed(rate < 10 ? 2 : rate < 100 ? 1 : 0) : '-', failed });
    },
    stop() {
      bar.stop();
    },
  };
}
