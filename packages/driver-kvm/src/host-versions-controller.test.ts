/**
 * The kvm-operator's Cluster controller is built once the host said which versions it serves: with
 * them, after asking again while the host does not answer; not at all on a host serving neither
 * version of a kind, where its `run` rejects with that error.
 */
import type { KubeClient, KubeError } from '@kubeception/sdk/kube';
import type { Controller, ControllerEnvironment } from '@kubeception/sdk/runtime';
import { err, ok } from 'neverthrow';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { controllerOnHostVersions } from './host-versions-controller.js';
import type { HostApiVersions } from './render/host-api-versions.js';

const notFound: KubeError = { kind: 'NotFound', code: 404, message: 'not found' };
const unavailable: KubeError = { kind: 'ServerError', code: 503, message: 'unavailable' };

/** A client whose lists answer from `answer(apiVersion, attempt)`, a page when it returns nothing. */
function host(answer: (apiVersion: string, attempt: number) => KubeError | undefined): KubeClient {
  const attempts = new Map<string, number>();
  const resource = (descriptor: { readonly apiVersion: string }) => ({
    listPages: async function* () {
      const attempt = (attempts.get(descriptor.apiVersion) ?? 0) + 1;
      attempts.set(descriptor.apiVersion, attempt);
      const error = answer(descriptor.apiVersion, attempt);
      yield error === undefined ? ok({ items: [], resourceVersion: '1' }) : err(error);
    },
  });
  return { resource } as unknown as KubeClient;
}

/** The controller under test, built with whatever versions it was given (noted in `built`). */
function subject(kube: KubeClient, built: HostApiVersions[]): Controller {
  return controllerOnHostVersions('kvm-operator', kube, (versions) => {
    built.push(versions);
    return { name: 'clusters', run: async () => undefined, resync: () => undefined };
  });
}

const env = (signal = new AbortController().signal) => ({ log: pino({ level: 'silent' }), signal }) as unknown as ControllerEnvironment;

describe('controllerOnHostVersions', () => {
  it.each<[string, (apiVersion: string, attempt: number) => KubeError | undefined, HostApiVersions]>([
    [
      'the versions the host serves',
      (v) => (v.endsWith('/v1') ? notFound : undefined),
      { podDisruptionBudget: 'policy/v1beta1', endpointSlice: 'discovery.k8s.io/v1beta1' },
    ],
    [
      'them after asking again while the host did not answer',
      (v, attempt) => (v === 'policy/v1' && attempt === 1 ? unavailable : undefined),
      { podDisruptionBudget: 'policy/v1', endpointSlice: 'discovery.k8s.io/v1' },
    ],
  ])('builds the controller with %s', async (_case, answer, versions) => {
    const built: HostApiVersions[] = [];
    await subject(host(answer), built).run(env());
    expect(built).toEqual([versions]);
  });

  it('runs the controller it built and forwards resyncs to it (the informers replay their caches to it: nothing to queue itself)', async () => {
    const calls: string[] = [];
    const controller = controllerOnHostVersions(
      'kvm-operator',
      host(() => undefined),
      () => ({
        name: 'clusters',
        run: async () => void calls.push('run'),
        resync: () => void calls.push('resync'),
      }),
    );
    await controller.run(env());
    expect(calls).toEqual(['run']);
    controller.resync();
    expect(calls).toEqual(['run', 'resync']);
  });

  it('builds nothing and rejects with the error on a host serving neither version', async () => {
    const built: HostApiVersions[] = [];
    const run = subject(
      host((v) => (v.startsWith('discovery.k8s.io/') ? notFound : undefined)),
      built,
    ).run(env());
    await expect(run).rejects.toThrow('the host serves EndpointSlices at none of discovery.k8s.io/v1, discovery.k8s.io/v1beta1, which the KVM driver writes');
    await expect(run).rejects.toMatchObject({ cause: { kind: 'NotServed', resource: 'endpointSlice' } });
    expect(built).toEqual([]);
  });

  it('ends without building anything when stopped before the host answers', async () => {
    const built: HostApiVersions[] = [];
    const stop = new AbortController();
    const run = subject(
      host(() => unavailable),
      built,
    ).run(env(stop.signal));
    setTimeout(() => stop.abort(), 50);
    await run;
    expect(built).toEqual([]);
  });
});
