/**
 * The files `kubeception-fakes` writes for operators: the host's kubeconfig and an env file of
 * `KEY=value` lines (a shell's `set -a; . env`, `node --env-file=env`, systemd's `EnvironmentFile`).
 * Both carry credentials: the folder is made owner-only, the files are written 0600.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Result } from 'neverthrow';
import { FakesErrorKind, type FakesError } from './fakes-error.js';
import type { RunningFakes } from './serve-fakes.js';

/** A value a POSIX shell reads back as it is, unquoted. */
const SHELL_SAFE = /^[A-Za-z0-9_./:@%+,=-]*$/;

/** `value`, single-quoted for a POSIX shell when it needs it (`it's` → `'it'\''s'`). */
export function shellQuote(value: string): string {
  return SHELL_SAFE.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/** The env file of `environment`: one `KEY=value` line per variable, in order, values quoted for a shell when needed. */
export function renderEnvFile(environment: Readonly<Record<string, string>>): string {
  return Object.entries(environment)
    .map(([key, value]) => `${key}=${shellQuote(value)}\n`)
    .join('');
}

/** Where {@link writeFakesFiles} wrote: absolute paths. */
export interface FakesFiles {
  /** The host's kubeconfig. */
  readonly kubeconfig: string;
  /** The env file, whose `KUBECONFIG` names {@link kubeconfig}. */
  readonly env: string;
}

/** Runs a file system step: its failure is a `WriteFailed` error about `path`. */
function fileStep(what: string, path: string, step: () => void): Result<void, FakesError> {
  const failed = (cause: unknown): FakesError => ({
    kind: FakesErrorKind.WriteFailed,
    path,
    message: `could not ${what} ${path}: ${(cause as Error).message}`,
    cause,
  });
  return Result.fromThrowable(step, failed)();
}

/** Writes `content` to `path`, owner read/write only (also when the file was there before). */
const writeOwnerOnly = (path: string, content: string) =>
  fileStep('write', path, () => {
    writeFileSync(path, content, { mode: 0o600 });
    chmodSync(path, 0o600);
  });

/** Writes `<dir>/kubeconfig` and `<dir>/env` for `fakes`, making `dir` if needed. */
export function writeFakesFiles(dir: string, fakes: Pick<RunningFakes, 'kubeconfigYaml' | 'environment'>): Result<FakesFiles, FakesError> {
  const files = { kubeconfig: join(resolve(dir), 'kubeconfig'), env: join(resolve(dir), 'env') };
  return fileStep('create', dir, () => mkdirSync(dir, { recursive: true, mode: 0o700 }))
    .andThen(() => writeOwnerOnly(files.kubeconfig, fakes.kubeconfigYaml))
    .andThen(() => writeOwnerOnly(files.env, renderEnvFile(fakes.environment(files.kubeconfig))))
    .map(() => files);
}
