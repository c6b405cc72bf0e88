import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const example = fileURLToPath(new URL('../examples/validate-and-print.ts', import.meta.url));

describe('README example', () => {
  it.each(['validate-and-print.ts', 'certificate-summaries.ts'])('shows examples/%s verbatim', (file) => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(readFileSync(new URL(`../examples/${file}`, import.meta.url), 'utf8').trim());
  });

  it('runs and prints what the README says', () => {
    const run = spawnSync(process.execPath, ['--conditions=@kubeception/source', '--import', 'tsx', example], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    // the README shows the output verbatim, byte count included, so it cannot go stale
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const shown = /It prints:\n\n```\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(run.stdout).toBe(shown);
    expect(run.stdout).toMatch(
      /^invalid Cluster demo:\nspec\.workers\[0\]\.memory: must be a Kubernetes quantity such as 4Gi or 512Mi \(got "4gb"\)\n3 CRDs, \d+ bytes of YAML\n$/,
    );
  }, 30_000);
});
