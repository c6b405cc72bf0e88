/**
 * What every operator's rendered manifests (`kubectl kustomize` of its base and overlays) must
 * hold, checked on the objects: the CRDs of the one source, the namespace enforcing Pod Security
 * "restricted" and Deployments that pass it (checked statically: ./pod-security.ts), leader
 * election on, a PodDisruptionBudget and a metrics Service that select the operator's pods. The
 * KVM driver's VM pods are the workload that cannot be restricted: its rendered VM Deployments fail
 * the check, and their host namespace is labelled privileged.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AWS_OPERATOR } from '@kubeception/driver-aws';
import { KVM_OPERATOR } from '@kubeception/driver-kvm';
import { CERT_OPERATOR } from '@kubeception/pki-vault';
import type { KubeObject } from '@kubeception/sdk';
import { systemTestGate } from '@kubeception/testing';
import type { V1Deployment, V1Namespace, V1PodDisruptionBudget, V1Role, V1Service } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { CRDS_FILE, kustomizations, REPO_ROOT } from './deploy-tree.js';
import { kustomize } from './kubectl-run.js';
import { restrictedViolations } from './pod-security.js';

const kubectlGate = systemTestGate(['kubectl']);
const OPERATOR_DIRS = kustomizations().filter((dir) => dir.startsWith('examples/'));
/** The Lease each operator leads on: its name (`deployedManagerOptions(name)`). */
const LEASES: Record<string, string> = { 'aws-operator': AWS_OPERATOR, 'cert-operator': CERT_OPERATOR, 'kvm-operator': KVM_OPERATOR };

const documents = (path: string): KubeObject[] => parseAllDocuments(readFileSync(join(REPO_ROOT, path), 'utf8')).map((d) => d.toJS() as KubeObject);
const ofKind = <T>(objects: readonly KubeObject[], kind: string) => objects.filter((o) => o.kind === kind) as T[];
const matches = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) =>
  Object.entries(selector ?? { none: 'selected' }).every(([key, value]) => labels?.[key] === value);

describe.skipIf(!kubectlGate.run).each(OPERATOR_DIRS)('%s', (dir) => {
  const rendered = () => kustomize(dir);

  it('has the CRDs of the one source, deploy/crds', async () => {
    const byName = (objects: readonly KubeObject[]) => [...objects].sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
    expect(byName(ofKind(await rendered(), 'CustomResourceDefinition'))).toEqual(byName(documents(CRDS_FILE)));
  });

  it('labels its own objects, not the shared CRDs and namespace: `kubectl delete -k <base> -l app.kubernetes.io/name=<operator>` removes it alone', async () => {
    const operator = dir.split('/')[1] ?? '';
    const labelled = (o: KubeObject) => o.metadata?.labels?.['app.kubernetes.io/name'] === operator;
    const objects = await rendered();
    const shared = objects.filter((o) => o.kind === 'CustomResourceDefinition' || o.kind === 'Namespace');
    expect(shared.length).toBeGreaterThan(0);
    expect(shared.filter(labelled).map((o) => `${o.kind} ${o.metadata?.name}`)).toEqual([]);
    expect(objects.filter((o) => !shared.includes(o) && !labelled(o)).map((o) => `${o.kind} ${o.metadata?.name}`)).toEqual([]);
  });

  it('runs in the namespace kubeception, which enforces Pod Security "restricted"', async () => {
    const objects = await rendered();
    const [namespace] = ofKind<V1Namespace>(objects, 'Namespace');
    expect(namespace?.metadata?.name).toBe('kubeception');
    for (const mode of ['enforce', 'audit', 'warn']) expect(namespace?.metadata?.labels?.[`pod-security.kubernetes.io/${mode}`]).toBe('restricted');
    const namespaced = objects.filter((o) => !['Namespace', 'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleBinding'].includes(o.kind ?? ''));
    expect(namespaced.filter((o) => o.metadata?.namespace !== 'kubeception')).toEqual([]);
  });

  it('has a Deployment that passes "restricted", as the image’s user with a read-only root, leader election on', async () => {
    const [deployment, ...more] = ofKind<V1Deployment>(await rendered(), 'Deployment');
    expect(more).toEqual([]);
    const pod = deployment!.spec!.template.spec!;
    expect(restrictedViolations(pod)).toEqual([]);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    for (const container of pod.containers) {
      expect(container.securityContext?.readOnlyRootFilesystem).toBe(true);
      expect(container.args).toContain('--leader-elect');
      expect(container.args?.filter((a) => a.startsWith('--leader-elect='))).toEqual([]);
    }
    expect(deployment!.spec!.replicas).toBe(dir.endsWith('/base') ? 2 : 1);
  });

  it('runs the image scripts/images/build.sh tags: the release in the base, the local build in the overlays', async () => {
    const [, operator] = dir.split('/');
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'examples', operator!, 'package.json'), 'utf8')) as { version: string };
    const [container] = ofKind<V1Deployment>(await rendered(), 'Deployment')[0]!.spec!.template.spec!.containers;
    expect(container).toMatchObject(
      dir.endsWith('/base')
        ? { image: `quay.io/kubeception/${operator}:${version}` }
        : { image: `localhost/kubeception/${operator}:dev`, imagePullPolicy: 'Never' },
    );
  });

  it('may create Leases, and read and renew only its own (RBAC cannot limit create by name)', async () => {
    const lease = LEASES[dir.split('/')[1]!];
    const rules = ofKind<V1Role>(await rendered(), 'Role')
      .flatMap((role) => role.rules ?? [])
      .filter((rule) => rule.resources?.includes('leases'));
    expect(rules).toEqual([
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: [lease], verbs: ['get', 'update'] },
    ]);
  });

  it('has a PodDisruptionBudget and a metrics Service that select its pods', async () => {
    const objects = await rendered();
    const pods = ofKind<V1Deployment>(objects, 'Deployment')[0]!.spec!.template;
    const [pdb] = ofKind<V1PodDisruptionBudget>(objects, 'PodDisruptionBudget');
    expect(pdb?.spec?.maxUnavailable).toBe(1);
    expect(matches(pdb?.spec?.selector?.matchLabels, pods.metadata?.labels)).toBe(true);
    const [service] = ofKind<V1Service>(objects, 'Service');
    expect(matches(service?.spec?.selector, pods.metadata?.labels)).toBe(true);
    expect(service?.spec?.ports).toEqual([expect.objectContaining({ name: 'metrics', port: 8080, targetPort: 'metrics' })]);
    expect(pods.spec!.containers[0]!.ports).toContainEqual({ name: 'metrics', containerPort: 8080 });
  });
});

describe('the "restricted" check', () => {
  it('refuses the KVM driver’s VM pods, which run in a host namespace of their own labelled privileged', () => {
    const objects = documents('packages/driver-kvm/src/render/__snapshots__/cluster-kvm.yaml');
    const [namespace] = ofKind<V1Namespace>(objects, 'Namespace');
    expect(namespace?.metadata?.labels?.['pod-security.kubernetes.io/enforce']).toBe('privileged');
    const vms = ofKind<V1Deployment>(objects, 'Deployment');
    expect(vms.length).toBeGreaterThan(0);
    for (const vm of vms)
      expect(restrictedViolations(vm.spec!.template.spec!)).toEqual(
        expect.arrayContaining([
          'pod shares a host namespace (hostNetwork, hostPID or hostIPC)',
          'volume dev-kvm is of type hostPath',
          'container launcher is privileged',
          'container launcher must not use host ports',
        ]),
      );
  });
});
