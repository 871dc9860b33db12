/**
 * CLI entry: parses argv, dispatches to a command, maps typed errors to one line and an exit code.
 *
 * Exit codes: 0 success (including --help and --version), 2 bad usage or bad input, 1 a runtime
 * failure. `jamfit` with no command is a usage error: the usage goes to stderr with exit 2, as
 * POSIX tools do for a missing operand (and as every other usage error here does), so a script
 * that calls `jamfit $cmd` with an empty $cmd fails loudly and stdout, which carries the
 * commands' data (`jamfit jam` prints JSON), never receives help text it did not ask for.
 * Asking for help (`--help`, `-h`, `help [command]`) is a success: stdout, exit 0.
 */
import { InputError, JamfitError } from '../../core/errors.ts';
import type { OptionSpecs } from './args.ts';
import { helpText, parseArgs } from './args.ts';
import { commands } from './commands.ts';
import type { IO } from './command.ts';
import { version } from '../version.ts';

export async function main(argv: string[], io = defaultIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.err(usage());
    return 2;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    io.out(`jamfit ${version}`);
    return 0;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    if (topic === undefined) {
      io.out(usage());
      return 0;
    }
    if (!commands[topic]) {
      io.err(`jamfit help: unknown command '${topic}'; run 'jamfit --help' for the list`);
      return 2;
    }
    io.out(helpText(topic, commands[topic].summary, commands[topic].options));
    return 0;
  }
  const cmd = commands[name];
  if (!cmd) {
    io.err(`jamfit: unknown command '${name}'; run 'jamfit --help' for the list`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(helpText(name, cmd.summary, cmd.options));
    return 0;
  }
  try {
    return (await cmd.run(parseArgs(rest, cmd.options), io)) ?? 0;
  } catch (e) {
    if (e instanceof JamfitError) {
      io.err(`jamfit ${name}: ${e instanceof InputError ? asFlag(e, cmd.options) : e.message}`);
      return e.exitCode;
    }
    io.err(`jamfit ${name}: internal error: ${(e as Error).stack ?? e}`);
    return 1;
  }
}

export type { IO } from './command.ts';

/**
 * Library errors name parameters (`mass_model`, `table_tol`, `beta_groups`, `psf_sigma[1]`); at the
 * command line the user typed flags, so a parameter that is one of the command's options is shown
 * as that flag (`--mass-model`, `--psf-sigma[1]`). Files, rows and names that are no option of
 * this command stay as they are.
 *
 * @param e - the error; `e.where` is a snake_case parameter name, optionally with one `[k]` index
 * @param options - the command's option specs, keyed by flag without the leading `--`
 * @returns the one-line message the CLI prints (without the `jamfit <command>: ` prefix)
 */
export function asFlag(e: InputError, options: OptionSpecs): string {
  const m = /^([a-z][a-z0-9_]*)(\[\d+\])?$/.exec(e.where);
  if (!m) return e.message;
  const name = m[1];
  const kebab = name.replace(/_/g, '-');
  const flag = kebab in options ? kebab : PARAMETER_FLAGS[name] !== undefined && PARAMETER_FLAGS[name] in options ? PARAMETER_FLAGS[name] : null;
  return flag ? `--${flag}${e.message.slice(name.length)}` : e.message;
}

/**
 * Parameters whose flag is not their name in kebab case. One table for every command: a name is
 * only turned into a flag the command has.
 */
const PARAMETER_FLAGS: Record<string, string> = {
  distance_mpc: 'distance',
  inc_deg: 'inc-range',
  q_m: 'qm-range',
  log10_mbh: 'mbh-range',
  val_fraction: 'val',
};

function defaultIO(): IO {
  return { out: (s) => process.stdout.write(s + '\n'), err: (s) => process.stderr.write(s + '\n') };
}

function usage(): string {
  const lines = Object.entries(commands).map(([n, c]) => `  ${n.padEnd(10)} ${c.summary}`);
  return [
    'usage: jamfit <command> [options]',
    '',
    'commands:',
    ...lines,
    '',
    "run 'jamfit <command> --help' for a command's options; 'jamfit --version' prints the version",
  ].join('\n');
}
