/**
 * The progress bar of an engine's per-galaxy preparation (the tabulated engine's exact basis
 * maps): shown only on a terminal, with the CI variable unset and when asked, like the sampler's.
 */
import cliProgress from 'cli-progress';

export interface PrepareProgress {
  update(done: number, planned: number): void;
  stop(): void;
}

export function prepareProgress(label: string, enabled: boolean, stream: NodeJS.WriteStream = process.stderr): PrepareProgress | null {
  if (!enabled || !stream.isTTY || process.env.CI) return null;
  const bar = new cliProgress.SingleBar({ stream, format: `${label} |{bar}| {value}/{total} exact models | eta {eta_formatted}`, hideCursor: true, fps: 10 }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update(done, planned) {
      if (!started) {
        bar.start(planned, done);
        started = true;
      } else bar.setTotal(planned);
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
