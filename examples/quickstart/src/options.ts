/** The quick start's command line: `node:util` parseArgs into one readonly options object. */
import { parseArgs } from 'node:util';

/** What {@link runQuickstart} does. */
export interface QuickstartOptions {
  /** `kvm`: the simulated host and VM simulator; `aws`: the fake EC2. @default 'kvm' */
  readonly provider: 'kvm' | 'aws';
  /** Copies of the sample Cluster: demo, demo-2, … (AWS: prod-eu, prod-eu-2, …) @default 1 */
  readonly clusters: number;
  /** Replicas of the sample's first worker pool. @default the sample's (KVM 2, AWS 3) */
  readonly workers?: number;
  /** Exit after the summary (also when `CI` is set). @default false */
  readonly once: boolean;
  /** How long the Clusters may take to become Ready, in seconds. @default 120 */
  readonly timeoutSeconds: number;
  /** Operator logs (pino, debug) on stderr. @default false */
  readonly verbose: boolean;
}

export const USAGE = `Usage: npm start -w examples/quickstart -- [options]

Starts in-process a simulated host (fake API server, VM-host nodes, scheduler, kubelet, VM
simulator), a fake Vault and the operators (CA, Certificate, Cluster controller with the KVM
driver), creates the sample KVM Cluster and follows it to Ready. With --provider aws: a fake
API server, a fake EC2 and the AWS driver, with the sample AWS Cluster.

Options:
  --workers <n>     replicas of the first worker pool (default: the sample's; kvm 2, aws 3)
  --clusters <n>    create n copies of the sample: demo, demo-2, … (default 1)
  --once            exit 0 after the summary (also when $CI is set); otherwise run until Ctrl-C
  --timeout <s>     fail if not Ready within s seconds (default 120)
  --provider <p>    kvm (default) or aws
  --verbose         operator logs (debug) on stderr
  -h, --help        this text`;

/** Parsed command line: run, print help, or an error message. */
export type Parsed =
  { readonly kind: 'run'; readonly options: QuickstartOptions } | { readonly kind: 'help' } | { readonly kind: 'error'; readonly message: string };

const count = (name: string, value: string | undefined, min: number): number | string | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  return Number.isInteger(n) && n >= min ? n : `--${name} must be an integer ≥ ${min} (got ${JSON.stringify(value)})`;
};

/** Parses `argv` (without node and the script); `env.CI` implies `--once`. */
export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Parsed {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        workers: { type: 'string' },
        clusters: { type: 'string' },
        once: { type: 'boolean' },
        timeout: { type: 'string' },
        provider: { type: 'string' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return { kind: 'error', message: (error as Error).message };
  }
  if (values.help) return { kind: 'help' };
  const provider = values.provider ?? 'kvm';
  if (provider !== 'kvm' && provider !== 'aws') return { kind: 'error', message: `--provider must be kvm or aws (got ${JSON.stringify(provider)})` };
  const workers = count('workers', values.workers, 0);
  const clusters = count('clusters', values.clusters, 1);
  const timeout = count('timeout', values.timeout, 1);
  const invalid = [workers, clusters, timeout].find((v) => typeof v === 'string');
  if (typeof invalid === 'string') return { kind: 'error', message: invalid };
  return {
    kind: 'run',
    options: {
      provider,
      clusters: (clusters as number | undefined) ?? 1,
      ...(workers === undefined ? {} : { workers: workers as number }),
      once: Boolean(values.once) || Boolean(env.CI),
      timeoutSeconds: (timeout as number | undefined) ?? 120,
      verbose: Boolean(values.verbose),
    },
  };
}
