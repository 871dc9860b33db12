/**
 * The multi-component surrogate as a value (issue 19: any MGE, mass following light, cylindrical
 * alignment): the polar image of the light MGE (src/photometry/polar-image.ts) is projected on a
 * principal-component basis of the training family (pca.ts: a fixed linear encoder; its residual
 * is the domain check's measure), standardised, and with the per-step inputs (paramInputs in
 * rows.ts: beta_z, cos i, ln q_intr of the flattest and of the luminosity-weighted q') fed to the
 * MLP (../mlp.ts), which returns ln v on the theta-log r grid, v = V_rms / sqrt(G M/L I_e R_e),
 * lengths in units of the MGE's half-light semi-major axis R_e.
 *
 * Files: `manifest.json` (everything but the arrays) + `weights.bin` (bundle.ts): the PCA mean,
 * components and variances and the MLP's layers. Written atomically; the manifest records the
 * weights' SHA-256 so a mismatched pair is refused.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../../core/atomic-write.ts';
import { InputError } from '../../../core/errors.ts';
import { flattestQ, luminosityWeightedQ, type Mge } from '../../photometry/mge.ts';
import { polarImage, type PolarImageSpec } from '../../photometry/polar-image.ts';
import { decodeBundle, encodeBundle } from '../bundle.ts';
import { forwardReference, layerShapes, type Mlp, type MlpArch } from '../mlp.ts';
import type { GridSpec } from '../simulate/config.ts';
import { project, residualRms, type PcaBasis } from './pca.ts';
import { referenceLnV, type ReferenceSpec } from './reference.ts';
import { MFL_PARAM_INPUTS, MFL_PARAM_INPUTS_V1, paramInputs, type BetaRange } from './rows.ts';
import { thetaLogRGrid } from '../grid.ts';

export const MFL_FORMAT = 'jamfit-mfl-surrogate';
export const MFL_FORMAT_VERSION = 1;

export interface MflManifest {
  format: string;
  formatVersion: number;
  packageVersion: string;
  weightsFile: string;
  weightsSha256: string;
  grid: GridSpec;
  polarImage: PolarImageSpec;
  /** beta_z range of training (the prior must stay inside it; see rows.ts). */
  betaRange: BetaRange;
  /** Grid points with Sigma / I_e below this were left out of the loss and the metrics. */
  floor: number;
  /** The exact reference map the network's output is added to (reference.ts), or null: none. */
  reference: ReferenceSpec | null;
  paramInputs: readonly string[];
  paramMean: number[];
  paramStd: number[];
  /** ln v = y * outScale + outMean[j]. */
  outMean: number[];
  outScale: number;
  mlp: MlpArch;
  /** The domain: PCA residual (rms, log10 units) of the training images, and its largest accepted value. */
  domain: { residualP99: number; residualMax: number; qMin: [number, number] };
  trainingSet: Record<string, unknown>;
  training: Record<string, unknown>;
  metrics: Record<string, unknown>;
}

export interface MflSurrogate {
  manifest: MflManifest;
  pca: PcaBasis;
  mlp: Mlp;
}

/** The standardised PCA coefficients of an MGE (half-light units) and its image's PCA residual. */
export function mflFeatures(s: MflSurrogate, mge: Mge): { features: Float32Array; residual: number } {
  const img = polarImage(mge, s.manifest.polarImage);
  const c = project(s.pca, img);
  const f = new Float32Array(s.pca.k);
  for (let j = 0; j < s.pca.k; j++) f[j] = c[j] / Math.sqrt(s.pca.variance[j]);
  return { features: f, residual: residualRms(s.pca, img, c) };
}

/** The network input row for (features, beta_z, i) of a galaxy whose flattest / luminosity-weighted q' are qMin / qLw. */
export function mflInputRow(s: MflSurrogate, features: ArrayLike<number>, beta: number, incDeg: number, qMin: number, qLw: number, out = new Float32Array(s.pca.k + MFL_PARAM_INPUTS.length)): Float32Array {
  const k = s.pca.k;
  for (let j = 0; j < k; j++) out[j] = features[j];
  paramInputs(beta, incDeg, qMin, qLw, out, k, s.manifest.paramInputs);
  for (let j = 0; j < MFL_PARAM_INPUTS.length; j++) out[k + j] = (out[k + j] - s.manifest.paramMean[j]) / s.manifest.paramStd[j];
  return out;
}

/** The model's exact reference ln v of an MGE (half-light units) on its grid, or null when it has none. */
export function mflReference(s: MflSurrogate, mge: Mge): Float64Array | null {
  if (!s.manifest.reference) return null;
  const g = thetaLogRGrid(s.manifest.grid);
  return referenceLnV(mge, g.x, g.y, s.manifest.reference);
}

/** What the network needs of one galaxy, computed once (the per-galaxy half of a prediction). */
export interface MflPrepared {
  /** Standardised PCA coefficients of the polar image, and the image's PCA residual (dex rms). */
  features: Float32Array;
  residual: number;
  /** The exact reference ln v on the model's grid (mflReference), or null. */
  reference: Float64Array | null;
  /** Flattest and luminosity-weighted observed q'. */
  qMin: number;
  qLw: number;
}

/** The per-galaxy inputs of an MGE in half-light units (one polar image, one exact reference map when the model has one). */
export function mflPrepare(s: MflSurrogate, mge: Mge): MflPrepared {
  const { features, residual } = mflFeatures(s, mge);
  return { features, residual, reference: mflReference(s, mge), qMin: flattestQ(mge), qLw: luminosityWeightedQ(mge) };
}

/**
 * ln v on the grid of a prepared galaxy at (beta_z, i): the float64 reference path (tests,
 * evaluation, and the network maps the engine tabulates: src/surrogate/mfl/beta-projection.ts).
 */
export function mflLnVPrepared(s: MflSurrogate, g: MflPrepared, beta: number, incDeg: number): Float64Array {
  const y = forwardReference(s.mlp, mflInputRow(s, g.features, beta, incDeg, g.qMin, g.qLw), 1);
  const m = s.manifest;
  return Float64Array.from(y, (v, j) => v * m.outScale + m.outMean[j] + (g.reference ? g.reference[j] : 0));
}

/** ln v on the grid for one MGE (half-light units) at (beta_z, i). */
export function mflLnV(s: MflSurrogate, mge: Mge, beta: number, incDeg: number): Float64Array {
  return mflLnVPrepared(s, mflPrepare(s, mge), beta, incDeg);
}

export function saveMflSurrogate(dir: string, s: MflSurrogate): void {
  mkdirSync(dir, { recursive: true });
  const arrays: [string, Float32Array][] = [
    ['pca/mean', Float32Array.from(s.pca.mean)],
    ['pca/components', Float32Array.from(s.pca.components)],
    ['pca/variance', Float32Array.from(s.pca.variance)],
  ];
  s.mlp.layers.forEach((l, i) => arrays.push([`mlp/${i}/W`, l.W], [`mlp/${i}/b`, l.b]));
  const bin = encodeBundle({ kind: MFL_FORMAT }, arrays);
  const manifest: MflManifest = { ...s.manifest, format: MFL_FORMAT, formatVersion: MFL_FORMAT_VERSION, weightsFile: 'weights.bin', weightsSha256: createHash('sha256').update(bin).digest('hex') };
  writeFileAtomic(join(dir, 'weights.bin'), bin);
  writeFileAtomic(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 1) + '\n');
}

export function loadMflSurrogate(dir: string): MflSurrogate {
  const mp = join(dir, 'manifest.json');
  if (!existsSync(mp)) throw new InputError(mp, 'not found; give a directory written by `jamfit train --family mge`');
  const m = JSON.parse(readFileSync(mp, 'utf8')) as MflManifest;
  m.reference ??= null;
  const known = [MFL_PARAM_INPUTS, MFL_PARAM_INPUTS_V1].some((l) => JSON.stringify(l) === JSON.stringify(m.paramInputs));
  if (!known) throw new InputError(mp, `has paramInputs ${JSON.stringify(m.paramInputs)}; this version reads ${JSON.stringify(MFL_PARAM_INPUTS)} (or ${JSON.stringify(MFL_PARAM_INPUTS_V1)}): retrain`);
  if (m.format !== MFL_FORMAT || m.formatVersion !== MFL_FORMAT_VERSION) throw new InputError(mp, `is ${m.format} v${m.formatVersion}, not ${MFL_FORMAT} v${MFL_FORMAT_VERSION}; retrain with this version`);
  const wp = join(dir, m.weightsFile);
  if (!existsSync(wp)) throw new InputError(wp, 'not found; copy it beside its manifest.json');
  const bin = readFileSync(wp);
  if (createHash('sha256').update(bin).digest('hex') !== m.weightsSha256) throw new InputError(wp, 'does not match the SHA-256 in manifest.json; copy the pair from one training run');
  const b = decodeBundle(bin);
  if (typeof b === 'string') throw new InputError(wp, b);
  const arr = (k: string) => {
    const a = b.arrays.get(k);
    if (!a) throw new InputError(wp, `lacks ${k}; retrain`);
    return a;
  };
  const variance = Float64Array.from(arr('pca/variance'));
  const mean = Float64Array.from(arr('pca/mean'));
  const pca: PcaBasis = { pixels: mean.length, k: variance.length, mean, components: Float64Array.from(arr('pca/components')), variance };
  const layers = layerShapes(m.mlp).map((sh, i) => ({ ...sh, W: arr(`mlp/${i}/W`), b: arr(`mlp/${i}/b`) }));
  return { manifest: m, pca, mlp: { arch: m.mlp, layers } };
}
