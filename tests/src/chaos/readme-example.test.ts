/** The testing README's crash-point example runs as shown (its import of the example controller pointed at the SDK's examples). */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const README = new URL('../../../packages/testing/README.md', import.meta.url);
const EXAMPLE = new URL('../../../packages/sdk/examples/certificate-summaries.js', import.meta.url).href;
// under the repository's node_modules, so the example's imports resolve as in a user's project (an ES module: top-level await)
const DIR = new URL('../../../node_modules/.cache/kubeception-readme/', import.meta.url);

it('runs the README example of exploreCrashPoints and prints its report', { timeout: 60_000 }, () => {
  const section = readFileSync(README, 'utf8').split('## Crash-point exploration')[1] ?? '';
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  expect(code).toContain('exploreCrashPoints');
  mkdirSync(DIR, { recursive: true });
  const file = fileURLToPath(new URL('crash-example.mts', DIR));
  writeFileSync(file, code.replace("'./certificate-summaries.js'", `'${EXAMPLE}'`));
  const run = spawnSync(process.execPath, ['--conditions=@kubeception/source', '--import', 'tsx', file], { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  expect(run.stdout).toMatch(/^certificate-summaries: (\d+)\/\1 crash points explored, 0 failing, 0 unreached, \d+ ms\n$/);
});
