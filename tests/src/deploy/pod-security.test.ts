/**
 * The static "restricted" check (./pod-security.ts): the cert-operator's pod passes it, and each
 * control, broken alone, is reported alone.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { V1Deployment, V1PodSpec } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from './deploy-tree.js';
import { restrictedViolations } from './pod-security.js';

const passing = (): V1PodSpec =>
  (parse(readFileSync(join(REPO_ROOT, 'examples/cert-operator/deploy/base/deployment.yaml'), 'utf8')) as V1Deployment).spec!.template.spec!;

/** The pod with its first container's security context merged with `securityContext`. */
const withContainer = (securityContext: object) => (pod: V1PodSpec) => ({
  ...pod,
  containers: [{ ...pod.containers[0]!, securityContext: { ...pod.containers[0]!.securityContext, ...securityContext } }],
});
const withPod = (securityContext: object) => (pod: V1PodSpec) => ({ ...pod, securityContext: { ...pod.securityContext, ...securityContext } });

describe('the "restricted" check', () => {
  it('passes the cert-operator’s pod', () => {
    expect(restrictedViolations(passing())).toEqual([]);
  });

  it.each<[string, (pod: V1PodSpec) => V1PodSpec]>([
    ['pod shares a host namespace (hostNetwork, hostPID or hostIPC)', (pod) => ({ ...pod, hostPID: true })],
    ['pod must not run as user 0', withPod({ runAsUser: 0, runAsNonRoot: undefined })],
    ['pod sets an unsafe sysctl', withPod({ sysctls: [{ name: 'kernel.msgmax', value: '1' }] })],
    ['pod must not set a custom SELinux user, role or type', withPod({ seLinuxOptions: { user: 'root' } })],
    ['volume host is of type hostPath', (pod) => ({ ...pod, volumes: [{ name: 'host', hostPath: { path: '/' } }] })],
    ['container cert-operator is privileged', withContainer({ privileged: true })],
    ['container cert-operator must set allowPrivilegeEscalation: false', withContainer({ allowPrivilegeEscalation: undefined })],
    ['container cert-operator must run as non-root (runAsNonRoot: true, on it or its pod)', withContainer({ runAsNonRoot: false })],
    ['container cert-operator needs seccompProfile RuntimeDefault or Localhost (on it or its pod)', withContainer({ seccompProfile: { type: 'Unconfined' } })],
    ['container cert-operator must drop ALL capabilities', withContainer({ capabilities: { drop: ['NET_RAW'] } })],
    ['container cert-operator may add NET_BIND_SERVICE only', withContainer({ capabilities: { drop: ['ALL'], add: ['SYS_ADMIN'] } })],
    ['container cert-operator must use the default /proc mount', withContainer({ procMount: 'Unmasked' })],
    ['container cert-operator must not be AppArmor-unconfined', withContainer({ appArmorProfile: { type: 'Unconfined' } })],
    [
      'container cert-operator must not use host ports',
      (pod) => ({ ...pod, containers: [{ ...pod.containers[0]!, ports: [{ containerPort: 8080, hostPort: 8080 }] }] }),
    ],
  ])('reports "%s" alone', (violation, broken) => {
    expect(restrictedViolations(broken(passing()))).toEqual([violation]);
  });
});
