import { ExitCode } from './exit-code.js';
import { formatInputError } from './input-error.js';
import type { DocumentReport, ValidationReport } from './validate.js';

/** Output formats of `--output`. */
export const OutputFormat = { Text: 'text', Json: 'json' } as const;

/** One of the {@link OutputFormat} values. */
export type OutputFormat = (typeof OutputFormat)[keyof typeof OutputFormat];

/** `file#2 (Cluster default/demo)`: which document a finding is about. */
export function documentLabel(doc: DocumentReport): string {
  const ref = doc.name === null ? null : doc.namespace === null ? doc.name : `${doc.namespace}/${doc.name}`;
  return `${doc.file}#${doc.index} (${[doc.kind ?? 'no kind', ref].filter((part) => part !== null).join(' ')})`;
}

/**
 * The report as text: `✓ label: valid` per valid document, `✗ label: path: message` per issue,
 * then a summary line.
 */
export function renderText(report: ValidationReport): string {
  const lines = report.documents.flatMap((doc) =>
    doc.valid ? [`✓ ${documentLabel(doc)}: valid`] : doc.errors.map((issue) => `✗ ${documentLabel(doc)}: ${issue.path}: ${issue.message}`),
  );
  const { files, documents, valid, invalid, inputErrors } = report.summary;
  const unread = inputErrors === 0 ? '' : `; ${inputErrors} input error${inputErrors === 1 ? '' : 's'} (see stderr)`;
  lines.push(`${plural(documents, 'document')} in ${plural(files, 'file')}: ${valid} valid, ${invalid} invalid${unread}`);
  return `${lines.join('\n')}\n`;
}

/** The report as one JSON document; input errors carry `null` for an unknown location. */
export function renderJson(report: ValidationReport): string {
  const inputErrors = report.inputErrors.map((e) => ({
    kind: e.kind,
    file: e.file,
    index: e.index ?? null,
    line: e.line ?? null,
    column: e.column ?? null,
    message: e.message,
  }));
  const documents = report.documents.map((d) => ({ ...d, errors: d.errors.map(({ path, message }) => ({ path, message })) }));
  return `${JSON.stringify({ documents, inputErrors, summary: report.summary }, null, 2)}\n`;
}

/** Input errors, one line each, for standard error. */
export function renderInputErrors(report: ValidationReport): string {
  return report.inputErrors.map((e) => `error: ${formatInputError(e)}\n`).join('');
}

/** 2 if anything could not be read, else 1 if any document is invalid, else 0. */
export function exitCodeOf(report: ValidationReport): ExitCode {
  if (report.summary.inputErrors > 0) return ExitCode.Usage;
  return report.summary.invalid > 0 ? ExitCode.Invalid : ExitCode.Ok;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
