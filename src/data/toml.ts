/**
 * A TOML subset, enough for configuration files of command options: `key = value` lines with
 * bare (A-Za-z0-9_-) or quoted keys; values are basic strings ("..." with \" \\ \n \t \r \b \f
 * \uXXXX \UXXXXXXXX escapes), literal strings ('...'), integers and floats (sign, exponent,
 * underscores between digits, inf and nan), booleans, and arrays of those (nested, spanning lines,
 * trailing comma allowed); `#` comments anywhere outside strings. Not supported, and refused with
 * the line: tables ([section]), dotted keys, inline tables, multi-line strings, dates.
 * Every error is a TomlError naming the line; keys keep the line they were set on.
 */

export type TomlValue = string | number | boolean | TomlValue[];

export class TomlError extends Error {
  readonly line: number;
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = 'TomlError';
    this.line = line;
  }
}

export interface TomlEntry {
  value: TomlValue;
  line: number;
}

/** Parses `text`; returns each key's value and line, in file order. */
export function parseToml(text: string): Map<string, TomlEntry> {
  const out = new Map<string, TomlEntry>();
  let i = 0;
  let line = 1;
  const n = text.length;
  const err = (m: string, at = line) => new TomlError(at, m);

  const skipSpace = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
  };
  const skipComment = () => {
    if (text[i] === '#') while (i < n && text[i] !== '\n') i++;
  };
  /** Whitespace, newlines and comments (inside arrays). */
  const skipAll = () => {
    for (;;) {
      skipSpace();
      skipComment();
      if (text[i] === '\r' && text[i + 1] === '\n') i++;
      if (text[i] === '\n') {
        i++;
        line++;
        continue;
      }
      return;
    }
  };
  const endOfLine = () => {
    skipSpace();
    skipComment();
    if (i < n && text[i] === '\r' && text[i + 1] === '\n') i++;
    if (i < n && text[i] !== '\n') throw err(`unexpected '${text.slice(i, i + 12).split('\n')[0]}' after the value (one key = value per line; # starts a comment)`);
  };

  const basicString = (): string => {
    i++; // opening "
    if (text.startsWith('""', i)) throw err('multi-line strings (""") are not supported');
    let s = '';
    while (i < n) {
      const c = text[i];
      if (c === '"') {
        i++;
        return s;
      }
      if (c === '\n') break;
      if (c === '\\') {
        const e = text[i + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' };
        if (e in simple) {
          s += simple[e];
          i += 2;
          continue;
        }
        if (e === 'u' || e === 'U') {
          const len = e === 'u' ? 4 : 8;
          const hex = text.slice(i + 2, i + 2 + len);
          if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) throw err(`bad unicode escape \\${e}${hex}`);
          const cp = parseInt(hex, 16);
          if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw err(`\\${e}${hex} is not a Unicode scalar value`);
          s += String.fromCodePoint(cp);
          i += 2 + len;
          continue;
        }
        throw err(`unknown escape \\${e ?? ''} in a string`);
      }
      s += c;
      i++;
    }
    throw err('unterminated string (a closing " is missing on this line)');
  };
  const literalString = (): string => {
    i++;
    if (text.startsWith("''", i)) throw err("multi-line literal strings (''') are not supported");
    const end = text.indexOf("'", i);
    const nl = text.indexOf('\n', i);
    if (end < 0 || (nl >= 0 && nl < end)) throw err("unterminated literal string (a closing ' is missing on this line)");
    const s = text.slice(i, end);
    i = end + 1;
    return s;
  };

  const scalar = (): TomlValue => {
    const m = /^[^\s,\]#]+/.exec(text.slice(i, i + 200));
    const tok = m ? m[0] : '';
    if (!tok) throw err(`missing value${i < n && text[i] !== '\n' ? ` at '${text[i]}'` : ''}`);
    i += tok.length;
    if (tok === 'true') return true;
    if (tok === 'false') return false;
    if (/^[+-]?(inf|nan)$/.test(tok)) return tok.includes('nan') ? NaN : tok.startsWith('-') ? -Infinity : Infinity;
    if (/^[+-]?(0|[1-9](_?\d)*)$/.test(tok) || /^[+-]?(0|[1-9](_?\d)*)(\.\d(_?\d)*)?([eE][+-]?\d(_?\d)*)?$/.test(tok)) {
      const v = Number(tok.replace(/_/g, ''));
      if (!Number.isFinite(v)) throw err(`number ${tok} is out of range`);
      if (/^[+-]?\d[\d_]*$/.test(tok) && !Number.isSafeInteger(v)) throw err(`integer ${tok} is too large (beyond 2^53)`);
      return v;
    }
    if (/^\d{4}-\d{2}-\d{2}/.test(tok)) throw err(`dates are not supported (${tok}); quote it as a string`);
    if (tok === '{') throw err('inline tables are not supported');
    throw err(`'${tok}' is not a value: quote strings ("..."), numbers as 1.5, booleans as true/false, lists as [1, 2]`);
  };

  const value = (): TomlValue => {
    const c = text[i];
    if (c === '"') return basicString();
    if (c === "'") return literalString();
    if (c === '{') throw err('inline tables are not supported');
    if (c === '[') {
      const start = line;
      i++;
      const arr: TomlValue[] = [];
      for (;;) {
        skipAll();
        if (i >= n) throw err(`unterminated array (opened on line ${start}; a ] is missing)`, start);
        if (text[i] === ']') {
          i++;
          return arr;
        }
        arr.push(value());
        skipAll();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        if (i >= n) throw err(`unterminated array (opened on line ${start}; a ] is missing)`, start);
        throw err(`expected , or ] in the array, found '${text[i]}'`);
      }
    }
    return scalar();
  };

  while (i < n) {
    skipSpace();
    skipComment();
    if (i >= n) break;
    if (text[i] === '\r' && text[i + 1] === '\n') i++;
    if (text[i] === '\n') {
      i++;
      line++;
      continue;
    }
    if (text[i] === '[') throw err(`tables ([section]) are not supported: put the options at the top level`);
    let key: string;
    const keyLine = line;
    if (text[i] === '"') key = basicString();
    else if (text[i] === "'") key = literalString();
    else {
      const m = /^[A-Za-z0-9_-]+/.exec(text.slice(i, i + 200));
      if (!m) throw err(`expected a key (letters, digits, - and _), found '${text.slice(i, i + 12).split('\n')[0]}'`);
      key = m[0];
      i += key.length;
    }
    skipSpace();
    if (text[i] === '.') throw err(`dotted keys are not supported (${key}.…)`);
    if (text[i] !== '=') throw err(`expected = after the key '${key}'`);
    i++;
    skipSpace();
    if (i >= n || text[i] === '\n' || text[i] === '#') throw err(`key '${key}' has no value`);
    const v = value();
    endOfLine();
    if (out.has(key)) throw err(`key '${key}' is set twice (first on line ${out.get(key)!.line})`, keyLine);
    out.set(key, { value: v, line: keyLine });
  }
  return out;
}

/** A TOML literal of `v` (strings as basic strings with escapes; numbers as the shortest round trip). */
export function tomlLiteral(v: TomlValue): string {
  // JSON's escapes are TOML's; DEL, which JSON leaves raw, must be escaped in TOML.
  if (typeof v === 'string') return JSON.stringify(v).replace(/\x7f/g, '\\u007F');
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'nan';
    if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
    // String(v) round-trips exactly; its 1e+21 / 1e-7 forms are valid TOML floats.
    return String(v);
  }
  return `[${v.map(tomlLiteral).join(', ')}]`;
}
