/** Gating tests on the envtest binaries: skip with the reason on a developer's machine, fail in CI. */
import { systemTestsRequired } from '../system/tools.js';
import { findEnvtestAssets, type EnvtestAssetOptions, type EnvtestAssets } from './assets.js';

/**
 * Whether tests needing {@link startEnvtest} can run: `{ run: true, assets }`, or `{ run: false, why }`
 * to skip with the reason (which names `KUBEBUILDER_ASSETS` and the build script). Throws when the
 * binaries are missing and `KUBECEPTION_SYSTEM_TESTS=required` (as `.ci/run` sets).
 *
 * @example
 * ```ts
 * const gate = envtestGate();
 * describe.skipIf(!gate.run)(`on a real kube-apiserver${gate.run ? '' : ` (skipped: ${gate.why})`}`, () => {
 *   let kube: Envtest;
 *   beforeAll(async () => (kube = await startEnvtest()), 120_000);
 *   afterAll(() => kube?.stop());
 *   // …
 * });
 * ```
 */
export function envtestGate(
  options: EnvtestAssetOptions = {},
): { readonly run: true; readonly assets: EnvtestAssets } | { readonly run: false; readonly why: string } {
  return findEnvtestAssets(options).match(
    (assets) => ({ run: true, assets }) as const,
    (error) => {
      if (systemTestsRequired()) throw new Error(`KUBECEPTION_SYSTEM_TESTS=required but ${error.message}`, { cause: error });
      return { run: false, why: error.message } as const;
    },
  );
}
