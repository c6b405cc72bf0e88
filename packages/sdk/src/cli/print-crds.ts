import { kubeceptionCrds, toYamlDocuments } from '../crds.js';
import type { ProviderDefinition } from '../provider.js';
import { ExitCode } from './exit-code.js';
import type { CliIo } from './io.js';

/** Options of {@link printCrds}. */
export interface PrintCrdsOptions {
  /** Providers whose sub-specs the Cluster CRD includes. */
  readonly providers: readonly ProviderDefinition[];
  /**
   * `yaml`: multi-document YAML; `json`: one `v1` `List` of the CRDs (both fit
   * `kubectl apply -f -`); `summary`: one line per CRD, for people.
   */
  readonly format: 'yaml' | 'json' | 'summary';
  readonly io: CliIo;
}

/** `kubeception crds`: writes the Kubeception CRDs to `io.stdout`. */
export function printCrds(options: PrintCrdsOptions): ExitCode {
  const { providers, format, io } = options;
  const crds = kubeceptionCrds({ providers });
  if (format === 'yaml') {
    io.stdout(toYamlDocuments(crds));
  } else if (format === 'json') {
    io.stdout(`${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: crds }, null, 2)}\n`);
  } else {
    const names = providers.map((p) => p.name).join(', ') || 'none (open provider map)';
    io.stdout(`Kubeception CRDs (providers: ${names}); print them in full with \`npx kubeception crds\`:\n`);
    for (const crd of crds) {
      const { names: n, versions } = crd.spec;
      const columns = versions[0]?.additionalPrinterColumns?.map((c) => c.name).join(', ') ?? '';
      io.stdout(`  ${crd.metadata.name.padEnd(40)} ${n.kind.padEnd(21)} short names: ${(n.shortNames ?? []).join(',').padEnd(6)} columns: ${columns}\n`);
    }
  }
  return ExitCode.Ok;
}
