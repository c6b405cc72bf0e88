/**
 * The self reviews on fakes that authenticate and authorize differently — what the conformance
 * suite (tests/src/conformance/auth-reviews.test.ts) cannot ask the real server of its lane: a
 * fake that authenticates nobody (kube-apiserver's anonymous user, `--authorization-mode=AlwaysAllow`),
 * one that authenticates a bearer token, and the credential id of a client certificate.
 */
import { X509Certificate } from 'node:crypto';
import { defineResource } from '@kubeception/sdk';
import { createKubeClient, kubeConfigFromCertificate, type KubeClient } from '@kubeception/sdk/kube';
import { describe, expect, it } from 'vitest';
import { raw, tokenKubeConfig } from '../fixtures.js';
import { startFakeKube } from '../server.js';

const WhoAmI = defineResource({ group: 'authentication.k8s.io', version: 'v1', kind: 'SelfSubjectReview', plural: 'selfsubjectreviews', scope: 'Cluster' });

/** `kubectl auth whoami` through `kube`: the review's `status.userInfo`. */
async function whoAmI(kube: KubeClient): Promise<unknown> {
  const review = await kube.resource(WhoAmI).create({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } as never);
  return (review._unsafeUnwrap() as unknown as { status: { userInfo: unknown } }).status.userInfo;
}

describe('a fake that authenticates nobody', () => {
  it('takes every client for the anonymous user, allows it everything and lists * rules (AlwaysAllow)', async () => {
    const kube = await startFakeKube();
    try {
      const created = (group: string, kind: string, spec: object) =>
        raw(kube, 'POST', `/apis/${group}/v1/${kind.toLowerCase()}s`, { apiVersion: `${group}/v1`, kind, spec });
      const whoami = await created('authentication.k8s.io', 'SelfSubjectReview', {});
      expect([whoami.status, whoami.json.status]).toEqual([201, { userInfo: { username: 'system:anonymous', groups: ['system:unauthenticated'] } }]);
      const canI = await created('authorization.k8s.io', 'SelfSubjectAccessReview', {
        resourceAttributes: { verb: 'delete', resource: 'namespaces', name: 'kube-system' },
      });
      expect([canI.status, canI.json.status]).toEqual([201, { allowed: true }]);
      const rules = await created('authorization.k8s.io', 'SelfSubjectRulesReview', { namespace: 'default' });
      expect(rules.json.status).toEqual({
        resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
        nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
        incomplete: false,
      });
    } finally {
      await kube.stop();
    }
  });
});

describe('the user a review names', () => {
  it('authenticated by a bearer token: the token user, with no credential id', async () => {
    const kube = await startFakeKube({ tls: true, bearerToken: 'secret' });
    try {
      const client = createKubeClient({ kubeConfig: tokenKubeConfig(kube.url, 'secret', kube.caCertificate), qps: 0, retry: { maxAttempts: 1 } });
      expect(await whoAmI(client)).toEqual({ username: 'token-user', groups: ['system:authenticated'] });
    } finally {
      await kube.stop();
    }
  });

  it('authenticated by a client certificate: its common name and organizations, the SHA-256 of the certificate as credential id', async () => {
    const kube = await startFakeKube({ tls: true, clientCertificates: true, authorization: 'RBAC' });
    try {
      const cert = await kube.issueClientCertificate('alice', ['team']);
      const kubeConfig = kubeConfigFromCertificate({
        server: kube.url,
        caPem: kube.caCertificate!,
        certPem: cert.certificate,
        keyPem: cert.privateKey,
        name: 'alice',
      });
      const fingerprint = new X509Certificate(cert.certificate).fingerprint256.replace(/:/g, '').toLowerCase();
      expect(await whoAmI(createKubeClient({ kubeConfig, qps: 0, retry: { maxAttempts: 1 } }))).toEqual({
        username: 'alice',
        groups: ['team', 'system:authenticated'],
        extra: { 'authentication.kubernetes.io/credential-id': [`X509SHA256=${fingerprint}`] },
      });
    } finally {
      await kube.stop();
    }
  });
});
