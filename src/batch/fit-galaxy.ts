/**
 * One galaxy of a batch: its `jamfit fit` run folder at DIR/<name>/ (src/fit/fit.ts runFit, with
 * one likelihood thread, no sampling bar), then the marker DIR/<name>/batch.json.
 *
 * The marker is the batch's notion of "finished": it is written (atomically) only after runFit
 * has returned, i.e. after summary.json and everything else of the run folder, and it records the
 * fit options the galaxy was fitted with. A galaxy is finished when its marker holds the options
 * asked for now and its summary.json parses. Everything else goes (back) to runFit, whose own
 * resume continues a killed fit from its last checkpoint, or only re-summarises a fit whose chain
 * was complete (run.json), so that no finished sampling is ever repeated, and a run folder
 * started with other options is refused by runFit in one line (the galaxy's error).
 * Known limit: a finished galaxy whose data FILES were edited afterwards is not refitted (the
 * marker compares options, not file contents; runFit's fingerprint catches it on a resume).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../core/atomic-write.ts';
import { JamfitError } from '../../core/errors.ts';
import { runFit, type FitContext, type FitOptions } from '../fit/fit.ts';

/** The marker's file name inside a galaxy's run folder. */
export const MARKER = 'batch.json';

/** What a worker receives: plain data (it crosses threads by structured clone). */
export interface GalaxyTask {
  name: string;
  /** Complete fit options: out = DIR/<name>, the galaxy's seed, workers 1, progress false. */
  options: FitOptions;
}

export interface GalaxyResult {
  name: string;
  status: 'done' | 'failed';
  /** One line (the error's first line), null when done. */
  error: string | null;
  /** Whether the fit resumed a chain that had been started before (killed or failed). */
  resumed: boolean;
  /** Wall time of this attempt, s. */
  seconds: number;
  /** Sampling time per step in this attempt, ms (NaN when nothing was sampled, or failed). */
  msPerStep: number;
}

/** The marker's record of a galaxy. */
export interface Marker {
  name: string;
  seed: number;
  /** The fit options that identify the fit (markerOptions). */
  options: Record<string, unknown>;
  warnings: string[];
}

/**
 * The options that decide a fit's result, as stored in the marker: all but where it is written
 * (out: a survey folder may be moved), how it is logged (argv), shown (progress) and threaded
 * (workers: the chain does not depend on it).
 */
export function markerOptions(o: FitOptions): Record<string, unknown> {
  const { out: _out, argv: _argv, progress: _progress, workers: _workers, ...rest } = o;
  // JSON drops undefined fields, so an option left unset equals one never mentioned.
  return JSON.parse(JSON.stringify(rest));
}

/** The galaxy's marker if it is finished with these options (see the module comment), else null. */
export function finishedMarker(task: GalaxyTask): Marker | null {
  const dir = task.options.out!;
  try {
    const m = JSON.parse(readFileSync(join(dir, MARKER), 'utf8')) as Marker;
    if (JSON.stringify(m.options) !== JSON.stringify(markerOptions(task.options))) return null;
    const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    return s && typeof s === 'object' && s.parameters ? m : null;
  } catch {
    return null;
  }
}

/**
 * Fits (or resumes, or re-summarises) one galaxy and writes its marker. Never throws for a bad
 * galaxy: any error becomes status 'failed' with its first line, so the batch goes on.
 */
export async function fitGalaxy(task: GalaxyTask, ctx: FitContext = {}): Promise<GalaxyResult> {
  const t0 = performance.now();
  const dir = task.options.out!;
  const started = existsSync(join(dir, 'state.json'));
  try {
    // runFit's own lines (its warnings, also returned in r.warnings) would interleave across workers.
    const r = await runFit(task.options, { out: () => {}, err: () => {} }, ctx);
    const marker: Marker = { name: task.name, seed: task.options.seed!, options: markerOptions(task.options), warnings: r.warnings };
    writeFileAtomic(join(dir, MARKER), JSON.stringify(marker, null, 2) + '\n');
    return { name: task.name, status: 'done', error: null, resumed: started, seconds: (performance.now() - t0) / 1000, msPerStep: r.msPerStep };
  } catch (e) {
    const text = e instanceof JamfitError ? e.message : `internal error: ${e instanceof Error ? e.message : String(e)}`;
    return { name: task.name, status: 'failed', error: text.split('\n')[0], resumed: started, seconds: (performance.now() - t0) / 1000, msPerStep: NaN };
  }
}
