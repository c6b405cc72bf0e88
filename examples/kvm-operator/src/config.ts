/** The command line and environment of the kvm-operator, parsed and checked once. */
import { operatorUsage, parseBindAddress, parseOperatorArgs, type OperatorRun, type OperatorSettings } from '@kubeception/sdk/runtime';
import { err, ok, Result } from 'neverthrow';

/** The command line: the shared operator flags (`--log-level`, `--metrics-bind-address`, …) and these. */
export const COMMAND = {
  name: 'kvm-operator',
  description: `Runs against KUBECONFIG (or in-cluster) and the host flannel etcd, with leader election
(Lease kvm-operator) in --namespace, /metrics on --metrics-bind-address and the probes on
--health-probe-bind-address; or --embedded: a simulated host (4 VM hosts), a fake Vault, the VM
simulator and an in-memory flannel store in-process, with the sample KVM Cluster
(examples/samples/valid/cluster-kvm.yaml) and the PKI controllers in-process.`,
  flags: {
    embedded: { type: 'boolean', help: 'run on the in-process fakes (above)' },
    once: { type: 'boolean', help: '(with --embedded) exit 0 once the Cluster is Ready, 1 after --timeout' },
    timeout: { type: 'string', arg: 's', default: '120', help: '(with --once) seconds' },
    namespace: { type: 'string', arg: 'ns', env: 'POD_NAMESPACE', default: 'kubeception', help: "the operator's namespace: Lease and network ledger" },
    'ledger-namespace': { type: 'string', arg: 'ns', default: '--namespace', help: 'namespace of the network ledger ConfigMap' },
    'flannel-etcd-endpoints': {
      type: 'string',
      arg: 'urls',
      env: 'FLANNEL_ETCD_ENDPOINTS',
      help: "comma-separated client URLs of the host flannel etcd, used by the\noperator and by every guest cluster's flanneld (required)",
    },
    'flannel-etcd-ca-file': { type: 'string', arg: 'path', env: 'FLANNEL_ETCD_CA_FILE', help: 'CA of the etcd server certificate' },
    'flannel-etcd-cert-file': { type: 'string', arg: 'path', env: 'FLANNEL_ETCD_CERT_FILE', help: "the operator's client certificate" },
    'flannel-etcd-key-file': { type: 'string', arg: 'path', env: 'FLANNEL_ETCD_KEY_FILE', help: 'and its key' },
    'flannel-etcd-tls-secret': {
      type: 'string',
      arg: 'name',
      env: 'FLANNEL_ETCD_TLS_SECRET',
      help: "kubernetes.io/tls Secret (with ca.crt) that flanneld mounts in each\nguest cluster's host namespace",
    },
    'with-pki': {
      type: 'boolean',
      help: 'also run the CertificateAuthority and Certificate controllers\n(instead of the cert-operator) on Vault at --vault-addr with $VAULT_TOKEN',
    },
    'vault-addr': { type: 'string', arg: 'url', env: 'VAULT_ADDR', help: 'Vault, with --with-pki' },
    'guest-api-dial': {
      type: 'string',
      arg: 'host:port',
      env: 'GUEST_API_DIAL',
      help: "dial every guest's API server at this address (an ingress controller's TLS\npassthrough, a tunnel) instead of its endpoint; the server certificate is\nstill verified against the endpoint's host name",
    },
  },
  environment: { VAULT_TOKEN: 'the Vault token of --with-pki (never a flag, which ps would show)' },
} as const;

/** The `--help` text. */
export const USAGE = operatorUsage(COMMAND);

/** The flannel etcd as the operator and flanneld reach it. */
export interface FlannelEtcdConfig {
  readonly endpoints: readonly string[];
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly tlsSecret?: string;
}

/** Where to dial a guest's API server. */
export interface DialAddress {
  readonly host: string;
  readonly port: number;
}

/** What to run. */
export type Config =
  | { readonly mode: 'help' }
  | { readonly mode: 'embedded'; readonly once: boolean; readonly timeoutMs: number; readonly settings: OperatorSettings }
  | {
      readonly mode: 'host';
      readonly settings: OperatorSettings;
      readonly namespace: string;
      readonly ledgerNamespace: string;
      readonly flannel: FlannelEtcdConfig;
      /** With `--with-pki`. The token comes from the environment only: never from a flag, which `ps` would show. */
      readonly vault?: { readonly addr: string; readonly token: string };
      /** With `--guest-api-dial`: every guest's API server is dialled here instead of at its endpoint. */
      readonly guestApiDial?: DialAddress;
    };

const optional = <K extends string>(key: K, value: string | undefined): { [P in K]?: string } => (value ? ({ [key]: value } as { [P in K]: string }) : {});

/**
 * Parses a dial address: a bind address (`parseBindAddress`: `host:port`, `[v6]:port`) that names
 * its host and a port from 1 to 65535; `err` is a message for the user.
 */
export function parseDialAddress(flag: string, value: string): Result<DialAddress, string> {
  const address = value.startsWith(':') || /[\s/@]/.test(value) ? undefined : parseBindAddress(value).unwrapOr(undefined);
  if (!address || address.port < 1) return err(`--${flag} must be host:port (or [v6]:port) with a port from 1 to 65535, not ${JSON.stringify(value)}`);
  return ok(address);
}

/** Parses flags (the environment fills what they leave out); `err` is a message for the user. */
export function parseConfig(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Result<Config, string> {
  return parseOperatorArgs(COMMAND, argv, env)
    .mapErr((error) => error.message)
    .andThen((parsed) => (parsed.kind === 'help' ? ok({ mode: 'help' as const }) : configOf(parsed, env)));
}

/** The values of the command line's own flags. */
type Values = OperatorRun<typeof COMMAND.flags>['values'];

/** The host flannel etcd of the flags, checked. */
function flannelOf(values: Values): Result<FlannelEtcdConfig, string> {
  const endpoints = (values['flannel-etcd-endpoints'] ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (endpoints.length === 0) return err('the host flannel etcd is needed: --flannel-etcd-endpoints or $FLANNEL_ETCD_ENDPOINTS (or use --embedded)');
  const { 'flannel-etcd-cert-file': certFile, 'flannel-etcd-key-file': keyFile, 'flannel-etcd-ca-file': caFile } = values;
  if ((certFile === undefined) !== (keyFile === undefined)) return err('--flannel-etcd-cert-file and --flannel-etcd-key-file go together');
  if (certFile !== undefined && caFile === undefined) return err('a flannel etcd client certificate needs the CA too: --flannel-etcd-ca-file');
  return ok({
    endpoints,
    ...optional('caFile', caFile),
    ...optional('certFile', certFile),
    ...optional('keyFile', keyFile),
    ...optional('tlsSecret', values['flannel-etcd-tls-secret']),
  });
}

/** Vault of `--with-pki`, checked; `undefined` without it. */
function vaultOf(values: Values, env: NodeJS.ProcessEnv): Result<{ readonly addr: string; readonly token: string } | undefined, string> {
  if (!values['with-pki']) return ok(undefined);
  const addr = values['vault-addr'];
  const token = env.VAULT_TOKEN;
  return addr && token ? ok({ addr, token }) : err('--with-pki needs Vault: --vault-addr or $VAULT_ADDR, and $VAULT_TOKEN');
}

/** What a run of the command line runs, checked. */
function configOf({ settings, values }: OperatorRun<typeof COMMAND.flags>, env: NodeJS.ProcessEnv): Result<Config, string> {
  if (values.embedded) {
    const seconds = Number(values.timeout ?? 120);
    if (!(seconds > 0)) return err(`--timeout must be a positive number of seconds, not ${JSON.stringify(values.timeout)}`);
    return ok({ mode: 'embedded', once: values.once ?? false, timeoutMs: seconds * 1000, settings });
  }
  if (values.once || values.timeout) return err('--once and --timeout go with --embedded');
  const dial = values['guest-api-dial'];
  const namespace = values.namespace ?? 'kubeception';
  return Result.combine([flannelOf(values), vaultOf(values, env), dial ? parseDialAddress('guest-api-dial', dial) : ok(undefined)]).map(
    ([flannel, vault, guestApiDial]): Config => ({
      mode: 'host',
      settings,
      namespace,
      ledgerNamespace: values['ledger-namespace'] ?? namespace,
      flannel,
      ...(vault ? { vault } : {}),
      ...(guestApiDial ? { guestApiDial } : {}),
    }),
  );
}
