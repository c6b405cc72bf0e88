/**
 * The VM launcher (`packages/driver-kvm/launcher/launcher.sh`) with real QEMU, software emulation.
 *
 * A cluster is rendered as the driver renders it; two of its nodes (the master and a worker) run
 * on two simulated hosts (network namespaces linked like flannel's routes link hosts), each
 * from its rendered Deployment: the boot ConfigMap's data, certificate files where the projected
 * volume puts them, and the rendered launcher environment with only the mount paths moved. The
 * guest (a Debian kernel and a busybox initramfs, ./guest-image.ts) reports on its serial console
 * what it received; the test compares that with what it rendered.
 *
 * Needs root (network namespaces) and the programs `.ci/run` installs; skips without them unless
 * `KUBECEPTION_SYSTEM_TESTS=required`. `KEEP_QEMU_TMP=1` keeps the hosts' files and logs in `$TMPDIR/kc-qemu-*`.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KvmAnnotation, kvmCluster, provider, renderCluster } from '@kubeception/driver-kvm';
import { createClusterModel } from '@kubeception/sdk';
import { createKubeClient, PodResource } from '@kubeception/sdk/kube';
import { startFakeKube, systemTestGate, systemTestsRequired, type FakeKube } from '@kubeception/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildGuestImage } from './guest-image.js';
import { startLauncher, type LauncherProcess } from './launcher-process.js';
import { placeVm, renderedVm, type PlacedVm } from './rendered-vm.js';
import { canManageNetworks, createHost, hostGet, hostIp, hostSpawn, killGroup, linkHosts, removeHost, type VmHost } from './vm-host.js';

const gate = systemTestGate(['qemu-system-x86_64', 'qemu-img', 'busybox', 'cpio', 'dpkg-deb', 'apt-get', 'ip', 'dnsmasq', 'socat', 'curl']);
const networks = canManageNetworks();
if (gate.run && !networks && systemTestsRequired())
  throw new Error('KUBECEPTION_SYSTEM_TESTS=required but this process cannot create network namespaces (run as root)');
const skip = !gate.run ? gate.why : networks ? undefined : 'needs root to create network namespaces';
if (skip !== undefined) console.warn(`QEMU launcher tests skipped: ${skip}`);

const SCRIPT = new URL('../../../../packages/driver-kvm/launcher/launcher.sh', import.meta.url).pathname;
const SAMPLE = new URL('../../../../examples/samples/valid/cluster-kvm.yaml', import.meta.url).pathname;
/** The guest kernel is served over HTTP inside each host (the launcher downloads it); the initrd is a host path in the image cache. */
const KERNEL_URL = 'http://127.0.0.1:8080/vmlinuz';
const INITRD = '/var/lib/kubeception/images/kubeception-test-initramfs.gz';
/** Where each host reaches the fake API server (a socat inside the namespace, a Unix socket out of it). */
const API_PORT = 16443;
const MTU = 1450;

/** The sample cluster with the test guest. */
function cluster() {
  const sample = parse(readFileSync(SAMPLE, 'utf8')) as { spec: { provider: { kvm: Record<string, unknown> } } };
  sample.spec.provider.kvm.guestImage = { kernel: KERNEL_URL, initrd: INITRD };
  const validated = createClusterModel({ providers: [provider] })
    .validate(sample)
    ._unsafeUnwrap();
  if (validated.spec.provider.kvm === undefined) throw new Error('not a KVM cluster');
  return kvmCluster(validated, validated.spec.provider.kvm);
}

interface Vm {
  readonly node: string;
  readonly host: VmHost;
  readonly subnet: string;
  readonly bridgeIp: string;
  readonly vmIp: string;
  readonly pod: string;
  placed?: PlacedVm;
  launcher?: LauncherProcess;
  /** /readyz when /healthz first answered 200. */
  earlyReadyz?: number;
}

describe.skipIf(skip !== undefined)('the VM launcher with real QEMU', () => {
  const rendered = renderCluster(cluster(), {
    network: { network: '10.1.3.0/24', vni: 3 },
    flannel: { etcdEndpoints: ['http://127.0.0.1:2379'] },
  })._unsafeUnwrap();
  const tmp = skip === undefined ? mkdtempSync(join(tmpdir(), 'kc-qemu-')) : '';
  const id = Math.random().toString(36).slice(2, 8);
  const vms: Vm[] = [
    {
      node: 'demo-master-0',
      subnet: '10.1.3.0/30',
      bridgeIp: '10.1.3.1',
      vmIp: '10.1.3.2',
      pod: 'demo-master-0-5d8f9-abcde',
      host: { netns: `kc-test-${id}-a`, root: join(tmp, 'host-a') },
    },
    {
      node: 'demo-default-0',
      subnet: '10.1.3.4/30',
      bridgeIp: '10.1.3.5',
      vmIp: '10.1.3.6',
      pod: 'demo-default-0-7c4b2-fghij',
      host: { netns: `kc-test-${id}-b`, root: join(tmp, 'host-b') },
    },
  ];
  const helpers: number[] = [];
  let kube: FakeKube | undefined;
  let bridge: Server | undefined;

  beforeAll(async () => {
    const guest = await buildGuestImage();
    kube = await startFakeKube({
      tls: true,
      namespaces: ['default', 'demo'],
      objects: vms.map((vm) => {
        const { deployment } = renderedVm(rendered.objects, vm.node);
        return {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: vm.pod, namespace: 'demo', labels: deployment.spec.template.metadata.labels },
          spec: deployment.spec.template.spec,
        };
      }),
    });
    bridge = await unixBridge(join(tmp, 'kube.sock'), Number(new URL(kube.url).port));
    await createHost(vms[0]!.host.netns, vms[0]!.host.root);
    await createHost(vms[1]!.host.netns, vms[1]!.host.root);
    await linkHosts(vms[0]!.host, vms[1]!.host, { a: vms[0]!.subnet, b: vms[1]!.subnet });
    writeCredentials(kube, tmp, vms);
    for (const [index, vm] of vms.entries()) {
      const peer = vms[1 - index]!;
      vm.placed = await placeVm(
        renderedVm(rendered.objects, vm.node),
        vm.host,
        { network: '10.1.3.0/24', subnet: `${vm.bridgeIp}/30`, mtu: MTU },
        { name: vm.pod, namespace: 'demo' },
      );
      copyFileSync(guest.initrd, vm.placed.hostPath(INITRD));
      helpers.push(spawnHelper(vm.host, 'busybox', ['httpd', '-f', '-p', '127.0.0.1:8080', '-h', join(guest.kernel, '..')]));
      helpers.push(spawnHelper(vm.host, 'socat', [`TCP-LISTEN:${API_PORT},bind=127.0.0.1,reuseaddr,fork`, `UNIX-CONNECT:${join(tmp, 'kube.sock')}`]));
      const env = { ...vm.placed.env, ...podEnv(join(tmp, `${vm.node}.token`), join(tmp, 'kube-ca.crt')) };
      env.KERNEL_CMDLINE = `quiet kc.hold=120 kc.ping=${peer.vmIp}`;
      vm.launcher = startLauncher({ host: vm.host, script: SCRIPT, env, logFile: join(tmp, `${vm.node}.log`) });
    }
    await Promise.all(vms.map(async (vm) => (vm.earlyReadyz = await readyzWhenHealthy(vm))));
    const boots = await Promise.all(vms.map(async (vm) => [vm, await vm.launcher!.waitFor('init'), await vm.launcher!.waitFor('net')] as const));
    const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
    for (const [vm, init, net] of boots) {
      console.log(
        `boot: ${vm.node}: guest init ${seconds(init.atMs)} after the launcher started (guest uptime ${init.fields.uptime}s), DHCP address ${seconds(net.atMs)} (TCG)`,
      );
    }
  }, 150_000);

  afterAll(async () => {
    for (const vm of vms) vm.launcher?.kill();
    for (const pid of helpers) killGroup(pid);
    bridge?.close();
    await kube?.stop();
    for (const vm of vms) await removeHost(vm.host);
    if (process.env.KEEP_QEMU_TMP === undefined) rmSync(tmp, { recursive: true, force: true });
  }, 30_000);

  it('delivers the rendered boot config through fw_cfg', async () => {
    for (const vm of vms) {
      const name = vm.placed!.env.BOOT_CONFIG_FW_CFG;
      const report = await vm.launcher!.waitFor('fw_cfg', (e) => e.fields.name === name);
      const data = renderedVm(rendered.objects, vm.node).bootConfigMap.data;
      expect(Object.keys(data)).toEqual(['config.ign']);
      expect(report.fields).toEqual({ name, sha256: vm.placed!.bootConfig['config.ign'], size: String(Buffer.byteLength(data['config.ign']!)) });
    }
  });

  it('shares the mounted certificates read-only, and masters also their etcd directory read-write', async () => {
    for (const vm of vms) {
      const { env, certificates, hostPath } = vm.placed!;
      const tag = env.CERTIFICATE_MOUNT_TAG!;
      await vm.launcher!.waitFor('9p', (e) => e.fields.tag === tag);
      const files = vm.launcher!.events.filter((e) => e.event === 'file' && e.fields.tag === tag);
      expect(Object.fromEntries(files.map((f) => [f.fields.path, f.fields.sha256]))).toEqual(certificates);
      expect(new Set(files.map((f) => f.fields.mode))).toEqual(new Set(['400']));
      expect(vm.launcher!.events.find((e) => e.event === '9p' && e.fields.tag === tag)?.fields.writable).toBe('no');
      const shares = vm.launcher!.events.filter((e) => e.event === '9p').map((e) => e.fields.tag);
      if (env.ETCD_MOUNT_TAG === undefined) {
        expect(shares).toEqual([tag]);
      } else {
        expect(vm.launcher!.events.find((e) => e.event === '9p' && e.fields.tag === env.ETCD_MOUNT_TAG)?.fields).toMatchObject({
          mounted: 'yes',
          writable: 'yes',
        });
        expect(readFileSync(join(hostPath(env.ETCD_DATA_DIR!), 'kubeception-guest'), 'utf8')).toBe('written by the guest\n');
      }
    }
  });

  it('gives each VM the address after its bridge by DHCP and reports it on /status, /readyz and the pod', async () => {
    const pods = createKubeClient({ kubeConfig: kube!.kubeConfig, qps: 0 }).resource(PodResource);
    for (const vm of vms) {
      const net = await vm.launcher!.waitFor('net');
      expect(net.fields).toMatchObject({ ip: vm.vmIp, mask: '30', router: vm.bridgeIp, mtu: String(MTU) });
      const base = `http://127.0.0.1:${vm.placed!.env.HEALTH_PORT}`;
      expect(await hostGet(vm.host, `${base}/status`)).toEqual({ status: 200, body: `{"ip":"${vm.vmIp}"}` });
      expect((await hostGet(vm.host, `${base}/healthz`)).status).toBe(200);
      expect(vm.earlyReadyz).toBe(503);
      expect(await eventually(async () => (await hostGet(vm.host, `${base}/readyz`)).status, 200)).toBe(200);
      const annotations = await eventually(
        async () => (await pods.get(vm.pod, { namespace: 'demo' }))._unsafeUnwrap().metadata?.annotations ?? {},
        (a) => KvmAnnotation.VmIp in a,
      );
      expect(annotations[KvmAnnotation.VmIp]).toBe(vm.vmIp);
    }
  }, 90_000);

  it('lets the two VMs ping each other across their hosts', async () => {
    for (const [index, vm] of vms.entries()) {
      const ping = await vm.launcher!.waitFor('ping');
      expect(ping.fields).toMatchObject({ peer: vms[1 - index]!.vmIp, result: 'ok' });
    }
  }, 120_000);

  it('powers the guest off through ACPI on SIGTERM, then removes the tap and exits 0', async () => {
    for (const vm of vms) await vm.launcher!.waitFor('holding');
    const started = performance.now();
    for (const vm of vms) vm.launcher!.terminate();
    const codes = await Promise.all(vms.map((vm) => vm.launcher!.exited));
    console.log(`shutdown: both guests powered off in ${((performance.now() - started) / 1000).toFixed(1)}s after SIGTERM`);
    expect(codes).toEqual([0, 0]);
    for (const vm of vms) {
      expect(vm.launcher!.events.some((e) => e.event === 'acpi' && e.fields.event === 'power-button')).toBe(true);
      expect(vm.launcher!.tail(200)).toMatch(/guest powered off after \d+s/);
      await expect(hostGet(vm.host, `http://127.0.0.1:${vm.placed!.env.HEALTH_PORT}/healthz`)).rejects.toThrow();
      await expect(hostIp(vm.host, ['link', 'show', vm.placed!.env.TAP!])).rejects.toThrow();
    }
  }, 60_000);
});

/** What the kubelet adds to the rendered env (the service account's API address and files), and the test's settings. */
function podEnv(tokenFile: string, caFile: string): Record<string, string> {
  return {
    KUBERNETES_SERVICE_HOST: '127.0.0.1',
    KUBERNETES_SERVICE_PORT: String(API_PORT),
    KUBE_TOKEN_FILE: tokenFile,
    KUBE_CA_FILE: caFile,
    QEMU_ACCEL: 'tcg',
    VM_SHUTDOWN_TIMEOUT: '30',
  };
}

/** The service account's token and CA (the fake accepts any token). */
function writeCredentials(kube: FakeKube, tmp: string, vms: readonly Vm[]): void {
  writeFileSync(join(tmp, 'kube-ca.crt'), kube.caCertificate ?? '');
  for (const vm of vms) writeFileSync(join(tmp, `${vm.node}.token`), 'fake-kube-token', { mode: 0o600 });
}

function spawnHelper(host: VmHost, program: string, args: readonly string[]): number {
  const child = hostSpawn(host, program, args);
  child.stdout?.resume();
  child.stderr?.resume();
  return child.pid ?? -1;
}

/** A Unix socket (reachable from any namespace) forwarding to a TCP port on this namespace's loopback. */
async function unixBridge(path: string, port: number): Promise<Server> {
  const server = createServer((socket) => {
    const upstream = createConnection(port, '127.0.0.1');
    socket.pipe(upstream).pipe(socket);
    const close = () => (socket.destroy(), upstream.destroy());
    socket.on('error', close);
    upstream.on('error', close);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return server;
}

/** Polls /healthz until 200 and returns the /readyz status at that moment (the guest cannot be up yet). */
async function readyzWhenHealthy(vm: Vm): Promise<number> {
  const base = `http://127.0.0.1:${vm.placed!.env.HEALTH_PORT}`;
  const healthz = await eventually(async () => (await hostGet(vm.host, `${base}/healthz`)).status, 200, 30_000, 100);
  if (healthz !== 200) throw new Error(`${vm.node}: /healthz never answered 200; launcher output:\n${vm.launcher!.tail()}`);
  return (await hostGet(vm.host, `${base}/readyz`)).status;
}

/** Polls `probe` until its value equals `want` (or satisfies it); returns the last value. */
async function eventually<T>(probe: () => Promise<T>, want: T | ((value: T) => boolean), timeoutMs = 30_000, intervalMs = 500): Promise<T> {
  const done = (value: T) => (typeof want === 'function' ? (want as (value: T) => boolean)(value) : value === want);
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined as T);
    if ((value !== undefined && done(value)) || performance.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
