import { parseArgs } from 'node:util';
import { err, ok, type Result } from 'neverthrow';
import { OutputFormat } from './report.js';

/** `kubeception crds [--summary] [-o yaml|json]`. */
export interface CrdsCommand {
  readonly name: 'crds';
  readonly format: 'yaml' | 'json' | 'summary';
  /** Modules named with `--provider`; absent means the defaults. */
  readonly providers?: readonly string[];
}

/** `kubeception validate [-o text|json] <file|dir|->...`. */
export interface ValidateCommand {
  readonly name: 'validate';
  readonly paths: readonly string[];
  readonly output: OutputFormat;
  /** Modules named with `--provider`; absent means the defaults. */
  readonly providers?: readonly string[];
}

/** `kubeception kubeconfig [--kubeconfig <file>] <namespace>/<cluster>`. */
export interface KubeconfigCommand {
  readonly name: 'kubeconfig';
  /** The Cluster's namespace; absent: the host kubeconfig's context's (or `default`). */
  readonly namespace?: string;
  /** The Cluster's name. */
  readonly cluster: string;
  /** The host's kubeconfig file (`--kubeconfig`); absent: `KUBECONFIG`, `~/.kube/config` or in-cluster. */
  readonly kubeconfig?: string;
}

/** What the command line asks for. */
export type Command = { readonly name: 'help' } | { readonly name: 'version' } | CrdsCommand | ValidateCommand | KubeconfigCommand;

/** A command line that does not parse; the CLI prints it with the usage and exits with 2. */
export interface UsageError {
  readonly kind: 'UsageError';
  /** One line. */
  readonly message: string;
}

const usage = (message: string): Result<never, UsageError> => err({ kind: 'UsageError', message });

/** Parses the arguments after `kubeception`. */
export function parseCommand(argv: readonly string[]): Result<Command, UsageError> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        provider: { type: 'string', multiple: true },
        output: { type: 'string', short: 'o' },
        summary: { type: 'boolean' },
        kubeconfig: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    });
  } catch (error) {
    // parseArgs throws TypeErrors (ERR_PARSE_ARGS_UNKNOWN_OPTION, …); keep their first sentence.
    return usage(((error as Error).message.split(/(?<=\.) /)[0] ?? '').replace(/\.$/, ''));
  }
  const { values, positionals } = parsed;
  if (values.help) return ok({ name: 'help' });
  if (values.version) return ok({ name: 'version' });
  const [command, ...paths] = positionals;
  const providers = values.provider === undefined ? {} : { providers: values.provider };
  if (command === 'kubeconfig') return kubeconfigCommand(paths, values);
  if (values.kubeconfig !== undefined) return usage('--kubeconfig applies to kubeconfig only');
  switch (command) {
    case undefined:
      return usage('missing command');
    case 'crds': {
      if (paths.length > 0) return usage(`crds takes no arguments (got ${paths.join(' ')})`);
      const output = values.output ?? 'yaml';
      if (output !== 'yaml' && output !== 'text' && output !== 'json') return usage(`--output must be yaml or json for crds (got ${output})`);
      if (values.summary && output === 'json') return usage('--summary and --output json do not combine');
      return ok({ name: 'crds', format: values.summary ? 'summary' : output === 'json' ? 'json' : 'yaml', ...providers });
    }
    case 'validate': {
      if (paths.length === 0) return usage('validate needs at least one file, directory or - (standard input)');
      if (values.summary) return usage('--summary applies to crds only');
      const output = values.output ?? OutputFormat.Text;
      if (output !== OutputFormat.Text && output !== OutputFormat.Json) return usage(`--output must be text or json (got ${output})`);
      return ok({ name: 'validate', paths, output, ...providers });
    }
    default:
      return usage(`unknown command "${command}"`);
  }
}

/** `kubeconfig <namespace>/<cluster>` (or `<cluster>`, in the host kubeconfig's namespace). */
function kubeconfigCommand(args: readonly string[], values: { readonly kubeconfig?: string; readonly [option: string]: unknown }): Result<Command, UsageError> {
  const others = ['provider', 'output', 'summary'].filter((o) => values[o] !== undefined);
  if (others.length > 0) return usage(`kubeconfig takes no --${others.join(', --')}`);
  const [ref, ...rest] = args;
  if (ref === undefined || rest.length > 0) return usage('kubeconfig takes one Cluster: <namespace>/<cluster>');
  const parts = ref.split('/');
  if (parts.length > 2 || parts.some((p) => p === '')) return usage(`kubeconfig takes <namespace>/<cluster> (got ${ref})`);
  const [namespace, cluster] = parts.length === 2 ? parts : [undefined, parts[0]];
  return ok({
    name: 'kubeconfig',
    cluster: cluster ?? '',
    ...(namespace === undefined ? {} : { namespace }),
    ...(values.kubeconfig === undefined ? {} : { kubeconfig: values.kubeconfig }),
  });
}
