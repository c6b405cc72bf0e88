// The consumer test of the `kubeception-fakes` bin of @kubeception/testing, as a user starts it:
// it waits for the one JSON ready line, checks the files and a fake behind each URL, then stops
// it with SIGTERM and expects exit code 0. Usage: node fakes.mjs [path of the bin].
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';

const bin = process.argv[2] ?? 'node_modules/.bin/kubeception-fakes';
const dir = mkdtempSync(join(tmpdir(), 'kubeception-fakes-'));
const fail = (message) => {
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`kubeception-fakes: ${message}`);
};

const child = spawn(bin, ['--dir', dir, '--nodes', '1', '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
let stderr = '';
child.stderr.on('data', (c) => (stderr += c));
const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
const line = await new Promise((resolve) => {
  let out = '';
  const timer = setTimeout(() => resolve(undefined), 30_000);
  child.stdout.on('data', (c) => {
    out += c;
    if (out.includes('\n')) (clearTimeout(timer), resolve(out.slice(0, out.indexOf('\n'))));
  });
  void exited.then(() => (clearTimeout(timer), resolve(undefined)));
});
if (line === undefined) (child.kill('SIGKILL'), fail(`no ready line within 30 s:\n${stderr}`));
const ready = JSON.parse(line);
const env = parseEnv(readFileSync(ready.env, 'utf8'));
if (ready.ready !== true || env.KUBECONFIG !== ready.kubeconfig || env.VAULT_ADDR !== ready.vault) fail(`unexpected ready line ${line}`);
if ((statSync(ready.kubeconfig).mode & 0o777) !== 0o600) fail('the kubeconfig is not owner-only');
const health = await fetch(`${ready.vault}/v1/sys/health`);
if (health.status !== 200) fail(`the fake Vault answered ${health.status}`);
child.kill('SIGTERM');
const code = await exited;
if (code !== 0) fail(`exited ${code} after SIGTERM:\n${stderr}`);
rmSync(dir, { recursive: true, force: true });
console.log(`kubeception-fakes: ready (kube ${ready.kube}), stopped by SIGTERM with exit code 0`);
