/**
 * Errors specific to the convergence diagnostics. Input validation uses the project's
 * {@link InputError}; an autocorrelation-time estimate that is too uncertain to trust is an
 * {@link AutocorrError}, a {@link NumericalError} (exit code 1) that carries the estimate.
 */
import { NumericalError } from '../../core/errors.ts';

/**
 * Thrown by `autocorrTime` / `integratedTime` when the chain is too short for a reliable
 * estimate (nsteps < tol * tau for some dimension, or tau undefined because a series is
 * constant). The (possibly unreliable) estimate is still available in `tau`.
 */
export class AutocorrError extends NumericalError {
  /** The estimated integrated autocorrelation time per dimension (steps; NaN where undefined). */
  readonly tau: Float64Array;
  constructor(tau: Float64Array, message: string) {
    super(message);
    this.tau = tau;
  }
}
