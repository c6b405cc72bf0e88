/**
 * A throwaway directory for a system test's programs (etcd's data, a control plane's keys),
 * removed by whoever started them, or when the Node.js process exits if nobody did.
 */
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temporary directory made by {@link createTempDir}. */
export interface TempDir {
  /** Its absolute path. */
  readonly path: string;
  /** Removes it with everything in it. Safe to call twice. */
  remove(): Promise<void>;
}

/**
 * Makes a directory `<tmpdir>/<prefix>XXXXXX`. It is removed by `remove()`, or, if nobody called
 * that, when this process exits (by then the programs writing into it are killed by their own exit
 * hooks; one still writing leaves it to the OS's tmp cleaning).
 */
export async function createTempDir(prefix: string): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  const removeOnExit = () => {
    try {
      rmSync(path, { recursive: true, force: true });
    } catch {
      // a process still writing into it: leave it to the OS's tmp cleaning
    }
  };
  process.once('exit', removeOnExit);
  let removed: Promise<void> | undefined;
  return {
    path,
    remove: () =>
      (removed ??= (async () => {
        await rm(path, { recursive: true, force: true });
        process.removeListener('exit', removeOnExit);
      })()),
  };
}
