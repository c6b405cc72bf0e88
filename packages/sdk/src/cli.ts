/**
 * The `kubeception` command: `kubeception crds` prints the CRDs, `kubeception validate`
 * checks YAML files of Kubeception objects.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { kubeceptionCrds, toYamlDocuments } from './crds.js';
import { validateCertificateAuthority } from './models/certificate-authority.js';
import { validateCertificate } from './models/certificate.js';
import { validateCluster } from './models/cluster.js';
import type { ProviderDefinition } from './provider.js';
import type { ValidationError } from './validation.js';
import type { Result } from 'neverthrow';

/** Driver packages whose providers the CLI includes when they are installed. */
export const DEFAULT_PROVIDER_MODULES = ['@kubeception/driver-kvm', '@kubeception/driver-aws'] as const;

/** Where the CLI writes. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const USAGE = `Usage: kubeception <command> [options]

Commands:
  crds [--summary]            print the Kubeception CRDs as multi-document YAML
  validate <file|dir>...      validate Cluster, CertificateAuthority and Certificate YAML

Options:
  --provider <module>         driver module exporting \`provider\` (repeatable;
                              default: ${DEFAULT_PROVIDER_MODULES.join(', ')} when installed)
  -h, --help                  show this help
`;

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { provider: { type: 'string', multiple: true }, summary: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const [command, ...rest] = parsed.positionals;
  if (parsed.values.help || command === undefined) {
    (command === undefined && !parsed.values.help ? io.err : io.out)(USAGE);
    return command === undefined && !parsed.values.help ? 2 : 0;
  }
  const providers = await loadProviders(parsed.values.provider, io);
  if (providers === undefined) return 2;
  switch (command) {
    case 'crds':
      return printCrds(providers, parsed.values.summary === true, io);
    case 'validate':
      return validateFiles(rest, providers, io);
    default:
      io.err(`unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

async function loadProviders(modules: readonly string[] | undefined, io: CliIo): Promise<ProviderDefinition[] | undefined> {
  const explicit = modules !== undefined;
  const providers: ProviderDefinition[] = [];
  for (const name of modules ?? DEFAULT_PROVIDER_MODULES) {
    try {
      const mod = (await import(name)) as { provider?: ProviderDefinition };
      if (mod.provider === undefined) throw new Error('it exports no `provider`');
      providers.push(mod.provider);
    } catch (error) {
      if (explicit) {
        io.err(`cannot load provider module ${name}: ${(error as Error).message}\n`);
        return undefined;
      }
    }
  }
  return providers;
}

function printCrds(providers: readonly ProviderDefinition[], summary: boolean, io: CliIo): number {
  const crds = kubeceptionCrds({ providers });
  if (!summary) {
    io.out(toYamlDocuments(crds));
    return 0;
  }
  const names = providers.map((p) => p.name).join(', ') || 'none (open provider map)';
  io.out(`Kubeception CRDs (providers: ${names}); print them in full with \`npx kubeception crds\`:\n`);
  for (const crd of crds) {
    const { names: n, versions } = crd.spec;
    const columns = versions[0]?.additionalPrinterColumns?.map((c) => c.name).join(', ') ?? '';
    io.out(`  ${crd.metadata.name.padEnd(40)} ${n.kind.padEnd(21)} short names: ${(n.shortNames ?? []).join(',').padEnd(6)} columns: ${columns}\n`);
  }
  return 0;
}

function validateFiles(paths: readonly string[], providers: readonly ProviderDefinition[], io: CliIo): number {
  if (paths.length === 0) {
    io.err('validate needs at least one file or directory\n');
    return 2;
  }
  let failures = 0;
  for (const file of paths.flatMap(expand)) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      if (doc.errors.length > 0) {
        io.err(`✗ ${file}: not YAML: ${doc.errors[0]?.message ?? ''}\n`);
        failures++;
        continue;
      }
      const object = doc.toJS() as { kind?: unknown; metadata?: { name?: unknown } } | null;
      const label = `${String(object?.kind)} ${String(object?.metadata?.name ?? '')}`.trim();
      validateAny(object, providers).match(
        () => io.out(`✓ ${file}: ${label} is valid\n`),
        (error) => {
          failures++;
          io.err(`✗ ${file}: ${label}\n${error.issues.map((i) => `    ${i.path}: ${i.message}`).join('\n')}\n`);
        },
      );
    }
  }
  return failures === 0 ? 0 : 1;
}

function validateAny(object: { kind?: unknown } | null, providers: readonly ProviderDefinition[]): Result<unknown, ValidationError> {
  switch (object?.kind) {
    case 'CertificateAuthority':
      return validateCertificateAuthority(object);
    case 'Certificate':
      return validateCertificate(object);
    default:
      return validateCluster(object, { providers });
  }
}

function expand(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(path, f));
}

const defaultIo: CliIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };
