import { execFile, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { ClusterResource } from '@kubeception/sdk';
import { createKubeClient, kubeConfigFromCertificate } from '@kubeception/sdk/kube';
import { systemTestGate } from '@kubeception/testing';
import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it, onTestFinished } from 'vitest';
import { main } from './main.js';
import { parseOptions, type QuickstartOptions } from './options.js';
import { runQuickstart } from './quickstart.js';
import { findRepoRoot } from './repo-root.js';

const ANSI = new RegExp(String.raw`\u001b\[[0-9;]*m`, 'g');

/** A non-TTY stream that keeps what is written, without colours. */
function capture() {
  let text = '';
  const output = new Writable({ write: (chunk: Buffer, _enc, done) => ((text += chunk.toString()), done()) });
  return { output, text: () => text.replace(ANSI, ''), lines: () => text.replace(ANSI, '').split('\n') };
}

/** A client of the demo's API server through the kubeconfig it wrote (HTTPS, its CA, its token). */
function fromKubeconfig(path: string) {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(path);
  return createKubeClient({ kubeConfig, qps: 0 });
}

function tempKubeconfig() {
  const dir = mkdtempSync(join(tmpdir(), 'quickstart-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'kubeconfig');
}

/** The real kubectl (and bash to run the printed commands): skipped without them, failed in CI (KUBECEPTION_SYSTEM_TESTS=required). */
const kubectl = systemTestGate(['kubectl', 'bash']);

/** Runs a command line with bash at the repository root, where the printed commands run. */
function bash(line: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) =>
    execFile('bash', ['-c', line], { cwd: findRepoRoot(fileURLToPath(new URL('.', import.meta.url))), timeout: 30_000 }, (error, stdout, stderr) =>
      done({ code: typeof error?.code === 'number' ? error.code : error ? 1 : 0, stdout, stderr }),
    ),
  );
}

const once: QuickstartOptions = { provider: 'kvm', clusters: 1, once: true, timeoutSeconds: 60, verbose: false };
const nodeLines = (lines: string[]) => lines.filter((l) => /^ {4}demo-(master|default)-\d+\s+(master|worker)\s+\d+\.\d+\.\d+\.\d+\s+on host-\d$/.test(l));

describe('quickstart', () => {
  it('--once: brings the sample KVM Cluster to Ready and prints the summary', async () => {
    const out = capture();
    const kubeconfigPath = tempKubeconfig();
    chmodSync(dirname(kubeconfigPath), 0o755); // as a folder that existed before
    expect(await runQuickstart(once, { output: out.output, kubeconfigPath })).toBe(0);
    const lines = out.lines();
    expect(lines).toContainEqual(expect.stringMatching(/^✔ certificates issued: 7\/7 \(\d+\.\d s\)$/));
    expect(lines).toContainEqual(expect.stringMatching(/^✔ VMs scheduled and running: 3\/3/));
    expect(lines).toContainEqual(expect.stringMatching(/^✔ guest nodes Ready: 3\/3/));
    expect(lines).toContainEqual(expect.stringMatching(/^cluster default\/demo: Ready in \d+\.\d s, endpoint api\.demo\.k8s\.example\.com:443$/));
    expect(nodeLines(lines)).toHaveLength(3);
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}certificates \(7, CA demo at Vault pki-demo-[a-z2-7]{10} expires \d{4}-/));
    expect(lines.filter((l) => /^ {4}demo-[a-z-]+ +expires \d{4}-\d\d-\d\dT/.test(l))).toHaveLength(7);
    expect(lines).toContain('  network: flannel 10.64.0.0/24 VNI 1, pods 10.2.0.0/16');
    expect(lines).toContain(`  kubectl --kubeconfig ${kubeconfigPath} get kc,kca,kcert,pods -A`);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^guest kubeconfig of default\/demo: Secret default\/demo-kubeconfig; its API server \(api\.demo\.k8s\.example\.com\) listens on 127\.0\.0\.1:\d+$/,
      ),
    );
    // HTTPS, a token, readable by its owner only
    const kubeconfig = readFileSync(kubeconfigPath, 'utf8');
    expect(kubeconfig).toMatch(/server: https:\/\/127\.0\.0\.1:\d+/);
    expect(kubeconfig).toMatch(/certificate-authority-data: /);
    expect(kubeconfig).toMatch(/token: [A-Za-z0-9_-]{32}/);
    expect(statSync(kubeconfigPath).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(kubeconfigPath)).mode & 0o777).toBe(0o700); // the guest kubeconfigs go there too
  });

  it('--workers 3 gives 4 nodes; --clusters 2 follows demo and demo-2', async () => {
    const out = capture();
    expect(await runQuickstart({ ...once, workers: 3, clusters: 2 }, { output: out.output, kubeconfigPath: tempKubeconfig() })).toBe(0);
    const lines = out.lines();
    expect(nodeLines(lines)).toHaveLength(4);
    expect(lines.filter((l) => /^ {4}demo-2-(master|default)-\d+\s/.test(l))).toHaveLength(4);
    expect(lines).toContainEqual(expect.stringMatching(/^cluster default\/demo-2: Ready in .* endpoint api\.demo-2\.k8s\.example\.com:443$/));
    expect(lines).toContain('  network: flannel 10.64.1.0/24 VNI 2, pods 10.2.0.0/16');
  });

  it('without --once: reports a Cluster deleted with kubectl once its namespace and Vault mount are gone, stops on abort', async () => {
    const out = capture();
    const kubeconfigPath = tempKubeconfig();
    const stop = new AbortController();
    const run = runQuickstart({ ...once, once: false }, { output: out.output, kubeconfigPath, signal: stop.signal });
    await expect.poll(() => out.text(), { timeout: 30_000, interval: 100 }).toContain('Ctrl-C to stop');
    const kube = fromKubeconfig(kubeconfigPath);
    // without the kubeconfig's token the demo's API server answers nobody
    const server = /server: (\S+)/.exec(readFileSync(kubeconfigPath, 'utf8'))![1]!;
    const anonymous = createKubeClient({ kubeConfig: kubeConfigFromCertificate({ server }), qps: 0, retry: { maxAttempts: 1 } });
    expect((await anonymous.resource(ClusterResource).delete('demo', { namespace: 'default' })).isErr()).toBe(true);
    expect((await kube.resource(ClusterResource).delete('demo', { namespace: 'default' })).isOk()).toBe(true);
    await expect
      .poll(() => out.lines(), { timeout: 30_000, interval: 100 })
      .toContain('cluster demo deleted: host namespace, network and Vault mount cleaned up');
    stop.abort();
    expect(await run).toBe(0);
  });

  it.skipIf(!kubectl.run)(
    kubectl.run
      ? 'the printed commands list the guest’s Nodes with the real kubectl, through the guest kubeconfig Secret'
      : `kubectl get nodes on the guest (skipped: ${kubectl.why})`,
    async () => {
      const out = capture();
      const kubeconfigPath = tempKubeconfig();
      const stop = new AbortController();
      const run = runQuickstart({ ...once, once: false }, { output: out.output, kubeconfigPath, signal: stop.signal });
      await expect.poll(() => out.text(), { timeout: 30_000, interval: 100 }).toContain('Ctrl-C to stop');
      const lines = out.lines();
      const at = lines.findIndex((l) => l.startsWith('guest kubeconfig of default/demo: '));
      const [print, get] = lines.slice(at + 1, at + 3).map((l) => l.trim());
      const guestKubeconfig = join(dirname(kubeconfigPath), 'demo.kubeconfig');
      expect(print).toBe(`npx kubeception kubeconfig --kubeconfig ${kubeconfigPath} default/demo > ${guestKubeconfig}`);
      expect(get).toMatch(
        new RegExp(
          `^kubectl --kubeconfig ${guestKubeconfig} --server https://127\\.0\\.0\\.1:\\d+ --tls-server-name api\\.demo\\.k8s\\.example\\.com get nodes$`,
        ),
      );
      const listed = await bash(`${print} && ${get}`);
      expect(listed).toMatchObject({ code: 0, stderr: '' });
      const table = listed.stdout.trimEnd().split('\n');
      expect(table[0]).toMatch(/^NAME\s/);
      expect(table.slice(1).map((row) => row.split(/\s+/)[0])).toEqual(['demo-default-0', 'demo-default-1', 'demo-master-0']);
      stop.abort();
      expect(await run).toBe(0);
    },
    60_000,
  );

  it('--provider aws: the sample AWS Cluster on the fake EC2; deleting it terminates its EC2 resources', async () => {
    const out = capture();
    const kubeconfigPath = tempKubeconfig();
    const stop = new AbortController();
    const run = runQuickstart({ ...once, provider: 'aws', once: false }, { output: out.output, kubeconfigPath, signal: stop.signal });
    await expect.poll(() => out.text(), { timeout: 30_000, interval: 100 }).toContain('Ctrl-C to stop');
    const lines = out.lines();
    expect(lines).toContainEqual(
      expect.stringMatching(/^✔ infrastructure: 1 vpc, 1 internet-gateway, 6 subnets, 1 route-table, 3 security-groups \(\d+\.\d s\)$/),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^✔ instances running: 6\/6/));
    expect(lines).toContainEqual(expect.stringMatching(/^cluster default\/prod-eu: Ready in \d+\.\d s, endpoint \S+:443$/));
    expect(
      lines.filter((l) => /^ {4}prod-eu-(master|general)-\d\s+(master|worker)\s+10\.10\.\d+\.\d+\s+on i-[0-9a-f]+ in eu-west-1[abc]$/.test(l)),
    ).toHaveLength(6);
    expect(lines.filter((l) => /^ {4}prod-eu-[a-z-]+ +expires \d{4}-/.test(l))).toHaveLength(7);
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}network: VPC 10\.10\.0\.0\/16 in eu-west-1 \(1 vpc, .*\), pods 10\.2\.0\.0\/16$/));
    expect(lines).toContain(`  kubectl --kubeconfig ${kubeconfigPath} get kc,kca,kcert -A`);
    const kube = fromKubeconfig(kubeconfigPath);
    expect((await kube.resource(ClusterResource).delete('prod-eu', { namespace: 'default' })).isOk()).toBe(true);
    await expect.poll(() => out.lines(), { timeout: 30_000, interval: 100 }).toContain('cluster prod-eu deleted: EC2 resources and Vault mount cleaned up');
    stop.abort();
    expect(await run).toBe(0);
  });

  it('fails with the reason when the Cluster is not Ready in time', async () => {
    const out = capture();
    // a sealed Vault holds the CA back for good, however fast the machine
    expect(await runQuickstart({ ...once, timeoutSeconds: 1 }, { output: out.output, kubeconfigPath: tempKubeconfig(), vaultSealed: true })).toBe(1);
    expect(out.text()).toMatch(/✖ cluster demo not Ready within 1 s: .*CertificateAuthority demo/);
  });

  it('parses its command line', async () => {
    expect(parseOptions(['--workers', '3', '--clusters', '2', '--timeout', '30'], {})).toEqual({
      kind: 'run',
      options: { provider: 'kvm', clusters: 2, workers: 3, once: false, timeoutSeconds: 30, verbose: false },
    });
    expect(parseOptions([], { CI: 'true' })).toMatchObject({ kind: 'run', options: { once: true } });
    expect(parseOptions(['--workers', 'x'], {})).toEqual({ kind: 'error', message: '--workers must be an integer ≥ 0 (got "x")' });
    expect(parseOptions(['--provider', 'aws'], {})).toMatchObject({ kind: 'run', options: { provider: 'aws' } });
    expect(parseOptions(['--provider', 'gcp'], {})).toEqual({ kind: 'error', message: '--provider must be kvm or aws (got "gcp")' });
    const out = capture();
    expect(await main(['--help'], { output: out.output })).toBe(0);
    expect(await main(['--bogus'], { output: out.output })).toBe(2);
    expect(out.text()).toMatch(/Unknown option '--bogus'[\s\S]*Usage: /);
  });

  it('runs as `node … src/main.ts --once` with piped stdout and exits 0', async () => {
    const cwd = fileURLToPath(new URL('..', import.meta.url));
    const child = spawn(process.execPath, ['--conditions=@kubeception/source', '--import', 'tsx', 'src/main.ts', '--once'], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CI: '' },
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const lines = stdout.replace(ANSI, '').split('\n');
    expect(code).toBe(0);
    expect(nodeLines(lines)).toHaveLength(3);
    expect(lines).toContain('  kubectl --kubeconfig .kubeception/kubeconfig get kc,kca,kcert,pods -A');
  });
});
