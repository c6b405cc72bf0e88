/**
 * Which versions of PodDisruptionBudgets and EndpointSlices the driver uses: the fake (current
 * Kubernetes) serves v1; a host answering 404 at v1 (Kubernetes before 1.21, here a stub of the
 * SDK's client) gets v1beta1; a host serving neither, or not answering, is an error value. The
 * real server's lane runs the whole operator on v1.20 (tests/src/kvm/kvm-host-objects.e2e.test.ts).
 */
import type { KubeClient, KubeError } from '@kubeception/sdk/kube';
import { startFakeKube } from '@kubeception/testing';
import { createKubeClient } from '@kubeception/sdk/kube';
import { err, ok } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { CURRENT_HOST_API_VERSIONS } from '../render/host-api-versions.js';
import { discoverHostApiVersions } from './host-api-discovery.js';
import { descriptorOf, hostKinds } from './host.js';

const notFound: KubeError = { kind: 'NotFound', code: 404, message: 'the server could not find the requested resource' };
const forbidden: KubeError = { kind: 'Forbidden', code: 403, message: 'poddisruptionbudgets.policy is forbidden' };

/** A client whose lists answer `answers[apiVersion]` (a page when unset), noting the versions asked. */
function host(answers: Readonly<Record<string, KubeError>>): { readonly kube: KubeClient; readonly asked: string[] } {
  const asked: string[] = [];
  const resource = (descriptor: { readonly apiVersion: string }) => ({
    listPages: async function* () {
      asked.push(descriptor.apiVersion);
      const answer = answers[descriptor.apiVersion];
      yield answer === undefined ? ok({ items: [], resourceVersion: '1' }) : err(answer);
    },
  });
  return { kube: { resource } as unknown as KubeClient, asked };
}

/** What a Kubernetes 1.20 host answers: no policy/v1, no discovery.k8s.io/v1. */
const V1_20 = { 'policy/v1': notFound, 'discovery.k8s.io/v1': notFound };

describe('discoverHostApiVersions', () => {
  it('chooses policy/v1 and discovery.k8s.io/v1 on the fake (current Kubernetes), asking nothing else', async () => {
    const fake = await startFakeKube();
    try {
      const kube = createKubeClient({ kubeConfig: fake.kubeConfig, qps: 0 });
      expect((await discoverHostApiVersions(kube))._unsafeUnwrap()).toEqual(CURRENT_HOST_API_VERSIONS);
      expect(fake.requests.count({ verb: 'list' })).toBe(2);
    } finally {
      await fake.stop();
    }
  });

  it('chooses v1beta1 of both on a host that serves only v1beta1, after asking v1', async () => {
    const { kube, asked } = host(V1_20);
    expect((await discoverHostApiVersions(kube))._unsafeUnwrap()).toEqual({ podDisruptionBudget: 'policy/v1beta1', endpointSlice: 'discovery.k8s.io/v1beta1' });
    expect(asked.sort()).toEqual(['discovery.k8s.io/v1', 'discovery.k8s.io/v1beta1', 'policy/v1', 'policy/v1beta1']);
  });

  it('chooses each kind on its own: v1 wherever served', async () => {
    const { kube } = host({ 'discovery.k8s.io/v1': notFound });
    expect((await discoverHostApiVersions(kube))._unsafeUnwrap()).toEqual({ podDisruptionBudget: 'policy/v1', endpointSlice: 'discovery.k8s.io/v1beta1' });
  });

  it('is NotServed when the host serves neither version of a kind', async () => {
    const { kube } = host({ ...V1_20, 'policy/v1beta1': notFound });
    expect((await discoverHostApiVersions(kube))._unsafeUnwrapErr()).toEqual({
      kind: 'NotServed',
      resource: 'podDisruptionBudget',
      tried: ['policy/v1', 'policy/v1beta1'],
      message: 'the host serves PodDisruptionBudgets at none of policy/v1, policy/v1beta1, which the KVM driver writes',
    });
  });

  it('is Unanswered, not a fallback to the beta, when the host does not say (403, transport errors)', async () => {
    const { kube, asked } = host({ 'policy/v1': forbidden });
    const error = (await discoverHostApiVersions(kube))._unsafeUnwrapErr();
    expect(error).toMatchObject({ kind: 'Unanswered', resource: 'podDisruptionBudget', cause: forbidden });
    expect(asked).not.toContain('policy/v1beta1');
  });
});

describe('the host kinds at the host’s versions', () => {
  it('caches and writes PodDisruptionBudgets and EndpointSlices at the versions given, every other kind as before', () => {
    const beta = { podDisruptionBudget: 'policy/v1beta1', endpointSlice: 'discovery.k8s.io/v1beta1' } as const;
    const current = hostKinds(CURRENT_HOST_API_VERSIONS).map((d) => d.apiVersion);
    const older = hostKinds(beta).map((d) => d.apiVersion);
    expect(older.filter((v, i) => v !== current[i])).toEqual(['policy/v1beta1', 'discovery.k8s.io/v1beta1']);
    expect(hostKinds(beta).map((d) => d.kind)).toEqual(hostKinds(CURRENT_HOST_API_VERSIONS).map((d) => d.kind));
  });

  it('addresses an object at its own apiVersion, and refuses one it does not manage', () => {
    expect(descriptorOf({ apiVersion: 'policy/v1beta1', kind: 'PodDisruptionBudget' })).toMatchObject({ group: 'policy', version: 'v1beta1' });
    expect(descriptorOf({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice' })).toMatchObject({ version: 'v1', plural: 'endpointslices' });
    expect(() => descriptorOf({ apiVersion: 'policy/v2', kind: 'PodDisruptionBudget' })).toThrow(/does not manage policy\/v2 PodDisruptionBudget/);
  });
});
