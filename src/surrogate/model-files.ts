/**
 * The trained surrogate on disk: `manifest.json` (domain, grid, image, normalisation inputs,
 * architectures, training-set identity, metrics, package version, SHA-256 of the weights) and
 * `weights.bin` (a bundle, src/surrogate/bundle.ts, with the MLP and CNN weights and the output
 * normalisation). Written atomically, weights first, so a manifest never points at missing
 * weights; read back with every shape and the checksum verified. The shipped copy lives in
 * fixtures/surrogate/.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../../core/atomic-write.ts';
import { InputError } from '../../core/errors.ts';
import { decodeBundle, encodeBundle } from './bundle.ts';
import { type CnnArch, type CnnWeights, cnnShapes } from './cnn-arch.ts';
import type { TrainingDomain } from './domain.ts';
import { layerShapes, type Mlp, type MlpArch } from './mlp.ts';
import type { Normalisation } from './normalise.ts';
import type { GridSpec, ImageSpec } from './simulate/config.ts';

export const SURROGATE_FORMAT = 'jamfit-surrogate';
export const SURROGATE_FORMAT_VERSION = 1;
export const WEIGHTS_FILE = 'weights.bin';
export const MANIFEST_FILE = 'manifest.json';

/** Directory of the weights shipped with the package. */
export const SHIPPED_DIR = fileURLToPath(new URL('../../fixtures/surrogate/', import.meta.url));

export interface SurrogateManifest {
  format: string;
  formatVersion: number;
  packageVersion: string;
  weightsFile: string;
  weightsSha256: string;
  domain: TrainingDomain;
  grid: GridSpec;
  image: ImageSpec;
  inputs: string[];
  inMean: number[];
  inStd: number[];
  mlp: MlpArch;
  cnn: CnnArch | null;
  trainingSet: Record<string, unknown>;
  training: Record<string, unknown>;
  metrics: Record<string, unknown>;
}

export interface Surrogate {
  manifest: SurrogateManifest;
  mlp: Mlp;
  norm: Normalisation;
  cnn: { arch: CnnArch; weights: CnnWeights } | null;
}

export function saveSurrogate(dir: string, s: Surrogate): void {
  const arrays: [string, Float32Array][] = [];
  s.mlp.layers.forEach((l, i) => arrays.push([`mlp/W${i}`, l.W], [`mlp/b${i}`, l.b]));
  if (s.cnn) for (const [k, v] of s.cnn.weights) arrays.push([`cnn/${k}`, v.data]);
  arrays.push(['norm/outMean', s.norm.outMean], ['norm/outStd', s.norm.outStd]);
  const bytes = encodeBundle({ kind: SURROGATE_FORMAT }, arrays);
  const m: SurrogateManifest = { ...s.manifest, format: SURROGATE_FORMAT, formatVersion: SURROGATE_FORMAT_VERSION, weightsFile: WEIGHTS_FILE, weightsSha256: createHash('sha256').update(bytes).digest('hex'), inputs: s.norm.inputs, inMean: s.norm.inMean, inStd: s.norm.inStd, mlp: s.mlp.arch, cnn: s.cnn?.arch ?? null };
  writeFileAtomic(join(dir, WEIGHTS_FILE), bytes);
  writeFileAtomic(join(dir, MANIFEST_FILE), JSON.stringify(m, null, 1) + '\n');
}

/** Loads and verifies a surrogate directory (default: the shipped one). */
export function loadSurrogate(dir: string = SHIPPED_DIR): Surrogate {
  const fix = dir === SHIPPED_DIR ? 'reinstall jamfit, or train one with `jamfit train --data DIR --out DIR` and pass it with --model' : 'rerun `jamfit train` for it, or use the shipped model';
  const mpath = join(dir, MANIFEST_FILE);
  if (!existsSync(mpath)) throw new InputError(mpath, `not found; ${fix}`);
  let m: SurrogateManifest;
  try {
    m = JSON.parse(readFileSync(mpath, 'utf8'));
  } catch (e) {
    throw new InputError(mpath, `is not valid JSON (${(e as Error).message}); ${fix}`);
  }
  if (m.format !== SURROGATE_FORMAT || m.formatVersion !== SURROGATE_FORMAT_VERSION) throw new InputError(mpath, `is not a ${SURROGATE_FORMAT} v${SURROGATE_FORMAT_VERSION} manifest; ${fix}`);
  const wpath = join(dir, m.weightsFile);
  if (!existsSync(wpath)) throw new InputError(wpath, `not found; ${fix}`);
  const bytes = readFileSync(wpath);
  if (createHash('sha256').update(bytes).digest('hex') !== m.weightsSha256) throw new InputError(wpath, `fails its SHA-256 check against ${MANIFEST_FILE} (corrupt or replaced); ${fix}`);
  const b = decodeBundle(bytes);
  if (typeof b === 'string') throw new InputError(wpath, `${b}; ${fix}`);
  const get = (name: string, length: number) => {
    const a = b.arrays.get(name);
    if (!a || a.length !== length) throw new InputError(wpath, `lacks ${name} of ${length} numbers (has ${a?.length ?? 'none'}); ${fix}`);
    return a;
  };
  const layers = layerShapes(m.mlp).map((s, i) => ({ ...s, W: get(`mlp/W${i}`, s.in * s.out), b: get(`mlp/b${i}`, s.out) }));
  const cnn = m.cnn ? { arch: m.cnn, weights: new Map(cnnShapes(m.cnn).map(([k, shape]) => [k, { shape, data: get(`cnn/${k}`, shape.reduce((p, d) => p * d, 1)) }])) } : null;
  const norm: Normalisation = { inputs: m.inputs, inMean: m.inMean, inStd: m.inStd, outMean: get('norm/outMean', m.mlp.nOut), outStd: get('norm/outStd', m.mlp.nOut) };
  return { manifest: m, mlp: { arch: m.mlp, layers }, norm, cnn };
}
