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
