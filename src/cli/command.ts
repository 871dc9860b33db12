/**
 * What a CLI command is, apart from the list of commands: the cmd-*.ts modules import
 * defineCommand from here, and this module imports no command, so a command module can be the
 * first module a process loads (commands.ts imports every cmd-*.ts; were defineCommand defined
 * there, importing a cmd-*.ts first would evaluate it after the modules that use its exports:
 * "Cannot access '...' before initialization"; test/cli/import-order.test.ts).
 */
import type { OptionSpecs, ParsedArgs } from './args.ts';

/** Where a command writes: its data and messages to `out` (stdout), diagnostics to `err` (stderr). */
export interface IO {
  out(s: string): void;
  err(s: string): void;
}

/** A declarative command: main.ts parses `options` (and handles --help) before calling `run`. */
export interface Command<S extends OptionSpecs = OptionSpecs> {
  summary: string;
  options: S;
  run(args: ParsedArgs<S>, io: IO): Promise<number | void>;
}

/** Keeps the option types of a command literal (so `run` sees typed arguments). */
export function defineCommand<S extends OptionSpecs>(c: Command<S>): Command<S> {
  return c;
}
