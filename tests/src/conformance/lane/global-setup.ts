/**
 * The conformance suite's global setup on the real server's lane: one kube-apiserver (and etcd,
 * kube-controller-manager) for every conformance file of the run, started by `startEnvtest` with
 * the Kubeception CRDs installed (their CEL rules stripped on servers older than 1.25), handed to
 * the test files through vitest's `provide`, with client certificates of users other than the
 * admin (./identities.ts). Each file works in a namespace of its own.
 */
import { kubeceptionCrds } from '@kubeception/sdk';
import { envtestGate, startEnvtest, type Envtest } from '@kubeception/testing';
import type { TestProject } from 'vitest/node';
import { IDENTITY_POOL, issueIdentity } from './identities.js';

let server: Envtest | undefined;

/** Starts the server, or provides the reason it cannot run (the files then skip; CI's gate makes that a failure). */
export async function setup(project: TestProject): Promise<void> {
  const gate = envtestGate();
  if (!gate.run) {
    project.provide('conformanceServer', { name: 'kube-apiserver', skip: gate.why });
    return;
  }
  server = await startEnvtest({ crds: kubeceptionCrds() });
  const { major, minor, gitVersion } = server.version;
  project.provide('conformanceServer', { name: 'kube-apiserver', kubeconfigYaml: server.kubeconfigYaml, version: { major, minor, gitVersion } });
  const issuer = server;
  project.provide('conformanceIdentities', await Promise.all(Array.from({ length: IDENTITY_POOL }, (_, n) => issueIdentity(issuer, n))));
}

/** Stops the server. */
export async function teardown(): Promise<void> {
  await server?.stop();
}
