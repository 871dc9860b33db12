/**
 * Typed errors. Library code throws these; only the CLI layer turns them into a one-line message
 * and an exit code. `where` names the file, row, field or parameter at fault; the message says
 * what is wrong and how to fix it.
 */
export class JamfitError extends Error {
  /** Process exit code the CLI uses for this error (2 = bad input, 1 = runtime failure). */
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** Invalid user input: a field, file or row that fails validation. */
export class InputError extends JamfitError {
  /** The field path (e.g. `mge_lum.qobs[3]`), file:row, or parameter name. */
  readonly where: string;
  constructor(where: string, problem: string) {
    super(`${where}: ${problem}`, 2);
    this.where = where;
  }
}

/** A numerical failure that is not the user's fault to fix by editing input (exit code 1). */
export class NumericalError extends JamfitError {
  constructor(message: string) {
    super(message, 1);
  }
}

/**
 * A parameter value outside the model's domain (e.g. an inclination too low for the observed
 * flattening q', beta_z >= 1): the model does not exist there. It is an InputError, so a CLI user
 * still gets one line naming the field; a posterior maps it to -Infinity (zero probability) instead
 * of failing, because a sampler proposing such a point is normal (likelihoods/posterior.ts).
 * Only finite values out of range are DomainErrors: NaN, wrong shapes and bad files remain plain
 * InputErrors, since they are bugs that a sampler must not hide.
 */
export class DomainError extends InputError {}
