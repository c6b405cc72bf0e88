/**
 * Tests that drive system programs (etcd, QEMU, kubectl): find the programs, and decide whether a
 * missing one skips the test (a developer's machine) or fails it (CI, which installs them).
 *
 * CI sets `KUBECEPTION_SYSTEM_TESTS=required` (this repository's `.ci/run` does); then a missing
 * program fails the suite instead of skipping, so CI can never go green without running these tests.
 */
import { accessSync, constants } from 'node:fs';

/** Whether system tests must run: `KUBECEPTION_SYSTEM_TESTS=required` is set (in CI, where the programs are installed). */
export const systemTestsRequired = (): boolean => process.env.KUBECEPTION_SYSTEM_TESTS === 'required';

/** The absolute path of `program` on `PATH` (and `/usr/sbin`, `/sbin`), or `undefined`. */
export function findProgram(program: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin', '/usr/bin'];
  for (const dir of dirs.filter(Boolean)) {
    try {
      accessSync(`${dir}/${program}`, constants.X_OK);
      return `${dir}/${program}`;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * What a system test should do about its programs: `{ run: true }`, or `{ run: false, why }` to
 * skip with a reason. Throws when a program is missing and system tests are required
 * ({@link systemTestsRequired}).
 *
 * @example
 * ```ts
 * const gate = systemTestGate(['etcd']);
 * describe.skipIf(!gate.run)('my store on a real etcd', () => {
 *   let etcd: EtcdServer;
 *   beforeAll(async () => (etcd = await startEtcd()));
 *   afterAll(() => etcd.stop());
 *   // …
 * });
 * ```
 */
export function systemTestGate(programs: readonly string[]): { readonly run: true } | { readonly run: false; readonly why: string } {
  const missing = programs.filter((p) => findProgram(p) === undefined);
  if (missing.length === 0) return { run: true };
  const why = `missing ${missing.join(', ')} on PATH (install to run these tests)`;
  if (systemTestsRequired()) throw new Error(`KUBECEPTION_SYSTEM_TESTS=required but ${why}`);
  return { run: false, why };
}
