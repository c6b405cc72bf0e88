/** The command line of `kubeception-fakes`, parsed and checked once (a pure function of the arguments and the environment). */
import { parseArgs } from 'node:util';
import { err, ok, Result } from 'neverthrow';
import type { ServeFakesOptions } from './serve-fakes.js';

/** The `--help` text. */
export const FAKES_USAGE = `Usage: kubeception-fakes [options]

Serves the simulated host (a fake Kubernetes API server with nodes, scheduler, kubelet and
workload controllers, and the VM simulator), a fake Vault and a fake EC2 until SIGTERM or
SIGINT, and writes what an operator needs to reach them. The VM simulator's guest API servers
serve HTTPS with each Cluster's api certificate behind one TLS passthrough port, routed by the
server name (SNI): a kvm-operator reaches them with --guest-api-dial=$GUEST_API_DIAL. Prints
one JSON line on stdout when ready: {"ready":true,"kube":…,"vault":…,"ec2":…,"guestApi":…,
"kubeconfig":…,"env":…} ("flannelEtcd" too with --flannel-etcd); logs JSON on stderr.

Options:
  --dir <path>          where to write kubeconfig and env (KEY=value lines: KUBECONFIG,
                        POD_NAMESPACE, VAULT_ADDR, VAULT_TOKEN, AWS_ENDPOINT_URL_EC2,
                        AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, GUEST_API_DIAL,
                        and FLANNEL_ETCD_ENDPOINTS with --flannel-etcd), both 0600
                        [.kubeception/fakes]
  --host <address>      the address the fakes listen on; only 127.0.0.1 for now [127.0.0.1]
  --kube-port <port>    the host's API server (HTTPS, a bearer token); 0 = a free port [0]
  --vault-port <port>   the fake Vault (HTTP) [0]
  --ec2-port <port>     the fake EC2 (HTTP) [0]
  --guest-api-port <port>
                        the guest API servers' TLS passthrough (with the VM simulator) [0]
  --flannel-etcd        also run a real etcd (the etcd binary on PATH) on free ports for the
                        kvm-operator's flannel store, stopped with the fakes [off]
  --nodes <n>           simulated host nodes, all labelled kubeception.io/vm-host=true [4]
  --namespace <ns>      the operators' namespace, created at start (POD_NAMESPACE) [kubeception]
  --no-crds             do not install the Kubeception CRDs (installed by default)
  --no-vms              do not run the VM simulator (run by default)
  --log-level <level>   fatal, error, warn, info, debug, trace or silent [$LOG_LEVEL, else info]
  -h, --help            show this help

Exit codes: 0 stopped by a signal, 1 the fakes could not start (a port in use…), 2 usage error.
`;

/** Log levels of `--log-level` (pino's). */
export const FAKES_LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** One of {@link FAKES_LOG_LEVELS}. */
export type FakesLogLevel = (typeof FAKES_LOG_LEVELS)[number];

/** What `kubeception-fakes` is asked to do. */
export type FakesCommand =
  | { readonly mode: 'help' }
  | {
      readonly mode: 'serve';
      /** Where to write `kubeconfig` and `env`. */
      readonly dir: string;
      readonly logLevel: FakesLogLevel;
      readonly serve: ServeFakesOptions;
    };

/** A port flag: 0 asks for a free port. */
const PORT_OPTION = { type: 'string', default: '0' } as const;

const OPTIONS = {
  dir: { type: 'string', default: '.kubeception/fakes' },
  host: { type: 'string', default: '127.0.0.1' },
  'kube-port': PORT_OPTION,
  'vault-port': PORT_OPTION,
  'ec2-port': PORT_OPTION,
  'guest-api-port': PORT_OPTION,
  'flannel-etcd': { type: 'boolean', default: false },
  nodes: { type: 'string', default: '4' },
  namespace: { type: 'string', default: 'kubeception' },
  crds: { type: 'boolean', default: true },
  vms: { type: 'boolean', default: true },
  'log-level': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `value` as a whole number in [`min`, `max`], or a message naming `flag`. */
function integer(flag: string, value: string, min: number, max: number): Result<number, string> {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  return n >= min && n <= max ? ok(n) : err(`--${flag} must be a whole number from ${min} to ${max}, not ${JSON.stringify(value)}`);
}

const port = (flag: string, value: string) => integer(flag, value, 0, 65_535);

function logLevel(value: string): Result<FakesLogLevel, string> {
  const level = FAKES_LOG_LEVELS.find((l) => l === value);
  return level ? ok(level) : err(`--log-level must be one of ${FAKES_LOG_LEVELS.join(', ')}, not ${JSON.stringify(value)}`);
}

/** The fake servers listen on loopback only (they bind 127.0.0.1). */
const host = (value: string): Result<string, string> =>
  value === '127.0.0.1' ? ok(value) : err(`--host ${value}: only 127.0.0.1 is supported for now (the fake servers listen on loopback only)`);

/**
 * Parses the arguments of `kubeception-fakes` (`env` gives `LOG_LEVEL` when `--log-level` is not
 * set); `err` is a message for the user.
 */
export function parseFakesArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): Result<FakesCommand, string> {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false, allowNegative: true }));
  } catch (e) {
    return err((e as Error).message);
  }
  if (values.help) return ok({ mode: 'help' });
  const namespace = values.namespace;
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace))
    return err(`--namespace must be a namespace name (RFC 1123 label), not ${JSON.stringify(namespace)}`);
  return Result.combine([
    host(values.host),
    port('kube-port', values['kube-port']),
    port('vault-port', values['vault-port']),
    port('ec2-port', values['ec2-port']),
    port('guest-api-port', values['guest-api-port']),
    integer('nodes', values.nodes, 0, 1000),
    logLevel(values['log-level'] ?? env.LOG_LEVEL ?? 'info'),
  ]).map(([, kubePort, vaultPort, ec2Port, guestApiPort, nodes, level]) => ({
    mode: 'serve' as const,
    dir: values.dir,
    logLevel: level as FakesLogLevel,
    serve: {
      kubePort,
      vaultPort,
      ec2Port,
      guestApiPort,
      nodes,
      crds: values.crds,
      vms: values.vms,
      flannelEtcd: values['flannel-etcd'],
      operatorNamespace: namespace,
    },
  }));
}
