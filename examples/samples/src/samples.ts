/** Loads the sample files and their annotations. */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parse } from 'yaml';

/** A sample file, its object, and what its comments say it must produce. */
export interface Sample {
  readonly file: string;
  readonly object: { kind: string; [key: string]: unknown };
  /** `# expect: path: message` lines (invalid samples); a path may name a map key, `labels["bad key!"]`. */
  readonly expects: readonly { path: string; message: string }[];
  /**
   * `# server: field: message` lines: the causes of the API server's 422 (CRD schema, CEL rules,
   * name validation), in order, each message given by its start. None: the server accepts it.
   */
  readonly server: readonly string[];
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** `# expect: <path>: <message>`; the path runs to the first ': ' outside a quoted key. */
const EXPECT = /^# expect: ((?:[^\s"]|"(?:[^"\\]|\\.)*")+): (.+)$/gm;
const SERVER = /^# server: (.+)$/gm;

/** Reads every sample in `valid/` or `invalid/`. */
export function loadSamples(folder: 'valid' | 'invalid'): Sample[] {
  const dir = join(ROOT, folder);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((file) => {
      const text = readFileSync(join(dir, file), 'utf8');
      const expects = [...text.matchAll(EXPECT)].map(([, path = '', message = '']) => ({ path, message }));
      const server = [...text.matchAll(SERVER)].map(([, cause = '']) => cause);
      return { file, object: parse(text) as Sample['object'], expects, server };
    });
}
