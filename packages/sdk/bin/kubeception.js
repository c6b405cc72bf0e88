#!/usr/bin/env node
// Runs the CLI from source in a development checkout (through tsx, resolving sibling
// packages to their sources), and from the built dist/ when installed from the registry.
// Exit codes are the CLI's: 0 success, 1 invalid (or, for kubeconfig, failed), 2 usage or unreadable input.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = fileURLToPath(new URL('../src/cli-entry.ts', import.meta.url));
if (existsSync(source)) {
  // Resolve tsx from this package, not from the working directory the command runs in.
  const tsx = import.meta.resolve('tsx');
  const run = spawnSync(process.execPath, ['--conditions=@kubeception/source', '--import', tsx, source, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exitCode = run.status ?? 2;
} else {
  const { main } = await import('../dist/cli.js');
  process.exitCode = await main(process.argv.slice(2));
}
