/**
 * Every kustomization of the deploy manifests (the shared `deploy/crds` and `deploy/namespace`,
 * each operator's `deploy/base` and `deploy/overlays/*`) rendered with `kubectl kustomize` and
 * applied with `kubectl apply --dry-run=server`: on the fake API server (authorizing with RBAC, as
 * kube-apiserver does) and on a real kube-apiserver (`startEnvtest`, when its binaries are there;
 * CI requires them). The server must accept every object ("(server dry run)" for each, exit 0).
 *
 * A server-side dry run stores nothing, so the namespace `kubeception` is applied for real first,
 * as `kubectl apply -k` creates it before the namespaced objects. On the real server (1.20) the
 * objects it predates are sent as it takes them (./version-rules.ts); the file prints which.
 * Neither server runs the PodSecurity admission plugin: manifests.test.ts checks the "restricted"
 * profile statically.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envtestGate, startEnvtest, startFakeKube, systemTestGate } from '@kubeception/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { kustomizations } from './deploy-tree.js';
import { applyDryRun, kubectlAt, kubectlName, kustomize } from './kubectl-run.js';
import { forServer } from './version-rules.js';

/** A server the manifests are applied to: a kubeconfig file, and the minor version whose rules apply (none for the fake, which follows current Kubernetes). */
interface Server {
  readonly kubeconfig: string;
  readonly minor: number;
  stop(): Promise<void>;
}

const kubectlGate = systemTestGate(['kubectl']);
const envtest = envtestGate();
const DIRS = kustomizations();

/** Starts a server with `start`, its kubeconfig written to a folder of its own. */
async function serve(start: () => Promise<{ kubeconfigYaml: string; stop(): Promise<void>; version?: { minor: number } }>): Promise<Server> {
  const server = await start();
  const dir = mkdtempSync(join(tmpdir(), 'kustomize-dry-run-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, server.kubeconfigYaml, { mode: 0o600 });
  return {
    kubeconfig,
    minor: server.version?.minor ?? Number.POSITIVE_INFINITY,
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const SERVERS: [string, () => Promise<Server>][] = [
  ['the fake API server', () => serve(() => startFakeKube({ tls: true, clientCertificates: true, authorization: 'RBAC' }))],
  ...(envtest.run ? [['a real kube-apiserver', () => serve(() => startEnvtest({ controllers: false }))] as [string, () => Promise<Server>]] : []),
];
if (!envtest.run) console.warn(`kustomize dry run: the real kube-apiserver is skipped (${envtest.why})`);

it('finds the shared kustomizations and a base and an overlay per operator', () => {
  expect(DIRS).toEqual(expect.arrayContaining(['deploy/crds', 'deploy/namespace']));
  for (const operator of ['aws-operator', 'cert-operator', 'kvm-operator'])
    expect(DIRS).toEqual(expect.arrayContaining([`examples/${operator}/deploy/base`, `examples/${operator}/deploy/overlays/embedded-demo`]));
});

describe.skipIf(!kubectlGate.run).each(SERVERS)(`kubectl apply --dry-run=server on %s`, (serverName, start) => {
  let server: Server;
  /** `object name: rule ids` of every object sent changed by a version rule. */
  const ruled = new Set<string>();

  beforeAll(async () => {
    server = await start();
    const namespace = await kubectlAt(server.kubeconfig, ['apply', '-k', 'deploy/namespace']);
    expect(namespace, namespace.stderr).toMatchObject({ code: 0, stdout: 'namespace/kubeception created\n' });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    const lines = [...ruled].sort();
    console.log(
      `kustomize dry run on ${serverName}: ${lines.length === 0 ? 'no object needed a version rule' : `sent changed by a version rule:\n  ${lines.join('\n  ')}`}`,
    );
  });

  it.each(DIRS)('%s: every object is accepted', async (dir) => {
    const sent = (await kustomize(dir)).map((object) => forServer(object, server.minor));
    for (const { object, rules } of sent) if (rules.length > 0) ruled.add(`${dir}: ${kubectlName(object)}: ${rules.join(', ')}`);
    const applied = await applyDryRun(
      server.kubeconfig,
      sent.map((s) => s.object),
    );
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    const accepted = applied.stdout
      .trimEnd()
      .split('\n')
      .map((line) => /^(\S+) (?:created|configured|unchanged) \(server dry run\)$/.exec(line)?.[1] ?? `not accepted: ${line}`);
    expect(accepted.sort()).toEqual(sent.map((s) => kubectlName(s.object)).sort());
  });

  it('removes one operator alone with its label: `kubectl delete -k <base> -l app.kubernetes.io/name=<operator>` leaves the shared CRDs and namespace', async () => {
    const base = 'examples/cert-operator/deploy/base';
    const objects = (await kustomize(base)).map((object) => forServer(object, server.minor).object);
    const yaml = objects.map((o) => stringify(o)).join('---\n');
    const applied = await kubectlAt(server.kubeconfig, ['apply', '-f', '-'], yaml);
    expect(applied, applied.stderr).toMatchObject({ code: 0 });
    // the base's objects as this server takes them (what `-k <base>` sends, on a current server)
    const deleted = await kubectlAt(server.kubeconfig, ['delete', '-f', '-', '-l', 'app.kubernetes.io/name=cert-operator', '--wait=false', '-o', 'name'], yaml);
    expect(deleted, deleted.stderr).toMatchObject({ code: 0 });
    const own = objects.filter((o) => o.kind !== 'CustomResourceDefinition' && o.kind !== 'Namespace');
    expect(deleted.stdout.trim().split('\n').sort()).toEqual(own.map(kubectlName).sort());
    const left = await kubectlAt(server.kubeconfig, [
      'get',
      'namespace/kubeception',
      'crd/clusters.kubeception.io',
      'crd/certificates.kubeception.io',
      '-o',
      'name',
    ]);
    expect(left, left.stderr).toMatchObject({ code: 0 });
  });

  it('and refuses what is invalid (a Deployment whose selector does not match its pods)', async () => {
    const [deployment] = (await kustomize('examples/cert-operator/deploy/base')).filter((o) => o.kind === 'Deployment');
    const broken = { ...deployment!, spec: { ...(deployment as { spec: object }).spec, selector: { matchLabels: { app: 'none' } } } };
    const applied = await applyDryRun(server.kubeconfig, [broken]);
    expect(applied.code).not.toBe(0);
    expect(applied.stderr).toMatch(/spec.template.metadata.labels: Invalid value: .*`selector` does not match template `labels`/);
  });
});
