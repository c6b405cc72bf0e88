/**
 * `kubeception-fakes` as its own process (from source, as the examples' `start` scripts run):
 * ready line, the files it writes, an operator's clients configured by nothing but its env file,
 * state that outlives a client killed mid-watch, and SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';
import { DescribeImagesCommand, DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ClusterResource, type ClusterInput } from '@kubeception/sdk';
import { ConfigMapResource, createKubeClient, NamespaceResource, NodeResource } from '@kubeception/sdk/kube';
import vault from 'node-vault';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';

const BIN = fileURLToPath(new URL('../kubeception-fakes.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../../../../', import.meta.url));

interface ReadyLine {
  readonly ready: true;
  readonly kube: string;
  readonly vault: string;
  readonly ec2: string;
  readonly guestApi: string;
  readonly kubeconfig: string;
  readonly env: string;
}

/** The command from source, its first stdout line, its exit code and what it wrote on stderr. */
function startFakes(args: readonly string[]) {
  const child: ChildProcess = spawn(process.execPath, ['--conditions=@kubeception/source', '--import', 'tsx', BIN, ...args], { cwd: REPO, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (stdout.includes('\n')) resolve(stdout.slice(0, stdout.indexOf('\n')));
    });
    void exit.then((code) => reject(new Error(`kubeception-fakes exited ${code} before it was ready:\n${stderr}`)));
  });
  firstLine.catch(() => undefined); // awaited by the tests that expect it
  /** The JSON log lines written so far (complete lines only). */
  const logs = () =>
    stderr
      .split('\n')
      .slice(0, -1)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { child, exit, firstLine, stderr: () => stderr, logs };
}

/** Whether something accepts connections on `url`'s port. */
const listening = (url: string) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(Number(new URL(url).port), '127.0.0.1');
    socket.on('connect', () => (socket.destroy(), resolve(true)));
    socket.on('error', () => resolve(false));
  });

/** A client process that creates a ConfigMap, then holds a watch open until it is killed. */
const CLIENT_SCRIPT = `
const https = require('node:https');
const { KUBE, CA, TOKEN } = process.env;
const options = (method, path) => [new URL(path, KUBE), { method, ca: CA, headers: { authorization: 'Bearer ' + TOKEN, 'content-type': 'application/json' } }];
const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'from-a-killed-client' }, data: { a: '1' } });
https.request(...options('POST', '/api/v1/namespaces/default/configmaps'), (res) => {
  res.resume();
  https.request(...options('GET', '/api/v1/namespaces/default/configmaps?watch=true'), (w) => { w.once('data', () => console.log(res.statusCode)); }).end();
}).end(body);
`;

describe('kubeception-fakes, a process of its own', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeception-fakes-'));
  const fakes = startFakes(['--dir', dir, '--nodes', '2', '--log-level', 'debug']);
  let ready: ReadyLine;
  let env: Record<string, string>;

  beforeAll(async () => {
    ready = JSON.parse(await fakes.firstLine) as ReadyLine;
    env = parseEnv(readFileSync(ready.env, 'utf8')) as Record<string, string>;
    for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
  }, 60_000);

  afterAll(() => {
    vi.unstubAllEnvs();
    fakes.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints one JSON ready line and writes the kubeconfig and the env file, owner-only', () => {
    expect(ready).toEqual({
      ready: true,
      kube: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+$/),
      vault: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      ec2: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      guestApi: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+$/),
      kubeconfig: join(dir, 'kubeconfig'),
      env: join(dir, 'env'),
    });
    expect(env).toEqual({
      KUBECONFIG: ready.kubeconfig,
      POD_NAMESPACE: 'kubeception',
      VAULT_ADDR: ready.vault,
      VAULT_TOKEN: expect.stringMatching(/^hvs\.[\w-]{24}$/),
      AWS_ENDPOINT_URL_EC2: ready.ec2,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'kubeception-fakes',
      GUEST_API_DIAL: new URL(ready.guestApi).host,
    });
    for (const path of [ready.kubeconfig, ready.env]) expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(ready.kubeconfig, 'utf8')).toContain(`server: ${ready.kube}`);
  });

  it('logs JSON on stderr', async () => {
    await vi.waitFor(() =>
      expect(fakes.logs()).toContainEqual(expect.objectContaining({ name: 'kubeception-fakes', msg: 'fakes ready', kube: ready.kube, level: 30 })),
    );
  });

  it('serves the simulated host with the CRDs to a client configured by KUBECONFIG alone', async () => {
    const kube = createKubeClient({ qps: 0 });
    const sample = parse(readFileSync(join(REPO, 'examples/samples/valid/cluster-kvm.yaml'), 'utf8')) as ClusterInput;
    const created = (await kube.resource(ClusterResource).create(sample))._unsafeUnwrap();
    const read = (await kube.resource(ClusterResource).get(created.metadata.name, { namespace: created.metadata.namespace }))._unsafeUnwrap();
    expect(read.metadata.uid).toBe(created.metadata.uid);
    // the operators' namespace, and the VM hosts of --nodes 2
    expect((await kube.resource(NamespaceResource).get('kubeception')).isOk()).toBe(true);
    const nodes = (await kube.resource(NodeResource).list({ labelSelector: 'kubeception.io/vm-host=true' }))._unsafeUnwrap();
    expect(nodes.items.map((n) => n.metadata.name)).toEqual(['host-0', 'host-1']);
  });

  it('serves the fake Vault at VAULT_ADDR with VAULT_TOKEN', async () => {
    const client = vault({ endpoint: env.VAULT_ADDR, token: env.VAULT_TOKEN, noCustomHTTPVerbs: true });
    await client.mount({ mount_point: 'pki-fakes', type: 'pki', config: { max_lease_ttl: '87600h' } });
    await client.write('pki-fakes/root/generate/internal', { common_name: 'fakes-ca', ttl: '8760h' });
    const ca = (await client.read('pki-fakes/cert/ca')) as { data: { certificate: string } };
    expect(ca.data.certificate).toMatch(/^-----BEGIN CERTIFICATE-----/);
    await expect(vault({ endpoint: env.VAULT_ADDR, token: 'root', noCustomHTTPVerbs: true }).read('sys/mounts')).rejects.toThrow(/permission denied/);
  });

  it('serves the fake EC2 to the AWS SDK configured by the environment alone (endpoint, region, credentials)', async () => {
    const ec2 = new EC2Client({});
    try {
      expect((await ec2.send(new DescribeInstancesCommand({}))).Reservations).toEqual([]);
      const images = await ec2.send(new DescribeImagesCommand({ ImageIds: ['ami-0123456789abcdef0'] }));
      expect(images.Images?.map((i) => i.Name)).toEqual(['kubeception-sample']);
    } finally {
      ec2.destroy();
    }
  });

  it('keeps its state when a client is killed mid-watch, and serves the next one', async () => {
    const kubeconfig = parse(readFileSync(ready.kubeconfig, 'utf8')) as {
      clusters: [{ cluster: { 'certificate-authority-data': string } }];
      users: [{ user: { token: string } }];
    };
    const CA = Buffer.from(kubeconfig.clusters[0].cluster['certificate-authority-data'], 'base64').toString();
    const client = spawn(process.execPath, ['-e', CLIENT_SCRIPT], { env: { KUBE: ready.kube, CA, TOKEN: kubeconfig.users[0].user.token }, stdio: 'pipe' });
    const status = await new Promise<string>((resolve) => client.stdout.once('data', (c: Buffer) => resolve(c.toString().trim())));
    expect(status).toBe('201');
    client.kill('SIGKILL');
    await new Promise((resolve) => client.once('exit', resolve));
    const kube = createKubeClient({ qps: 0 });
    const configMap = (await kube.resource(ConfigMapResource).get('from-a-killed-client', { namespace: 'default' }))._unsafeUnwrap();
    expect(configMap.data).toEqual({ a: '1' });
  });

  it('stops every fake and exits 0 on SIGTERM', async () => {
    fakes.child.kill('SIGTERM');
    const started = Date.now();
    expect(await fakes.exit).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    for (const url of [ready.kube, ready.vault, ready.ec2, ready.guestApi]) expect(await listening(url)).toBe(false);
    expect(fakes.logs().map((l) => l.msg)).toEqual(expect.arrayContaining(['stopping the fakes', 'stopped']));
  });
});

describe('kubeception-fakes refusing to start', () => {
  it('exits 1 naming the port when a port is in use', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    const dir = mkdtempSync(join(tmpdir(), 'kubeception-fakes-'));
    try {
      const fakes = startFakes(['--dir', dir, '--ec2-port', String(port)]);
      expect(await fakes.exit).toBe(1);
      expect(fakes.logs().at(-1)).toMatchObject({
        level: 50,
        kind: 'PortInUse',
        service: 'ec2',
        port,
        msg: `the ec2 port ${port} is in use (choose another, or 0 for a free port)`,
      });
    } finally {
      taken.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
