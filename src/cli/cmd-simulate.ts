import { availableParallelism } from 'node:os';
import cliProgress from 'cli-progress';
import { InputError } from '../../core/errors.ts';
import { GALAXY_FAMILY_V1 } from '../photometry/galaxy-family.ts';
import { defaultConfig, parseGridSpec, TRAINING_GRID } from '../surrogate/simulate/config.ts';
import { simulate } from '../surrogate/simulate/run.ts';
import { defineCommand } from './command.ts';

const g = TRAINING_GRID;
const options = {
  n: { type: 'number', required: true, description: 'number of training maps (draws 0..n-1)' },
  seed: { type: 'number', default: 1, description: 'random seed of the domain draws' },
  out: { type: 'string', alias: 'o', required: true, description: 'output directory (created; rerun the same command to resume)' },
  workers: { type: 'number', description: `worker threads (default: the CPU count, ${availableParallelism()})` },
  chunk: { type: 'number', default: 500, description: 'maps per chunk file' },
  grid: { type: 'string', default: `${g.nRad},${g.nTheta},${g.rMin},${g.rMax}`, description: 'nRad,nTheta,rMin,rMax of the theta-log r grid (R_e)' },
  nodes: { type: 'number', default: 48, description: 'Gauss-Legendre nodes of the exact JAM' },
  family: { type: 'string', default: 'sersic', description: "training photometry: 'sersic' (one Sérsic light, q_M free: the v1 set) or 'mge' (bulge + disc + nucleus MGEs and single Sérsics, mass follows light; rows hold P and Q, every beta_z)" },
  image: { type: 'number', description: 'canonical image side in pixels (0: store none; default 64, and 0 for --family mge, which stores each MGE)' },
  fov: { type: 'number', default: 3, description: 'image half-width in R_e' },
  oversample: { type: 'number', default: 4, description: 'pixel-average samples per pixel side' },
} as const;

export const simulateCommand = defineCommand({
  summary: 'Generate the surrogate training set: exact JAM maps and canonical images over the training domain.',
  options,
  async run(args, io) {
    const out = args.out as string;
    if (!out) throw new InputError('--out', 'is empty; give an output directory');
    const family = args.family as string;
    if (family !== 'sersic' && family !== 'mge') throw new InputError('--family', `is '${family}'; give sersic or mge`);
    const config = defaultConfig({
      n: args.n as number,
      seed: args.seed as number,
      chunk: args.chunk as number,
      grid: parseGridSpec(args.grid as string),
      nodes: args.nodes as number,
      image: { size: (args.image as number | undefined) ?? (family === 'mge' ? 0 : 64), fov: args.fov as number, oversample: args.oversample as number },
      ...(family === 'mge' ? { galaxies: GALAXY_FAMILY_V1 } : {}),
    });
    const workers = (args.workers as number | undefined) ?? availableParallelism();
    const tty = process.stderr.isTTY && !process.env.CI;
    const bar = tty
      ? new cliProgress.SingleBar({ stream: process.stderr, format: 'simulate |{bar}| {value}/{total} maps | {rate} maps/s | eta {eta_formatted}', hideCursor: true, fps: 5 }, cliProgress.Presets.shades_classic)
      : null;
    const t0 = performance.now();
    let startDone = -1;
    let barStarted = false;
    const res = await simulate(config, out, {
      workers,
      onChunk(done, total, e) {
        if (startDone < 0) startDone = done - e.count;
        const dt = (performance.now() - t0) / 1000;
        const rate = (done - startDone) / dt;
        if (bar) {
          if (!barStarted) bar.start(total, startDone, { rate: '-' });
          barStarted = true;
          bar.update(done, { rate: rate.toFixed(1) });
        } else io.err(`simulate: ${e.file} done, ${done}/${total} maps, ${rate.toFixed(2)} maps/s, eta ${((total - done) / rate / 60).toFixed(1)} min`);
      },
    });
    bar?.stop();
    const dt = (performance.now() - t0) / 1000;
    io.out(`simulate: ${config.n} maps in ${res.chunks} chunks -> ${out} (computed ${res.computed}, skipped ${res.skipped} complete chunks, ${dt.toFixed(1)} s)`);
    return 0;
  },
});
