#!/usr/bin/env node
/**
 * The quick start (`npm start` at the repository root): a simulated host, a fake Vault and the
 * operators in-process, and the sample KVM Cluster followed to Ready.
 *
 * @example
 * ```sh
 * npm start -w examples/quickstart -- --once --workers 3
 * ```
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseOptions, USAGE } from './options.js';
import { runQuickstart, type QuickstartIo } from './quickstart.js';
import { KUBECONFIG } from './repo-root.js';

export { runQuickstart } from './quickstart.js';
export type { QuickstartIo } from './quickstart.js';
export { parseOptions, USAGE } from './options.js';
export type { QuickstartOptions } from './options.js';

/** Runs the CLI; resolves to the exit code (2 for a bad command line). */
export async function main(argv: readonly string[], io: QuickstartIo = {}): Promise<number> {
  const parsed = parseOptions(argv);
  const output = io.output ?? process.stdout;
  if (parsed.kind === 'help') return (output.write(`${USAGE}\n`), 0);
  if (parsed.kind === 'error') return (output.write(`${parsed.message}\n\n${USAGE}\n`), 2);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  try {
    return await runQuickstart(parsed.options, { kubeconfigShownAs: KUBECONFIG, signal: stop.signal, ...io });
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  }
}

const invoked = process.argv[1] ? realpathSync(process.argv[1]) : '';
if (invoked === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
