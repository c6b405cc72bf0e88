/**
 * Simulated VM hosts for the launcher test: each is a network namespace (its own bridges, taps,
 * routes and ports) plus a directory standing for its filesystem, under which the launcher's
 * mounts are placed. Nothing touches the real host's network.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { findProgram } from '@kubeception/testing';

const run = promisify(execFile);

/** Whether this process may create network namespaces, bridges and taps (root with `ip`). */
export function canManageNetworks(): boolean {
  if (process.getuid?.() !== 0 || findProgram('ip') === undefined) return false;
  try {
    execFileSync('ip', ['link', 'show'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A simulated host. */
export interface VmHost {
  /** Network namespace name. */
  readonly netns: string;
  /** Directory standing for the host's `/`. */
  readonly root: string;
}

/** `ip …` inside the host's namespace; resolves to stdout. */
export async function hostIp(host: VmHost, args: readonly string[]): Promise<string> {
  return (await run('ip', ['-n', host.netns, ...args])).stdout;
}

/** Runs a program inside the host's namespace; resolves to stdout. */
export async function hostExec(host: VmHost, program: string, args: readonly string[]): Promise<string> {
  return (await run('ip', ['netns', 'exec', host.netns, program, ...args], { timeout: 20_000 })).stdout;
}

/** Spawns a long-running program inside the host's namespace, in its own process group. */
export function hostSpawn(host: VmHost, program: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
  return spawn('ip', ['netns', 'exec', host.netns, program, ...args], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Creates the namespace (loopback up, forwarding on, as on a Kubernetes node) and the root directory. */
export async function createHost(netns: string, root: string): Promise<VmHost> {
  mkdirSync(root, { recursive: true });
  await run('ip', ['netns', 'add', netns]);
  const host = { netns, root };
  await hostIp(host, ['link', 'set', 'lo', 'up']);
  await hostExec(host, 'sysctl', ['-q', '-w', 'net.ipv4.ip_forward=1']);
  return host;
}

/** Deletes the namespace (and with it every bridge, tap and veth in it). */
export async function removeHost(host: VmHost): Promise<void> {
  await run('ip', ['netns', 'delete', host.netns]).catch(() => undefined);
}

/**
 * Links two hosts with a veth pair on `10.255.255.0/30` and routes each host's VM subnet through
 * the other, as flannel's routes would: a VM on one host reaches a VM on the other.
 */
export async function linkHosts(a: VmHost, b: VmHost, subnets: { readonly a: string; readonly b: string }): Promise<void> {
  await hostIp(a, ['link', 'add', 'kc-link', 'type', 'veth', 'peer', 'name', 'kc-link', 'netns', b.netns]);
  for (const [host, own, peer, peerSubnet] of [
    [a, '10.255.255.1', '10.255.255.2', subnets.b],
    [b, '10.255.255.2', '10.255.255.1', subnets.a],
  ] as const) {
    await hostIp(host, ['addr', 'add', `${own}/30`, 'dev', 'kc-link']);
    await hostIp(host, ['link', 'set', 'kc-link', 'up']);
    await hostIp(host, ['route', 'add', peerSubnet, 'via', peer]);
  }
}

/** Kills a process group started by {@link hostSpawn}, ignoring one that is gone. */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** An HTTP GET from inside the host's namespace: status code and body. */
export async function hostGet(host: VmHost, url: string): Promise<{ readonly status: number; readonly body: string }> {
  const out = await hostExec(host, 'curl', ['-s', '-m', '5', '-w', '\n%{http_code}', url]);
  const cut = out.lastIndexOf('\n');
  return { status: Number(out.slice(cut + 1)), body: out.slice(0, cut) };
}
