/**
 * Tests that drive system programs (etcd, QEMU): find the programs, and decide whether a missing
 * one skips the test (a developer's machine) or fails it (CI, where `.ci/run` installs them).
 *
 * `.ci/run` sets `KUBECEPTION_SYSTEM_TESTS=required`; then a missing program fails the suite
 * instead of skipping, so CI can never go green without running these tests.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

/** Whether system tests must run (`KUBECEPTION_SYSTEM_TESTS=required`, as `.ci/run` sets). */
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

/** Whether this process may create network namespaces, bridges and taps (root with `ip`). */
export function canManageNetworks(): boolean {
  if (process.getuid?.() !== 0 || findProgram('ip') === undefined) return false;
  try {
    execFileSync('ip', ['link', 'show'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * What a system test should do about its programs: `{ run: true }`, or `{ run: false, why }` to
 * skip with a reason. Throws when a program is missing and system tests are required.
 */
export function systemTestGate(programs: readonly string[]): { readonly run: true } | { readonly run: false; readonly why: string } {
  const missing = programs.filter((p) => findProgram(p) === undefined);
  if (missing.length === 0) return { run: true };
  const why = `missing ${missing.join(', ')} (install as .ci/run does)`;
  if (systemTestsRequired()) throw new Error(`KUBECEPTION_SYSTEM_TESTS=required but ${why}`);
  return { run: false, why };
}
