/**
 * A cli-progress bar for interactive runs: steps, steps/s, mean acceptance, current tau.
 * It appears only when asked for AND stderr is a terminal AND the CI environment variable is unset,
 * so libraries and CI logs stay silent.
 */
import cliProgress from 'cli-progress';

export interface ProgressOptions {
  /** Force the bar on a non-TTY stream (for demos); default false. */
  force?: boolean;
  /** Output stream (default process.stderr). */
  stream?: NodeJS.WriteStream;
}

/** Minimal handle the sampler drives; `update` is throttled by the caller. */
export interface ProgressHandle {
  update(step: number, acceptance: number, tau: number | null, nanCount: number): void;
  stop(): void;
}

/**
 * Creates the bar, or null when it should stay silent.
 * @param total - planned number of steps (the bar's 100 %).
 */
export function createProgress(total: number, opt: boolean | ProgressOptions | undefined): ProgressHandle | null {
  if (!opt) return null;
  const o = opt === true ? {} : opt;
  const stream = o.stream ?? process.stderr;
  if (!o.force && (!stream.isTTY || process.env.CI)) return null;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: 'sampling |{bar}| {value}/{total} steps | {rate} steps/s | acc {acc} | tau {tau}{nan} | eta {eta_formatted}',
      hideCursor: true,
      clearOnComplete: false,
      fps: 10,
      noTTYOutput: !!o.force,
    },
    cliProgress.Presets.shades_classic,
  );
  const t0 = performance.now();
  let first = -1;
  bar.start(total, 0, { rate: '-', acc: '-', tau: '-', nan: '' });
  return {
    update(step, acc, tau, nan) {
      if (first < 0) first = step;
      const dt = (performance.now() - t0) / 1000;
      bar.update(step, {
        rate: dt > 0 ? ((step - first) / dt).toFixed(0) : '-',
        acc: acc.toFixed(3),
        tau: tau === null ? '-' : tau.toFixed(1),
        nan: nan > 0 ? ` | NaN ${nan}` : '',
      });
    },
    stop() {
      bar.stop();
    },
  };
}
