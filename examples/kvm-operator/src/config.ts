/** The command line and environment of the kvm-operator, parsed and checked once. */
import { parseArgs } from 'node:util';
import { err, ok, type Result } from 'neverthrow';

export const USAGE = `Usage: kvm-operator [--embedded [--once [--timeout <s>]]] [options]

  (default)    run against KUBECONFIG (or in-cluster) and the host flannel etcd, with leader
               election (Lease kvm-operator) in --namespace and /metrics, /healthz, /readyz on :8080
  --embedded   a simulated host (4 VM hosts), a fake Vault, the VM simulator and an in-memory
               flannel store in-process, with the sample KVM Cluster
               (examples/samples/valid/cluster-kvm.yaml); the PKI controllers run in-process
  --once       (with --embedded) exit 0 once the Cluster is Ready, 1 after --timeout
  --timeout <s>                    (with --once) default 120
  --verbose                        operator logs on stderr

Host mode:
  --namespace <ns>                 the operator's namespace: Lease and network ledger
                                   [$POD_NAMESPACE, else kubeception]
  --ledger-namespace <ns>          namespace of the network ledger ConfigMap [--namespace]
  --flannel-etcd-endpoints <urls>  comma-separated client URLs of the host flannel etcd, used by
                                   the operator and by every guest cluster's flanneld
                                   [$FLANNEL_ETCD_ENDPOINTS] (required)
  --flannel-etcd-ca-file <path>    CA of the etcd server certificate [$FLANNEL_ETCD_CA_FILE]
  --flannel-etcd-cert-file <path>  the operator's client certificate [$FLANNEL_ETCD_CERT_FILE]
  --flannel-etcd-key-file <path>   and its key [$FLANNEL_ETCD_KEY_FILE]
  --flannel-etcd-tls-secret <name> kubernetes.io/tls Secret (with ca.crt) that flanneld mounts in
                                   each guest cluster's host namespace [$FLANNEL_ETCD_TLS_SECRET]
  --with-pki                       also run the CertificateAuthority and Certificate controllers
                                   (instead of the cert-operator) on Vault at $VAULT_ADDR with
                                   $VAULT_TOKEN
  --vault-addr <url>               [$VAULT_ADDR]
`;

/** The flannel etcd as the operator and flanneld reach it. */
export interface FlannelEtcdConfig {
  readonly endpoints: readonly string[];
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly tlsSecret?: string;
}

/** What to run. */
export type Config =
  | { readonly mode: 'help' }
  | { readonly mode: 'embedded'; readonly once: boolean; readonly timeoutMs: number; readonly verbose: boolean }
  | {
      readonly mode: 'host';
      readonly verbose: boolean;
      readonly namespace: string;
      readonly ledgerNamespace: string;
      readonly flannel: FlannelEtcdConfig;
      /** With `--with-pki`. The token comes from the environment only: never from a flag, which `ps` would show. */
      readonly vault?: { readonly addr: string; readonly token: string };
    };

const OPTIONS = {
  embedded: { type: 'boolean' },
  once: { type: 'boolean' },
  timeout: { type: 'string' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  namespace: { type: 'string' },
  'ledger-namespace': { type: 'string' },
  'flannel-etcd-endpoints': { type: 'string' },
  'flannel-etcd-ca-file': { type: 'string' },
  'flannel-etcd-cert-file': { type: 'string' },
  'flannel-etcd-key-file': { type: 'string' },
  'flannel-etcd-tls-secret': { type: 'string' },
  'with-pki': { type: 'boolean' },
  'vault-addr': { type: 'string' },
} as const;

const optional = <K extends string>(key: K, value: string | undefined): { [P in K]?: string } => (value ? ({ [key]: value } as { [P in K]: string }) : {});

/** Parses flags (the environment fills what they leave out); `err` is a message for the user. */
export function parseConfig(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Result<Config, string> {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true }));
  } catch (e) {
    return err((e as Error).message);
  }
  if (values.help) return ok({ mode: 'help' });
  const verbose = values.verbose ?? false;
  if (values.embedded) {
    const seconds = Number(values.timeout ?? 120);
    if (!(seconds > 0)) return err(`--timeout must be a positive number of seconds, not ${JSON.stringify(values.timeout)}`);
    return ok({ mode: 'embedded', once: values.once ?? false, timeoutMs: seconds * 1000, verbose });
  }
  if (values.once || values.timeout) return err('--once and --timeout go with --embedded');

  const endpoints = (values['flannel-etcd-endpoints'] ?? env.FLANNEL_ETCD_ENDPOINTS ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (endpoints.length === 0) return err('the host flannel etcd is needed: --flannel-etcd-endpoints or $FLANNEL_ETCD_ENDPOINTS (or use --embedded)');
  const certFile = values['flannel-etcd-cert-file'] ?? env.FLANNEL_ETCD_CERT_FILE;
  const keyFile = values['flannel-etcd-key-file'] ?? env.FLANNEL_ETCD_KEY_FILE;
  const caFile = values['flannel-etcd-ca-file'] ?? env.FLANNEL_ETCD_CA_FILE;
  if ((certFile === undefined) !== (keyFile === undefined)) return err('--flannel-etcd-cert-file and --flannel-etcd-key-file go together');
  if (certFile !== undefined && caFile === undefined) return err('a flannel etcd client certificate needs the CA too: --flannel-etcd-ca-file');

  let vault: { addr: string; token: string } | undefined;
  if (values['with-pki']) {
    const addr = values['vault-addr'] ?? env.VAULT_ADDR;
    const token = env.VAULT_TOKEN;
    if (!addr || !token) return err('--with-pki needs Vault: --vault-addr or $VAULT_ADDR, and $VAULT_TOKEN');
    vault = { addr, token };
  }
  const namespace = values.namespace ?? env.POD_NAMESPACE ?? 'kubeception';
  return ok({
    mode: 'host',
    verbose,
    namespace,
    ledgerNamespace: values['ledger-namespace'] ?? namespace,
    flannel: {
      endpoints,
      ...optional('caFile', caFile),
      ...optional('certFile', certFile),
      ...optional('keyFile', keyFile),
      ...optional('tlsSecret', values['flannel-etcd-tls-secret'] ?? env.FLANNEL_ETCD_TLS_SECRET),
    },
    ...(vault ? { vault } : {}),
  });
}
