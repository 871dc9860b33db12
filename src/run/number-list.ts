/**
 * A comma-separated list of numbers from a command-line option, e.g. `--psf-sigma 0.6,1.8`.
 * undefined when the option is absent; an InputError naming the option for an empty item or
 * anything that is not a finite number. Range checks are the caller's.
 */
import { InputError } from '../../core/errors.ts';

export function numberList(name: string, s: string | undefined): number[] | undefined {
  if (s === undefined) return undefined;
  const parts = String(s).split(',').map((t) => t.trim());
  const v = parts.map(Number);
  if (parts.some((t) => t === '') || v.some((t) => !Number.isFinite(t))) throw new InputError(name, `is '${s}'; give comma-separated numbers`);
  return v;
}
