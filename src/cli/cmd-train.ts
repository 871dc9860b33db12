import cliProgress from 'cli-progress';
import { InputError } from '../../core/errors.ts';
import { trainMfl } from '../surrogate/mfl/train.ts';
import { EDGE_ON_REFERENCE, type ReferenceSpec } from '../surrogate/mfl/reference.ts';
import { trainSurrogate } from '../surrogate/train.ts';
import { defineCommand } from './command.ts';

const options = {
  family: { type: 'string', default: 'sersic', description: "training set's photometry: sersic (the v1 surrogate: MLP + CNN) or mge (any MGE, mass follows light: PCA encoder + MLP)" },
  data: { type: 'string', required: true, description: 'training set directory made by `jamfit simulate`' },
  out: { type: 'string', alias: 'o', required: true, description: 'output directory for the model (and checkpoints: rerun the same command to resume)' },
  seed: { type: 'number', default: 1, description: 'seed of the split, initialisation, shuffles and augmentations' },
  val: { type: 'number', default: 0.05, description: 'fraction of maps held out for validation' },
  limit: { type: 'number', default: 0, description: 'use only the first N maps (0: all)' },
  partial: { type: 'boolean', description: 'accept a training set still being generated (its complete leading chunks)' },
  epochs: { type: 'number', default: 300, description: 'MLP: maximum epochs' },
  batch: { type: 'number', default: 128, description: 'MLP: batch size' },
  lr: { type: 'number', default: 1e-3, description: 'MLP: peak learning rate (cosine schedule)' },
  patience: { type: 'number', default: 100, description: 'MLP: early-stopping patience, epochs (validation noise at the peak rate spans tens of epochs)' },
  hidden: { type: 'string', default: '128,128,128', description: 'MLP: hidden widths' },
  bottleneck: { type: 'number', default: 64, description: 'MLP: linear bottleneck width before the output (0: none)' },
  minutes: { type: 'number', default: 60, description: 'MLP: wall-clock limit, minutes' },
  'no-cnn': { type: 'boolean', description: 'train no CNN (the model then needs exact Sersic parameters)' },
  'cnn-epochs': { type: 'number', default: 30, description: 'CNN: maximum epochs' },
  'cnn-batch': { type: 'number', default: 64, description: 'CNN: batch size' },
  'cnn-lr': { type: 'number', default: 1e-3, description: 'CNN: peak learning rate' },
  'cnn-patience': { type: 'number', default: 8, description: 'CNN: early-stopping patience, epochs' },
  'cnn-channels': { type: 'string', default: '16,32,64,64', description: 'CNN: channels of the four 2x2 stride-2 convolutions' },
  'cnn-dense': { type: 'number', default: 64, description: 'CNN: dense width' },
  'cnn-full-image': { type: 'boolean', description: 'CNN: read the whole image instead of its quadrant fold (the layout of models before v5)' },
  'cnn-minutes': { type: 'number', default: 50, description: 'CNN: wall-clock limit, minutes' },
  'aug-noise': { type: 'number', default: 0, description: 'augmentation: max pixel noise, dex' },
  'aug-psf': { type: 'number', default: 0, description: 'augmentation: max PSF sigma, pixels' },
  'aug-shift': { type: 'number', default: 0, description: 'augmentation: max centring error, pixels' },
  'aug-pa': { type: 'number', default: 0, description: 'augmentation: max position-angle error, deg' },
  'aug-sky': { type: 'number', default: 0, description: 'augmentation: max sky residual, fraction of I_e' },
  pca: { type: 'number', default: 24, description: 'mge: principal components of the polar image read by the MLP' },
  reference: { type: 'string', default: 'edge-on', description: 'mge: learn the difference from the exact isotropic edge-on map of each galaxy (edge-on; computed once per galaxy, cached beside the set) or from nothing (none)' },
  init: { type: 'string', description: 'mge: start from this model directory (same --data, --seed, --val, --pca, architecture): fine-tuning' },
  'loss-power': { type: 'number', default: 2, description: 'mge: loss exponent p, mean |error / 1%|^p (2: squared error; p > 2 weights the largest errors, and the best epoch is the one with most maps within 1%)' },
  floor: { type: 'number', default: 1e-4, description: 'mge: grid points with surface brightness below this (units of I_e) are left out of the loss and the metrics' },
} as const;

function widths(s: string, where: string): number[] {
  const w = String(s).split(',').map((t) => Number(t.trim()));
  if (w.length === 0 || w.some((x) => !Number.isInteger(x) || x < 1 || x > 4096)) throw new InputError(where, `is '${s}'; give comma-separated integer widths in [1, 4096], e.g. 128,128,128`);
  return w;
}

function positive(v: number, where: string, int = false): number {
  if (!(v > 0) || (int && !Number.isInteger(v))) throw new InputError(where, `is ${v}; give a positive ${int ? 'integer' : 'number'}`);
  return v;
}

export const trainCommand = defineCommand({
  summary: 'Train the surrogate (MLP on exact Sersic parameters, then the CNN photometry encoder) and write weights + manifest.',
  options,
  async run(a, io) {
    if (a.family === 'mge') return runMge(a, io);
    if (a.family !== 'sersic') throw new InputError('--family', `is '${a.family}'; give sersic or mge`);
    for (const k of ['aug-noise', 'aug-psf', 'aug-shift', 'aug-pa', 'aug-sky'] as const) if (!((a[k] as number) >= 0)) throw new InputError(`--${k}`, `is ${a[k]}; give a number >= 0`);
    const tty = process.stderr.isTTY && !process.env.CI;
    const bar = tty ? new cliProgress.SingleBar({ stream: process.stderr, format: 'train {stage} epoch {epoch}/{max} |{bar}| {value}/{total} steps | {info}', hideCursor: true, fps: 4 }, cliProgress.Presets.shades_classic) : null;
    let barOn = false;
    let cur = { stage: '', epoch: 0, max: 0, info: '' };
    const { report } = await trainSurrogate(
      {
        data: a.data as string,
        out: a.out as string,
        seed: a.seed as number,
        valFraction: a.val as number,
        limit: a.limit as number,
        partial: Boolean(a.partial),
        mlp: { epochs: positive(a.epochs as number, '--epochs', true), batch: positive(a.batch as number, '--batch', true), lr: positive(a.lr as number, '--lr'), patience: positive(a.patience as number, '--patience', true), timeLimit: 60 * positive(a.minutes as number, '--minutes'), hidden: widths(a.hidden as string, '--hidden'), bottleneck: a.bottleneck as number },
        cnn: a['no-cnn']
          ? null
          : {
              epochs: positive(a['cnn-epochs'] as number, '--cnn-epochs', true),
              batch: positive(a['cnn-batch'] as number, '--cnn-batch', true),
              lr: positive(a['cnn-lr'] as number, '--cnn-lr'),
              patience: positive(a['cnn-patience'] as number, '--cnn-patience', true),
              timeLimit: 60 * positive(a['cnn-minutes'] as number, '--cnn-minutes'),
              channels: widths(a['cnn-channels'] as string, '--cnn-channels'),
              dense: positive(a['cnn-dense'] as number, '--cnn-dense', true),
              fold: !a['cnn-full-image'],
              augment: { noiseDex: a['aug-noise'] as number, psfPx: a['aug-psf'] as number, shiftPx: a['aug-shift'] as number, paDeg: a['aug-pa'] as number, sky: a['aug-sky'] as number },
            },
      },
      {
        onInfo: (s) => io.err(s),
        onStep: (stage, done, total) => {
          if (!bar) return;
          if (!barOn || cur.stage !== stage) {
            if (barOn) bar.stop();
            cur = { ...cur, stage };
            bar.start(total, done, cur);
            barOn = true;
          }
          bar.update(done, cur);
        },
        onEpoch: (stage, e, max) => {
          const m = e.metrics;
          const info = stage === 'mlp' ? `val median ${(100 * m.medianAbs).toFixed(4)}%, maps max<=1% ${(100 * m.fracMapMaxLe1pc).toFixed(1)}%` : `val |dn/n| median ${m.nRelMedian.toExponential(1)}, |dq| median ${m.qAbsMedian.toExponential(1)}`;
          cur = { stage, epoch: e.epoch + 2, max, info };
          if (!bar) io.err(`train ${stage} epoch ${e.epoch + 1}/${max}: loss ${e.trainLoss.toExponential(2)} val ${e.valLoss.toExponential(2)}${e.best ? ' *' : ''}, ${info}, ${e.seconds.toFixed(1)} s`);
        },
      },
    );
    if (barOn) bar!.stop();
    if (!report.finished) {
      io.out(`train: stopped early by request after ${report.seconds.toFixed(0)} s; rerun the same command to resume`);
      return 0;
    }
    const mv = report.mlp.val;
    io.out(`train: MLP (exact Sersic) ${report.mlp.epochs} epochs in ${(report.mlp.trainedSeconds / 60).toFixed(1)} min: median ${(100 * mv.medianAbs).toFixed(4)}%, maps with max <= 1%: ${(100 * mv.fracMapMaxLe1pc).toFixed(1)}%`);
    if (report.cnn) io.out(`train: CNN ${report.cnn.epochs} epochs in ${(report.cnn.trainedSeconds / 60).toFixed(1)} min: |dn/n| median ${report.cnn.val.nRelMedian.toExponential(2)}, |dq| median ${report.cnn.val.qAbsMedian.toExponential(2)}`);
    if (report.endToEnd) io.out(`train: end to end median ${(100 * report.endToEnd.medianAbs).toFixed(4)}%, maps with max <= 1%: ${(100 * report.endToEnd.fracMapMaxLe1pc).toFixed(1)}%`);
    const trained = report.mlp.trainedSeconds + (report.cnn?.trainedSeconds ?? 0);
    io.out(`train: model -> ${a.out} (training ${(trained / 60).toFixed(1)} min over all runs, this run ${(report.seconds / 60).toFixed(1)} min, backend ${report.backend})`);
    return 0;
  },
});

type Args = Parameters<Parameters<typeof defineCommand<typeof options>>[0]['run']>[0];
type Io = Parameters<Parameters<typeof defineCommand<typeof options>>[0]['run']>[1];

function referenceOption(s: string): ReferenceSpec | null {
  if (s === 'none') return null;
  if (s === 'edge-on') return EDGE_ON_REFERENCE;
  throw new InputError('--reference', `is '${s}'; give edge-on or none`);
}

async function runMge(a: Args, io: Io): Promise<number> {
  const { report } = await trainMfl(
    {
      data: a.data as string,
      out: a.out as string,
      seed: a.seed as number,
      valFraction: a.val as number,
      partial: Boolean(a.partial),
      limit: a.limit as number,
      pcaK: positive(a.pca as number, '--pca', true),
      hidden: widths(a.hidden as string, '--hidden'),
      bottleneck: a.bottleneck as number,
      epochs: positive(a.epochs as number, '--epochs', true),
      batch: positive(a.batch as number, '--batch', true),
      lr: positive(a.lr as number, '--lr'),
      patience: positive(a.patience as number, '--patience', true),
      timeLimit: 60 * positive(a.minutes as number, '--minutes'),
      floor: a.floor as number,
      reference: referenceOption(a.reference as string),
      init: a.init as string | undefined,
      lossPower: a['loss-power'] as number,
    },
    {
      onInfo: (s) => io.err(s),
      onEpoch: (e) => {
        const m = e.metrics;
        io.err(`train mge epoch ${e.epoch + 1}: loss ${e.trainLoss.toExponential(2)}${e.best ? ' *' : ''}, val median ${(100 * m.medianAbs).toFixed(3)}%, p99 ${(100 * m.p99Abs).toFixed(2)}%, maps max<=1% ${(100 * m.fracMapMaxLe1pc).toFixed(1)}%, ${e.seconds.toFixed(1)} s`);
      },
    },
  );
  if (!report.finished) {
    io.out(`train: stopped early by request after ${report.seconds.toFixed(0)} s; rerun the same command to resume`);
    return 0;
  }
  const v = report.val;
  io.out(`train: mge ${report.epochs} epochs (best ${report.bestEpoch + 1}, stopped by ${report.stoppedBy}) in ${(report.trainedSeconds / 60).toFixed(1)} min over all runs: validation median ${(100 * v.medianAbs).toFixed(3)}%, p99 ${(100 * v.p99Abs).toFixed(2)}%, maps with max <= 1%: ${(100 * v.fracMapMaxLe1pc).toFixed(1)}% (${report.galaxies.val} galaxies)`);
  io.out(`train: model -> ${a.out} (backend ${report.backend})`);
  return 0;
}
