/**
 * Chain layouts accepted by the diagnostics, validation, and conversion helpers.
 *
 * - Ensemble chain: `chain[step][walker][dim]` (number[][][]), as an affine-invariant
 *   ensemble sampler records it.
 * - Flat chain: one Float64Array in the same step-major order, element
 *   `data[(step * nwalkers + walker) * ndim + dim]`, with an explicit {@link ChainShape}.
 * - Per-parameter chains: `chains[chain][draw]` for ONE parameter (what R-hat/ESS consume);
 *   a "chain" may be one walker or one independent run.
 */
import { InputError } from '../../core/errors.ts';

/** `chain[step][walker][dim]`. */
export type EnsembleChain = ArrayLike<ArrayLike<ArrayLike<number>>>;

/** Shape of a flat step-major chain. */
export interface ChainShape {
  nsteps: number;
  nwalkers: number;
  ndim: number;
}

/** A flat chain together with its shape. */
export interface FlatChain extends ChainShape {
  data: ArrayLike<number>;
}

/** `chains[chain][draw]` for one parameter. */
export type ParameterChains = ArrayLike<ArrayLike<number>>;

/** Internal uniform view: value(step, walker, dim). */
export interface ChainView extends ChainShape {
  /** Copies the series of (walker, dim) into buf[0..nsteps). */
  copySeries(walker: number, dim: number, buf: Float64Array): void;
}

function nonFinite(v: number): string {
  return Number.isNaN(v) ? 'is NaN' : `is ${v}`;
}

const HINT = 'the chain contains a non-finite sample; check the log-probability function and the initial walker positions';

function checkInt(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new InputError(name, `must be an integer >= ${min}, got ${v}`);
}

/** Validates a flat chain (shape, length, finiteness) and returns a view of it. */
export function flatView(data: ArrayLike<number>, shape: ChainShape, where = 'chain'): ChainView {
  const { nsteps, nwalkers, ndim } = shape;
  checkInt(`${where}.nsteps`, nsteps, 1);
  checkInt(`${where}.nwalkers`, nwalkers, 1);
  checkInt(`${where}.ndim`, ndim, 1);
  if (data.length !== nsteps * nwalkers * ndim) {
    throw new InputError(where, `has ${data.length} elements but shape ${nsteps}x${nwalkers}x${ndim} needs ${nsteps * nwalkers * ndim}`);
  }
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v)) {
      const dim = i % ndim;
      const walker = Math.floor(i / ndim) % nwalkers;
      const step = Math.floor(i / (ndim * nwalkers));
      throw new InputError(`${where}[${i}] (step ${step}, walker ${walker}, dim ${dim})`, `${nonFinite(v)}; ${HINT}`);
    }
  }
  const stride = nwalkers * ndim;
  return {
    nsteps, nwalkers, ndim,
    copySeries(w, d, buf) {
      for (let s = 0, i = w * ndim + d; s < nsteps; s++, i += stride) buf[s] = data[i];
    },
  };
}

/** Validates a nested `chain[step][walker][dim]` (rectangular, finite) and returns a view of it. */
export function nestedView(chain: EnsembleChain, where = 'chain'): ChainView {
  const nsteps = chain.length;
  if (nsteps < 1) throw new InputError(where, 'is empty (no steps)');
  const nwalkers = chain[0].length;
  if (nwalkers < 1) throw new InputError(`${where}[0]`, 'has no walkers');
  const ndim = chain[0][0].length;
  if (ndim < 1) throw new InputError(`${where}[0][0]`, 'has no dimensions');
  for (let s = 0; s < nsteps; s++) {
    const row = chain[s];
    if (!row || row.length !== nwalkers) throw new InputError(`${where}[${s}]`, `has ${row?.length} walkers, expected ${nwalkers} (chain must be rectangular)`);
    for (let w = 0; w < nwalkers; w++) {
      const p = row[w];
      if (!p || p.length !== ndim) throw new InputError(`${where}[${s}][${w}]`, `has ${p?.length} dimensions, expected ${ndim}`);
      for (let d = 0; d < ndim; d++) {
        const v = p[d];
        if (!Number.isFinite(v)) throw new InputError(`${where}[${s}][${w}][${d}]`, `${nonFinite(v)}; ${HINT}`);
      }
    }
  }
  return {
    nsteps, nwalkers, ndim,
    copySeries(w, d, buf) {
      for (let s = 0; s < nsteps; s++) buf[s] = chain[s][w][d];
    },
  };
}

/** Either layout -> view. */
export function toView(chain: EnsembleChain | FlatChain, where = 'chain'): ChainView {
  if (isFlatChain(chain)) return flatView(chain.data, chain, where);
  return nestedView(chain, where);
}

export function isFlatChain(x: unknown): x is FlatChain {
  return typeof x === 'object' && x !== null && 'data' in x && 'nsteps' in x && 'nwalkers' in x && 'ndim' in x;
}

/**
 * Converts an ensemble chain into per-parameter chains, one chain per walker:
 * result[dim][walker] is a Float64Array of length nsteps (the walker's trajectory in `dim`).
 * Validates shape and finiteness (InputError naming the offending element).
 * Accepts `chain[step][walker][dim]` or a {@link FlatChain}.
 */
export function ensembleToChains(chain: EnsembleChain | FlatChain): Float64Array[][] {
  const v = toView(chain);
  const out: Float64Array[][] = [];
  for (let d = 0; d < v.ndim; d++) {
    const perWalker: Float64Array[] = [];
    for (let w = 0; w < v.nwalkers; w++) {
      const buf = new Float64Array(v.nsteps);
      v.copySeries(w, d, buf);
      perWalker.push(buf);
    }
    out.push(perWalker);
  }
  return out;
}

/**
 * Validates per-parameter chains `chains[chain][draw]`: at least one chain, all of equal length
 * >= `minDraws`, all finite. Returns them copied into Float64Arrays.
 * @throws InputError naming e.g. `chains[2][17]` for a NaN draw.
 */
export function validateChains(chains: ParameterChains, minDraws = 4, where = 'chains'): Float64Array[] {
  const m = chains?.length ?? 0;
  if (m < 1) throw new InputError(where, 'has no chains');
  const n = chains[0].length;
  if (n < minDraws) throw new InputError(`${where}[0]`, `has ${n} draws; at least ${minDraws} are needed (each split half must have >= 2)`);
  const out: Float64Array[] = [];
  for (let c = 0; c < m; c++) {
    const ch = chains[c];
    if (!ch || ch.length !== n) throw new InputError(`${where}[${c}]`, `has ${ch?.length} draws but chains[0] has ${n}; all chains must have equal length`);
    const buf = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = ch[i];
      if (!Number.isFinite(v)) throw new InputError(`${where}[${c}][${i}]`, `${nonFinite(v)}; ${HINT}`);
      buf[i] = v;
    }
    out.push(buf);
  }
  return out;
}
