/**
 * A small declarative argument parser (citty-style): a command declares its options, the parser
 * returns typed values or throws a UsageError naming the option and the fix.
 */
import { JamfitError } from '../../core/errors.ts';

export class UsageError extends JamfitError {
  constructor(message: string) {
    super(message, 2);
  }
}

export interface OptionSpec {
  type: 'string' | 'number' | 'boolean';
  description: string;
  required?: boolean;
  default?: string | number | boolean;
  /** Short alias without the dash, e.g. 'o'. */
  alias?: string;
}

export type OptionSpecs = Record<string, OptionSpec>;

type ValueOf<S extends OptionSpec> = S['type'] extends 'number' ? number : S['type'] extends 'boolean' ? boolean : string;
export type ParsedArgs<S extends OptionSpecs> = { [K in keyof S]: ValueOf<S[K]> | undefined } & { _: string[] };

export function parseArgs<S extends OptionSpecs>(argv: string[], specs: S): ParsedArgs<S> {
  const out: Record<string, unknown> = { _: [] as string[] };
  const byAlias = new Map<string, string>();
  for (const [name, s] of Object.entries(specs)) if (s.alias) byAlias.set(s.alias, name);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('-') || a === '-') {
      (out._ as string[]).push(a);
      continue;
    }
    let key = a.startsWith('--') ? a.slice(2) : byAlias.get(a.slice(1)) ?? a.slice(1);
    let value: string | undefined;
    const eq = key.indexOf('=');
    if (eq >= 0) {
      value = key.slice(eq + 1);
      key = key.slice(0, eq);
    }
    const spec = specs[key];
    if (!spec) {
      const known = Object.keys(specs).map((k) => `--${k}`).join(', ');
      throw new UsageError(`unknown option '${a}'; known options: ${known || 'none'}`);
    }
    if (spec.type === 'boolean') {
      out[key] = value === undefined ? true : value !== 'false';
      continue;
    }
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new UsageError(`option --${key} needs a value (${spec.description})`);
    }
    if (spec.type === 'number') {
      const v = Number(value);
      if (!Number.isFinite(v)) throw new UsageError(`option --${key} = '${value}' is not a number (${spec.description})`);
      out[key] = v;
    } else out[key] = value;
  }
  for (const [name, s] of Object.entries(specs)) {
    if (out[name] === undefined && s.default !== undefined) out[name] = s.default;
    if (out[name] === undefined && s.required) throw new UsageError(`missing --${name} (${s.description})`);
  }
  return out as ParsedArgs<S>;
}

/**
 * Help text of one command: usage line, summary, and its options followed by the --help every
 * command accepts (so a command without options still shows a non-empty options section).
 */
export function helpText(command: string, summary: string, specs: OptionSpecs): string {
  const rows: [string, string][] = Object.entries(specs).map(([n, s]) => {
    const flag = `--${n}${s.alias ? `, -${s.alias}` : ''}${s.type === 'boolean' ? '' : ` <${s.type}>`}`;
    const extra = s.required ? ' (required)' : s.default !== undefined ? ` (default ${s.default})` : '';
    return [flag, `${s.description}${extra}`];
  });
  rows.push(['--help, -h', 'show this help']);
  const hasOwn = Object.keys(specs).length > 0;
  return [
    `usage: jamfit ${command}${hasOwn ? ' [options]' : ''}`,
    '',
    summary,
    '',
    'options:',
    ...rows.map(([flag, text]) => `  ${flag.padEnd(26)} ${text}`),
  ].join('\n');
}
