/**
 * The `kubeception` command: `kubeception crds` prints the CRDs, `kubeception validate`
 * checks YAML files of Kubeception objects, `kubeception kubeconfig` prints a Cluster's guest
 * kubeconfig. Built by tsup as `dist/cli.js`; the parts live
 * in `src/cli/`.
 */
import packageJson from '../package.json' with { type: 'json' };
import { parseCommand, type Command, type ValidateCommand } from './cli/args.js';
import { ExitCode } from './cli/exit-code.js';
import { withDefaultIo, type CliIo } from './cli/io.js';
import { printKubeconfig } from './cli/kubeconfig.js';
import { printCrds } from './cli/print-crds.js';
import { DEFAULT_PROVIDER_MODULES, loadProviders } from './cli/providers.js';
import { OutputFormat, exitCodeOf, renderInputErrors, renderJson, renderText } from './cli/report.js';
import { validateInputs } from './cli/validate.js';
import type { ProviderDefinition } from './provider.js';

export { ExitCode } from './cli/exit-code.js';
export type { CliIo } from './cli/io.js';
export { DEFAULT_PROVIDER_MODULES } from './cli/providers.js';

/**
 * The version of `@kubeception/sdk`. The bundler inlines it into `dist/cli.js`, and from
 * source it is read from the package's `package.json`, so both report the same version.
 */
export const VERSION: string = packageJson.version;

/** The `--help` text. */
export const USAGE = `Usage: kubeception <command> [options]

Commands:
  crds [--summary]            print the Kubeception CRDs (multi-document YAML)
  validate <file|dir|->...    validate Cluster, CertificateAuthority and Certificate YAML;
                              a directory means its *.yaml and *.yml files, - standard input
  kubeconfig <namespace>/<cluster>
                              print the Cluster's guest kubeconfig (Secret <cluster>-kubeconfig)

Options:
  -o, --output <format>       validate: text (default) or json;
                              crds: yaml (default) or json (a v1 List)
  --provider <module>         driver module exporting \`provider\` (repeatable; a path such as
                              ./driver.mjs is relative to the working directory; default:
                              ${DEFAULT_PROVIDER_MODULES.join(', ')} when installed)
  --kubeconfig <file>         kubeconfig: the host's kubeconfig (default: $KUBECONFIG,
                              ~/.kube/config or in-cluster)
  --version                   print the version
  -h, --help                  show this help

Findings name the document: file#2 (Cluster default/demo) is the second document of file.

Exit codes:
  0  success; every document is valid
  1  every input was read, and at least one document is invalid;
     kubeconfig: no such Secret, not a guest kubeconfig, or an error of the host API
  2  usage error, or an input could not be read (missing file, bad YAML, provider module,
     a kubeconfig that does not load)
`;

/**
 * Runs the CLI; resolves to the process exit code ({@link ExitCode}). Never throws for bad
 * input: problems are written to `io.stderr` as one line each.
 *
 * @example
 * ```ts
 * let out = '';
 * const code = await main(['validate', '-'], { stdin: [yamlText], stdout: (t) => (out += t) });
 * ```
 */
export async function main(argv: readonly string[], io: Partial<CliIo> = {}): Promise<ExitCode> {
  const cli = withDefaultIo(io);
  return parseCommand(argv).match(
    (command) => run(command, cli),
    (error) => {
      cli.stderr(argv.length === 0 ? USAGE : `error: ${error.message} (see kubeception --help)\n`);
      return ExitCode.Usage;
    },
  );
}

async function run(command: Command, io: CliIo): Promise<ExitCode> {
  if (command.name === 'help' || command.name === 'version') {
    io.stdout(command.name === 'help' ? USAGE : `${VERSION}\n`);
    return ExitCode.Ok;
  }
  if (command.name === 'kubeconfig') return printKubeconfig(command, io);
  const modules = command.providers === undefined ? {} : { modules: command.providers };
  return loadProviders({ cwd: io.cwd, ...modules }).match(
    (providers) => (command.name === 'crds' ? printCrds({ providers, format: command.format, io }) : validate(command, providers, io)),
    (error) => {
      io.stderr(`error: ${error.message}\n`);
      return ExitCode.Usage;
    },
  );
}

async function validate(command: ValidateCommand, providers: readonly ProviderDefinition[], io: CliIo): Promise<ExitCode> {
  const report = await validateInputs({ paths: command.paths, providers, io });
  if (report.inputErrors.length > 0) io.stderr(renderInputErrors(report));
  io.stdout(command.output === OutputFormat.Json ? renderJson(report) : renderText(report));
  return exitCodeOf(report);
}
