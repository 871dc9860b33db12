/** CLI entry: parses argv, dispatches to a command, maps typed errors to one line and an exit code. */
import { JamfitError } from '../../core/errors.ts';
import { helpText, parseArgs } from './args.ts';
import { commands } from './commands.ts';

export async function main(argv: string[], io = defaultIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name ? 0 : 2;
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
      io.err(`jamfit ${name}: ${e.message}`);
      return e.exitCode;
    }
    io.err(`jamfit ${name}: internal error: ${(e as Error).stack ?? e}`);
    return 1;
  }
}

export interface IO {
  out(s: string): void;
  err(s: string): void;
}

function defaultIO(): IO {
  return { out: (s) => process.stdout.write(s + '\n'), err: (s) => process.stderr.write(s + '\n') };
}

function usage(): string {
  const lines = Object.entries(commands).map(([n, c]) => `  ${n.padEnd(10)} ${c.summary}`);
  return ['usage: jamfit <command> [options]', '', 'commands:', ...lines].join('\n');
}
