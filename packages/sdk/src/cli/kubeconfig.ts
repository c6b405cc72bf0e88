/**
 * `kubeception kubeconfig <namespace>/<cluster>`: prints a Cluster's guest kubeconfig, the `value`
 * of its Secret `<cluster>-kubeconfig` that the Cluster controller writes, as `clusterctl get
 * kubeconfig` does. The Secret is read with the host's kubeconfig (`--kubeconfig`, else
 * `KUBECONFIG`, `~/.kube/config` or the in-cluster service account), and printed only when it is
 * what the Cluster controller writes: its type, and controlled by that Cluster.
 */
import { resolve } from 'node:path';
import { err, ok, type Result } from 'neverthrow';
import { GuestKubeconfig, guestKubeconfigSecretName } from '../cluster/guest-kubeconfig.js';
import { defaultKubeConfig, kubeConfigFromFile } from '../kube/api.js';
import { SecretResource, type Secret } from '../kube/builtins.js';
import { createKubeClient, type KubeClient } from '../kube/client.js';
import type { Persisted } from '../resource.js';
import { GROUP } from '../vocabulary.js';
import type { KubeconfigCommand } from './args.js';
import { ExitCode } from './exit-code.js';
import type { CliIo } from './io.js';

/** A client of the host API through the kubeconfig the command names, or why it cannot be loaded. */
function hostClient(command: KubeconfigCommand, io: CliIo): Result<KubeClient, string> {
  try {
    const kubeConfig = command.kubeconfig === undefined ? defaultKubeConfig() : kubeConfigFromFile(resolve(io.cwd, command.kubeconfig));
    return ok(createKubeClient({ kubeConfig, qps: 0, retry: { maxAttempts: 2, baseMs: 200 } }));
  } catch (error) {
    const what = command.kubeconfig === undefined ? 'the kubeconfig (KUBECONFIG, ~/.kube/config)' : `the kubeconfig ${command.kubeconfig}`;
    return err(`cannot load ${what}: ${((error as Error).message.split('\n')[0] ?? '').replace(/^Error: /, '')}`);
  }
}

/** The kubeconfig a Secret holds, or why it is not the guest kubeconfig of Cluster `namespace/cluster`. */
export function guestKubeconfigOf(secret: Persisted<Secret>, cluster: string): Result<string, string> {
  const name = `Secret ${secret.metadata.namespace}/${secret.metadata.name}`;
  if (secret.type !== GuestKubeconfig.SecretType)
    return err(`${name} is of type ${secret.type ?? 'Opaque'}, not ${GuestKubeconfig.SecretType}: not a guest kubeconfig`);
  const owner = secret.metadata.ownerReferences?.find((r) => r.controller === true);
  if (owner?.kind !== 'Cluster' || !owner.apiVersion.startsWith(`${GROUP}/`) || owner.name !== cluster)
    return err(`${name} is not controlled by Cluster ${secret.metadata.namespace}/${cluster} (${owner ? `but by ${owner.kind} ${owner.name}` : 'by nothing'})`);
  const value = secret.data?.[GuestKubeconfig.DataKey];
  return value ? ok(Buffer.from(value, 'base64').toString('utf8')) : err(`${name} has no data.${GuestKubeconfig.DataKey}`);
}

/** `kubeception kubeconfig`: writes the Cluster's guest kubeconfig to `io.stdout`; problems go to `io.stderr` in one line. */
export function printKubeconfig(command: KubeconfigCommand, io: CliIo): Promise<ExitCode> {
  const failed = (code: ExitCode) => (message: string) => (io.stderr(`error: ${message}\n`), code);
  return hostClient(command, io).match(
    (client) => {
      const namespace = command.namespace ?? client.defaultNamespace;
      const name = guestKubeconfigSecretName(command.cluster);
      return client
        .resource(SecretResource)
        .get(name, { namespace })
        .mapErr((e) =>
          e.kind === 'NotFound' ? `Secret ${namespace}/${name} not found: is the Cluster Ready?` : `cannot read Secret ${namespace}/${name}: ${e.message}`,
        )
        .andThen((secret) => guestKubeconfigOf(secret, command.cluster))
        .match((kubeconfig): ExitCode => (io.stdout(kubeconfig), ExitCode.Ok), failed(ExitCode.Failed));
    },
    (message) => Promise.resolve(failed(ExitCode.Usage)(message)),
  );
}
