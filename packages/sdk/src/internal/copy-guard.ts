/**
 * Warns when a second copy of the SDK is loaded into one process: two installed versions, or
 * the ES module and the CommonJS build side by side. Two copies mean two zod instances (provider
 * schemas built with one fail `instanceof` checks of the other) and two sets of module state, so
 * a user hears of it at once, as a process warning with code {@link DUPLICATE_SDK_WARNING}.
 */

/** The `code` of the process warning emitted when a second SDK copy loads. */
export const DUPLICATE_SDK_WARNING = 'KUBECEPTION_DUPLICATE_SDK';

const KEY = Symbol.for('@kubeception/sdk.copies');

/**
 * Records this copy of the SDK and warns once if another one was loaded first. `where` names the
 * copy's file: the same file evaluated again (a test runner re-evaluating modules) is one copy.
 */
export function registerSdkCopy(where: string): void {
  const registry = globalThis as { [KEY]?: Set<string> };
  const copies = (registry[KEY] ??= new Set());
  copies.add(where);
  if (copies.size === 2) {
    process.emitWarning(
      `two copies of @kubeception/sdk are loaded in this process (${[...copies].join(' and ')}): install one version, and load it either as an ES module or with require(), not both`,
      { code: DUPLICATE_SDK_WARNING },
    );
  }
}
