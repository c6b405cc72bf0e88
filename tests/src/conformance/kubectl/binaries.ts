/**
 * The kubectl binaries of the machine, one per minor version: the google-cloud-sdk image keeps
 * `kubectl.1.NN` beside its `kubectl` dispatcher, so they are looked up in the folder the real path
 * of `kubectl` (the first on PATH) lives in. None when kubectl is not installed that way.
 */
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

/** One kubectl binary. */
export interface KubectlBinary {
  /** The minor version (1.NN) its name states. */
  readonly minor: number;
  readonly path: string;
}

/** The `kubectl.1.NN` binaries beside the real path of the first `kubectl` on `pathVariable`, oldest first. */
export function kubectlBinaries(pathVariable = process.env.PATH ?? ''): KubectlBinary[] {
  const onPath = pathVariable
    .split(delimiter)
    .filter((dir) => dir !== '')
    .map((dir) => join(dir, 'kubectl'))
    .find((file) => existsSync(file));
  if (onPath === undefined) return [];
  const folder = dirname(realpathSync(onPath));
  return readdirSync(folder)
    .flatMap((name) => {
      const match = /^kubectl\.1\.(\d+)$/.exec(name);
      return match ? [{ minor: Number(match[1]), path: join(folder, name) }] : [];
    })
    .sort((a, b) => a.minor - b.minor);
}
