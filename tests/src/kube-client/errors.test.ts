/**
 * The typed client against the fake, with injected faults: every KubeError kind, and the
 * retry rules of `@kubeception/sdk/kube` as the server's request log sees them.
 */
import { CertificateResource, kubeceptionCrds } from '@kubeception/sdk';
import { ConfigMapResource, createKubeClient, type KubeClient, type KubeError } from '@kubeception/sdk/kube';
import { startFakeKube, type FailureSpec, type FakeKube } from '@kubeception/testing';
import type { ResultAsync } from 'neverthrow';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

let fake: FakeKube;
let kube: KubeClient;
const fast = { baseMs: 1, maxMs: 5 };
beforeAll(async () => {
  fake = await startFakeKube({ crds: kubeceptionCrds() });
  kube = createKubeClient({ kubeConfig: fake.kubeConfig, qps: 0, retry: fast });
});
afterAll(() => fake.stop());
beforeEach(() => {
  fake.faults.clear();
  fake.requests.clear();
});

const configMaps = () => kube.resource(ConfigMapResource);
const noRetry = () => createKubeClient({ kubeConfig: fake.kubeConfig, qps: 0, retry: { maxAttempts: 1 } }).resource(ConfigMapResource);
const cm = (name: string) => ({ metadata: { name, namespace: 'default' }, data: {} });
const getAny = () => configMaps().get('any', { namespace: 'default' });
/** Makes ConfigMap requests fail as `fault` says, then answers the error of `call`. */
const faulted = (fault: Omit<FailureSpec, 'resource'>, call: () => ResultAsync<unknown, KubeError>) => async () => {
  fake.faults.fail({ resource: 'configmaps', ...fault });
  return (await call())._unsafeUnwrapErr();
};
/** A 429 with Retry-After, to a client that does not retry. */
const tooMany = faulted({ verb: 'get', status: 429, retryAfterSeconds: 7 }, () => noRetry().get('any', { namespace: 'default' }));

describe('every KubeError kind', () => {
  const cases: [KubeError['kind'], () => Promise<KubeError>][] = [
    ['NotFound', async () => (await configMaps().get('missing', { namespace: 'default' }))._unsafeUnwrapErr()],
    [
      'AlreadyExists',
      async () => {
        await configMaps().create(cm('twice'));
        return (await configMaps().create(cm('twice')))._unsafeUnwrapErr();
      },
    ],
    [
      'Conflict',
      async () => {
        const first = (await configMaps().create(cm('stale')))._unsafeUnwrap();
        await configMaps().replace({ ...first, data: { a: '1' } });
        return (await configMaps().replace({ ...first, data: { a: '2' } }))._unsafeUnwrapErr();
      },
    ],
    [
      'Invalid',
      async () =>
        (
          await kube
            .resource(CertificateResource)
            .create({ apiVersion: 'kubeception.io/v1alpha1', kind: 'Certificate', metadata: { name: 'x', namespace: 'default' }, spec: {} as never })
        )._unsafeUnwrapErr(),
    ],
    ['BadRequest', faulted({ verb: 'create', status: 400 }, () => configMaps().create(cm('bad')))],
    ['Unauthorized', faulted({ verb: 'get', status: 401 }, getAny)],
    ['Forbidden', faulted({ verb: 'get', status: 403 }, getAny)],
    ['Gone', faulted({ verb: 'list', status: 410 }, () => configMaps().list({ namespace: 'default' }))],
    ['TooManyRequests', tooMany],
    ['Timeout', faulted({ verb: 'get', status: 504, times: 10 }, getAny)],
    ['ServerError', faulted({ verb: 'create', status: 500 }, () => configMaps().create(cm('boom')))],
    [
      'Transport',
      async () => {
        const dead = await startFakeKube();
        const config = dead.kubeConfig;
        await dead.stop();
        return (
          await createKubeClient({ kubeConfig: config, qps: 0, retry: { maxAttempts: 1 } })
            .resource(ConfigMapResource)
            .get('x')
        )._unsafeUnwrapErr();
      },
    ],
  ];

  it.each(cases)('%s', async (kind, produce) => {
    const error = await produce();
    expect(error.kind).toBe(kind);
    expect(error.message.length).toBeGreaterThan(0);
  });

  it('TooManyRequests carries Retry-After', async () => {
    expect(await tooMany()).toMatchObject({ kind: 'TooManyRequests', retryAfterMs: 7000 });
  });
});

describe('retry rules, as the server sees them', () => {
  it('retries a get through three 503s', async () => {
    await configMaps().create(cm('flaky-get'));
    fake.requests.clear();
    fake.faults.fail({ verb: 'get', resource: 'configmaps', status: 503, times: 3, retryAfterSeconds: 0 });
    expect((await configMaps().get('flaky-get', { namespace: 'default' })).isOk()).toBe(true);
    expect(fake.requests.count({ verb: 'get', resource: 'configmaps' })).toBe(4);
    expect(fake.requests.count({ verb: 'get', resource: 'configmaps', faulted: true })).toBe(3);
  });

  it('does not retry a create after a 500', async () => {
    fake.faults.fail({ verb: 'create', resource: 'configmaps', status: 500 });
    expect((await configMaps().create(cm('once')))._unsafeUnwrapErr().kind).toBe('ServerError');
    expect(fake.requests.count({ verb: 'create', resource: 'configmaps' })).toBe(1);
  });

  it('retries a create after a 429, no sooner than Retry-After', async () => {
    fake.faults.fail({ verb: 'create', resource: 'configmaps', status: 429, retryAfterSeconds: 0.05 as never });
    expect((await configMaps().create(cm('after-429'))).isOk()).toBe(true);
    const [first, second] = fake.requests.filter({ verb: 'create', resource: 'configmaps' });
    expect(second && first && second.at - first.at).toBeGreaterThanOrEqual(40);
  });

  it('retries a replace that carries a resourceVersion, and a merge patch', async () => {
    const created = (await configMaps().create(cm('idempotent')))._unsafeUnwrap();
    fake.faults.fail({ verb: 'update', resource: 'configmaps', status: 500 });
    expect((await configMaps().replace({ ...created, data: { a: '1' } })).isOk()).toBe(true);
    fake.faults.fail({ verb: 'patch', resource: 'configmaps', status: 503, retryAfterSeconds: 0 });
    expect((await configMaps().patch('idempotent', { type: 'merge', body: { data: { b: '2' } } }, { namespace: 'default' })).isOk()).toBe(true);
    expect(fake.requests.count({ verb: 'update', resource: 'configmaps' })).toBe(2);
    expect(fake.requests.count({ verb: 'patch', resource: 'configmaps' })).toBe(2);
  });

  it('does not retry a JSON patch after a 500', async () => {
    await configMaps().create(cm('json-once'));
    fake.faults.fail({ verb: 'patch', resource: 'configmaps', status: 500 });
    const result = await configMaps().patch('json-once', { type: 'json', ops: [{ op: 'add', path: '/data/x', value: '1' }] }, { namespace: 'default' });
    expect(result._unsafeUnwrapErr().kind).toBe('ServerError');
    expect(fake.requests.count({ verb: 'patch', resource: 'configmaps' })).toBe(1);
  });

  it('gives up after maxAttempts', async () => {
    const limited = createKubeClient({ kubeConfig: fake.kubeConfig, qps: 0, retry: { ...fast, maxAttempts: 3 } }).resource(ConfigMapResource);
    fake.faults.fail({ verb: 'list', resource: 'configmaps', status: 500, times: 100 });
    expect((await limited.list({ namespace: 'default' }))._unsafeUnwrapErr().kind).toBe('ServerError');
    expect(fake.requests.count({ verb: 'list', resource: 'configmaps' })).toBe(3);
  });

  it('spaces requests by the client-side rate limit', async () => {
    const slow = createKubeClient({ kubeConfig: fake.kubeConfig, qps: 20, burst: 1 }).resource(ConfigMapResource);
    for (let i = 0; i < 5; i++) await slow.list({ namespace: 'default' });
    const times = fake.requests.filter({ verb: 'list', resource: 'configmaps' }).map((r) => r.at);
    const spent = (times.at(-1) ?? 0) - (times[0] ?? 0);
    expect(spent).toBeGreaterThanOrEqual(4 * 50 - 10); // four refills at 20/s after the burst of one
  });
});
