import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ResultAsync, errAsync } from 'neverthrow';
import { InputErrorKind, type InputError } from './input-error.js';
import { readAllText, type CliIo } from './io.js';

/** The path that means standard input. */
export const STDIN_PATH = '-';

/** How standard input is named in messages and reports. */
export const STDIN_LABEL = '<stdin>';

/** The text of one file (or of standard input), named as the user wrote it. */
export interface Source {
  readonly file: string;
  readonly text: string;
}

/**
 * Reads the files named by `path`: the file itself, the `.yaml`/`.yml` files of a directory
 * (sorted, not recursive), or standard input for `-`. Relative paths resolve against `io.cwd`.
 */
export function readSources(path: string, io: CliIo): ResultAsync<Source[], InputError> {
  if (path === STDIN_PATH) {
    return ResultAsync.fromPromise(readAllText(io.stdin), (error) => toInputError(STDIN_LABEL, error)).map((text) => [{ file: STDIN_LABEL, text }]);
  }
  const absolute = resolve(io.cwd, path);
  return ResultAsync.fromPromise(stat(absolute), (error) => toInputError(path, error)).andThen((stats) =>
    stats.isDirectory() ? readDirectory(path, absolute) : readOne(path, absolute).map((source) => [source]),
  );
}

function readDirectory(path: string, absolute: string): ResultAsync<Source[], InputError> {
  return ResultAsync.fromPromise(readdir(absolute), (error) => toInputError(path, error)).andThen((entries) => {
    const names = entries.filter((name) => /\.ya?ml$/.test(name)).sort();
    if (names.length === 0) {
      return errAsync<Source[], InputError>({ kind: InputErrorKind.NoYamlFiles, file: path, message: 'no .yaml or .yml file in this directory' });
    }
    return ResultAsync.combine(names.map((name) => readOne(join(path, name), join(absolute, name))));
  });
}

function readOne(file: string, absolute: string): ResultAsync<Source, InputError> {
  return ResultAsync.fromPromise(readFile(absolute, 'utf8'), (error) => toInputError(file, error)).map((text) => ({ file, text }));
}

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a path component is not a directory',
  EISDIR: 'is a directory',
};

/** The one boundary where file-system throws become values. */
function toInputError(file: string, error: unknown): InputError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason = (code !== undefined ? REASONS[code] : undefined) ?? firstLine(error);
  return { kind: code === 'ENOENT' ? InputErrorKind.NotFound : InputErrorKind.Unreadable, file, message: `cannot read: ${reason}` };
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
