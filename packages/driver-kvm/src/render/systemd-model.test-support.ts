/**
 * A model of how systemd reads a unit file, for tests that parse rendered units back: settings
 * per section (lines joined at a trailing backslash, comments dropped) and the argv of a command
 * line (systemd.service(5) "Command lines", systemd.syntax(7) quoting). It throws on anything the
 * renderers must never produce — an unknown specifier, an environment variable reference, an
 * unknown escape, unbalanced quotes — so a test using it fails instead of guessing.
 */

/** One `Key=value` of a unit, with its section. */
export interface UnitSetting {
  readonly section: string;
  readonly key: string;
  readonly value: string;
}

/** The settings of a unit file, in order. */
export function unitSettings(text: string): UnitSetting[] {
  const logical: string[] = [];
  let pending: string | undefined;
  for (const line of text.split('\n')) {
    const joined = pending === undefined ? line : `${pending} ${line}`;
    if (joined.endsWith('\\')) pending = joined.slice(0, -1);
    else {
      logical.push(joined);
      pending = undefined;
    }
  }
  if (pending !== undefined) throw new Error('unit ends inside a continued line');
  let section = '';
  const settings: UnitSetting[] = [];
  for (const raw of logical) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      section = header[1] ?? '';
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 1) throw new Error(`not a setting: ${JSON.stringify(line)}`);
    settings.push({ section, key: line.slice(0, eq).trim(), value: line.slice(eq + 1).trim() });
  }
  return settings;
}

/** A setting's value after specifier expansion, as systemd sees it (only `%%` may occur). */
export function expandSpecifiers(value: string): string {
  return value.replace(/%(.?)/gs, (_all, next: string) => {
    if (next === '%') return '%';
    throw new Error(`specifier %${next} in ${JSON.stringify(value)} would be expanded`);
  });
}

const ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', "'": "'" };

/** The argv of an `ExecStart=` value: specifiers, then words, then `$$`. */
export function execArgv(value: string): string[] {
  const text = expandSpecifiers(value);
  const words: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i] ?? '')) i++;
    if (i >= text.length) break;
    // `\;` as a word of its own is a literal ";" (a bare ";" separates commands)
    if (text.startsWith('\\;', i) && (i + 2 >= text.length || /\s/.test(text[i + 2] ?? ''))) {
      words.push(';');
      i += 2;
      continue;
    }
    let word = '';
    let quote: string | undefined;
    for (; i < text.length; i++) {
      const c = text[i] ?? '';
      if (quote === undefined && /\s/.test(c)) break;
      if (c === '\\') {
        const next = text[i + 1] ?? '';
        const escaped = ESCAPES[next];
        if (escaped === undefined) throw new Error(`unknown escape \\${next} in ${JSON.stringify(value)}`);
        word += escaped;
        i++;
      } else if (quote === undefined && (c === '"' || c === "'")) quote = c;
      else if (c === quote) quote = undefined;
      else word += c;
    }
    if (quote !== undefined) throw new Error(`unbalanced quoting in ${JSON.stringify(value)}`);
    if (word === ';') throw new Error(`a bare ";" in ${JSON.stringify(value)} separates commands`);
    words.push(
      word.replace(/\$(.?)/gs, (_all, next: string) => {
        if (next === '$') return '$';
        throw new Error(`$${next} in ${JSON.stringify(value)} would be substituted`);
      }),
    );
  }
  return words;
}
