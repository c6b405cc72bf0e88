/**
 * The real server of the conformance lane, as a process of its own (the global setup runs in
 * vitest's main process, which does not resolve the packages to their sources): starts
 * `startEnvtest` with the Kubeception CRDs, prints one JSON line `{ kubeconfigYaml, version, identities }` (client certificates of users other than the admin, ./identities.ts) (or
 * `{ skip }` when the binaries are missing and not required), and stops the server on SIGTERM.
 */
import { kubeceptionCrds } from '@kubeception/sdk';
import { envtestGate, startEnvtest } from '@kubeception/testing';
import { IDENTITY_POOL, issueIdentity } from './identities.js';

const gate = envtestGate();
if (!gate.run) {
  console.log(JSON.stringify({ skip: gate.why }));
} else {
  const server = await startEnvtest({ crds: kubeceptionCrds() });
  const { major, minor, gitVersion } = server.version;
  const identities = await Promise.all(Array.from({ length: IDENTITY_POOL }, (_, n) => issueIdentity(server, n)));
  console.log(JSON.stringify({ kubeconfigYaml: server.kubeconfigYaml, version: { major, minor, gitVersion }, identities }));
  const stop = () => void server.stop().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.stdin.resume(); // the lane's setup holds stdin: when vitest goes, so does the server
  process.stdin.once('end', stop);
}
