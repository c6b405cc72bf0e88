import { readFileSync } from 'node:fs';
import { createKvmOperator } from '@kubeception/driver-kvm';
import { createCertOperator } from '@kubeception/pki-vault';
import { ClusterResource, clusterId } from '@kubeception/sdk';
import { kubeConfigFromCertificate, RoleResource } from '@kubeception/sdk/kube';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { embeddedClient, SAMPLE, startEmbeddedKvm } from './embedded.js';
import { main } from './main.js';
import { KVM_OPERATOR } from './operator.js';
import { startMarkingProxy } from './testing/marking-proxy.js';
import { denied, grantsFor, unused, type ApiRequest, type PolicyRule } from './testing/rbac.js';

/** A file of the operator's kustomize base (deploy/base). */
const deploy = (file: string) => readFileSync(new URL(`../deploy/base/${file}`, import.meta.url), 'utf8');
const PKI_ROLE = 'kubeception-kvm-operator-pki';

/** Granted on purpose though the lifecycle below does not use them (README.md, "RBAC"). */
const UNEXERCISED = [
  // the Cluster controller's CleanupByIdentity warning (a provider spec it cannot parse at deletion), and folding a repeated event
  'kubeception-kvm-operator: /events:create',
  'kubeception-kvm-operator: /events:patch',
  // a host namespace that exists but is not in the cache yet is read live (NamespaceTaken or ours)
  'kubeception-kvm-operator: /namespaces:get',
  // etcd on a PersistentVolume (etcdStorage.type persistentVolume); the sample uses hostPath
  'kubeception-kvm-operator: /persistentvolumeclaims:create',
  'kubeception-kvm-operator: /persistentvolumeclaims:delete',
  'kubeception-kvm-operator: /persistentvolumeclaims:patch',
  // here these go with the namespace; the driver deletes any managed object it no longer renders
  'kubeception-kvm-operator: /secrets:delete',
  'kubeception-kvm-operator: /serviceaccounts:delete',
  'kubeception-kvm-operator: networking.k8s.io/networkpolicies:delete',
  'kubeception-kvm-operator: rbac.authorization.k8s.io/rolebindings:delete',
  'kubeception-kvm-operator: rbac.authorization.k8s.io/roles:delete',
];

/** The rules of a ClusterRole, each list sorted, so that two roles compare by meaning. */
const clusterRoleRules = (manifests: string, name: string) =>
  parseAllDocuments(manifests)
    .map((d) => d.toJS() as { kind: string; metadata: { name: string }; rules?: PolicyRule[] })
    .find((d) => d.kind === 'ClusterRole' && d.metadata.name === name)
    ?.rules?.map((r) => ({ apiGroups: [...r.apiGroups].sort(), resources: [...r.resources].sort(), verbs: [...r.verbs].sort() }));

describe('kvm-operator', () => {
  it('--embedded --once: the sample KVM Cluster becomes Ready, then it exits 0', async () => {
    const lines: string[] = [];
    expect(await main(['--embedded', '--once', '--log-level=warn'], (l) => lines.push(l))).toBe(0);
    expect(lines).toContain('cluster demo: Ready');
    expect(lines.filter((l) => /^ {2}demo-(master|default)-\d/.test(l))).toHaveLength(3);
    expect(lines).toContain('network 10.64.0.0/24 (VNI 1), pods 10.2.0.0/16; endpoint api.demo.k8s.example.com:443');
  });

  it('asks for flags it needs and refuses --once without --embedded', async () => {
    const lines: string[] = [];
    expect(await main(['--once'], (l) => lines.push(l))).toBe(2);
    expect(await main([], (l) => lines.push(l))).toBe(2);
    expect(lines.join('\n')).toMatch(/--flannel-etcd-endpoints or \$FLANNEL_ETCD_ENDPOINTS/);
  });

  it('its --with-pki ClusterRole is the cert-operator’s', () => {
    expect(clusterRoleRules(deploy('rbac.yaml'), PKI_ROLE)).toEqual(
      clusterRoleRules(readFileSync(new URL('../../cert-operator/deploy/base/rbac.yaml', import.meta.url), 'utf8'), 'kubeception-cert-operator'),
    );
  });

  /**
   * Which requests are the operator's: the fake API server's request log records method, path
   * and query but neither the user agent (every SDK client sends `kubeception-sdk`, the simulated
   * host's and the VM simulator's too) nor the credentials. So the operator talks to the host
   * through a proxy that appends a query parameter, and its requests are the log's marked ones.
   * The PKI controllers run in a second, unmarked manager, as the cert-operator would: the
   * ClusterRole checked here is the one without --with-pki (the PKI role is the cert-operator's,
   * whose own test checks it).
   */
  it('is granted by deploy/base/rbac.yaml exactly the verbs a create → Ready → scale → delete lifecycle uses', async () => {
    const world = await startEmbeddedKvm();
    const proxy = await startMarkingProxy(world.host.kube.url, KVM_OPERATOR);
    const { withPki, ...options } = world.operatorOptions(kubeConfigFromCertificate({ server: proxy.url }));
    const operator = createKvmOperator({ ...options, leaderElection: { name: KVM_OPERATOR, namespace: world.operatorNamespace, retryPeriodMs: 100 } });
    const certOperator = createCertOperator({ kube: embeddedClient(world.host.kubeConfig), vault: withPki!.vault });
    onTestFinished(async () => {
      await operator.stop();
      await certOperator.stop();
      await proxy.close();
      await world.stop();
    });
    void operator.start();
    void certOperator.start();

    const clusters = world.kube.resource(ClusterResource);
    const get = async () =>
      (await clusters.get(SAMPLE.name, { namespace: SAMPLE.namespace })).match(
        (c) => c,
        () => undefined,
      );
    const settled = async () => {
      const c = await get();
      return c?.status?.phase === 'Ready' && c.status.observedGeneration === c.metadata.generation ? c.status.nodes?.map((n) => n.name) : undefined;
    };
    await expect.poll(settled, { timeout: 30_000, interval: 100 }).toEqual(['demo-master-0', 'demo-default-0', 'demo-default-1']);
    // RBAC escalation prevention: writing Role `vm` (and binding it) is allowed only to whoever
    // holds every permission it grants, in its namespace; so these count as used
    const hostNamespace = clusterId(SAMPLE);
    const vmRole = (await world.kube.resource(RoleResource).get('vm', { namespace: hostNamespace }))._unsafeUnwrap();
    const handedOut: ApiRequest[] = (vmRole.rules ?? []).flatMap((rule) =>
      (rule.apiGroups ?? []).flatMap((group) =>
        (rule.resources ?? []).flatMap((resource) =>
          rule.verbs.flatMap((verb) =>
            (rule.resourceNames?.length ? rule.resourceNames : [undefined]).map((name) => ({
              verb,
              group,
              resource,
              namespace: hostNamespace,
              ...(name ? { name } : {}),
            })),
          ),
        ),
      ),
    );
    expect(handedOut.length).toBeGreaterThan(0);
    const workers = (await get())!.spec.workers.map((w) => ({ ...w, replicas: 1 }));
    (await clusters.patch(SAMPLE.name, { type: 'merge', body: { spec: { workers } } }, { namespace: SAMPLE.namespace }))._unsafeUnwrap();
    await expect.poll(settled, { timeout: 30_000, interval: 100 }).toEqual(['demo-master-0', 'demo-default-0']);
    expect(
      world.vms
        .history()
        .filter((e) => e.node === 'demo-default-1')
        .map((e) => e.type),
    ).toEqual(expect.arrayContaining(['node-cordoned', 'pods-drained', 'vm-stopped']));
    (await clusters.delete(SAMPLE.name, { namespace: SAMPLE.namespace }))._unsafeUnwrap();
    await expect.poll(async () => (await get()) === undefined, { timeout: 30_000, interval: 100 }).toBe(true);
    await operator.stop();
    await certOperator.stop();

    const requests: ApiRequest[] = world.host.kube.requests
      .all()
      .filter((r) => proxy.marked(r.url) && r.verb !== 'discovery') // discovery is every account's (system:discovery)
      .flatMap((r) => {
        const request = {
          verb: r.verb,
          group: r.group,
          resource: r.subresource ? `${r.resource}/${r.subresource}` : r.resource,
          ...(r.namespace ? { namespace: r.namespace } : {}),
          ...(r.name ? { name: r.name } : {}),
        };
        // a server-side apply that creates its object (201) is authorized as create as well
        return r.verb === 'patch' && r.code === 201 ? [request, { ...request, verb: 'create' }] : [request];
      });
    expect(requests.length).toBeGreaterThan(100);
    const grants = grantsFor(deploy('rbac.yaml'), { name: KVM_OPERATOR, namespace: 'kubeception' }).filter((g) => g.role !== PKI_ROLE);
    expect(denied(grants, requests)).toEqual([]); // nothing used that is not granted
    expect(denied(grants, handedOut)).toEqual([]); // nothing handed out that it does not hold
    expect(unused(grants, [...requests, ...handedOut])).toEqual(UNEXERCISED); // nothing else granted that is not used
  }, 90_000);
});
