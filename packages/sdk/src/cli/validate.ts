import type { Result } from 'neverthrow';
import { validateCertificateAuthority } from '../models/certificate-authority.js';
import { validateCertificate } from '../models/certificate.js';
import { validateCluster } from '../models/cluster.js';
import type { ProviderDefinition } from '../provider.js';
import type { FieldIssue, ValidationError } from '../validation.js';
import { parseSource, type ParsedDocument } from './documents.js';
import type { InputError } from './input-error.js';
import { readSources } from './inputs.js';
import type { CliIo } from './io.js';

/** The validation result of one document; `index` is 1-based within `file`. */
export interface DocumentReport {
  readonly file: string;
  readonly index: number;
  readonly kind: string | null;
  readonly namespace: string | null;
  readonly name: string | null;
  readonly valid: boolean;
  readonly errors: readonly FieldIssue[];
}

/** Everything `kubeception validate` found, in input order. */
export interface ValidationReport {
  readonly documents: readonly DocumentReport[];
  /** Inputs (or documents) that could not be read; any makes the exit code 2. */
  readonly inputErrors: readonly InputError[];
  readonly summary: {
    readonly files: number;
    readonly documents: number;
    readonly valid: number;
    readonly invalid: number;
    readonly inputErrors: number;
  };
}

/** Options of {@link validateInputs}. */
export interface ValidateInputsOptions {
  /** Files, directories, or `-` for standard input. */
  readonly paths: readonly string[];
  /** Providers whose sub-specs a Cluster may use. */
  readonly providers: readonly ProviderDefinition[];
  readonly io: CliIo;
}

/** Reads every input and validates every document in it; never stops at the first problem. */
export async function validateInputs(options: ValidateInputsOptions): Promise<ValidationReport> {
  const documents: DocumentReport[] = [];
  const inputErrors: InputError[] = [];
  let files = 0;
  for (const path of options.paths) {
    const sources = await readSources(path, options.io).match(
      (read) => read,
      (error) => (inputErrors.push(error), []),
    );
    for (const source of sources) {
      files++;
      for (const parsed of parseSource(source)) {
        parsed.match(
          (doc) => documents.push(validateDocument(doc, options.providers)),
          (error) => inputErrors.push(error),
        );
      }
    }
  }
  const valid = documents.filter((d) => d.valid).length;
  return {
    documents,
    inputErrors,
    summary: { files, documents: documents.length, valid, invalid: documents.length - valid, inputErrors: inputErrors.length },
  };
}

function validateDocument(doc: ParsedDocument, providers: readonly ProviderDefinition[]): DocumentReport {
  const object = doc.object as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } } | null;
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  const result = validateAny(object, providers);
  return {
    file: doc.file,
    index: doc.index,
    kind: text(object?.kind),
    namespace: text(object?.metadata?.namespace),
    name: text(object?.metadata?.name),
    valid: result.isOk(),
    errors: result.isErr() ? result.error.issues : [],
  };
}

/** Objects of any kind but the two certificate kinds are checked as Clusters. */
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
