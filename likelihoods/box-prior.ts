/**
 * A box (uniform) prior over named parameters with an optional domain it must stay inside: the
 * surrogate's training domain. A prior that asks the surrogate to extrapolate is a user error, so
 * it is refused when the prior is built, not discovered during sampling.
 */
import { InputError } from '../core/errors.ts';

export interface Bounds {
  [name: string]: readonly [number, number];
}

export interface BoxPrior {
  names: string[];
  lo: Float64Array;
  hi: Float64Array;
  /** Log-density: -sum log(hi - lo) inside, -Infinity outside (bounds inclusive). */
  logPrior(x: ArrayLike<number>): number;
}

/**
 * @param bounds  parameter -> [lo, hi], lo < hi, finite.
 * @param domain  optional parameter -> [lo, hi] that every bound must lie within (e.g. the training
 *   domain); a parameter in `bounds` missing from `domain` is not constrained.
 */
export function boxPrior(bounds: Bounds, domain?: Bounds): BoxPrior {
  const names = Object.keys(bounds);
  if (names.length === 0) throw new InputError('prior', 'has no parameters; give at least one {name: [lo, hi]}');
  const lo = new Float64Array(names.length);
  const hi = new Float64Array(names.length);
  names.forEach((n, k) => {
    const b = bounds[n];
    if (!Array.isArray(b) || b.length !== 2 || !b.every(Number.isFinite) || !(b[0] < b[1])) {
      throw new InputError(`prior.${n}`, `is ${JSON.stringify(b)}; give [lo, hi] with finite lo < hi`);
    }
    const d = domain?.[n];
    if (d && (b[0] < d[0] || b[1] > d[1])) {
      throw new InputError(`prior.${n}`, `[${b[0]}, ${b[1]}] leaves the domain the model is valid on, [${d[0]}, ${d[1]}]; narrow the prior`);
    }
    lo[k] = b[0];
    hi[k] = b[1];
  });
  let logVol = 0;
  for (let k = 0; k < names.length; k++) logVol += Math.log(hi[k] - lo[k]);
  return {
    names,
    lo,
    hi,
    logPrior(x) {
      for (let k = 0; k < lo.length; k++) if (!(x[k] >= lo[k] && x[k] <= hi[k])) return -Infinity;
      return -logVol;
    },
  };
}
