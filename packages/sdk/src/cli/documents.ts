import { err, ok, type Result } from 'neverthrow';
import { parseAllDocuments, type YAMLError } from 'yaml';
import { InputErrorKind, type InputError } from './input-error.js';
import type { Source } from './inputs.js';

/** One YAML document of a source, as plain data. */
export interface ParsedDocument {
  readonly file: string;
  /** 1-based position of the document in its file (the `n`th `---`-separated document). */
  readonly index: number;
  readonly object: unknown;
}

/**
 * Splits a source into its YAML documents, numbered from 1. Empty documents (a stray `---`,
 * only comments) keep their number but are left out. Each document that is not well-formed
 * YAML is one error; the others are still returned.
 */
export function parseSource(source: Source): Result<ParsedDocument, InputError>[] {
  return parseAllDocuments(source.text).flatMap((doc, i): Result<ParsedDocument, InputError>[] => {
    const index = i + 1;
    const [first] = doc.errors;
    if (first !== undefined) return [err(notYaml(source.file, index, first))];
    if (doc.contents === null) return [];
    try {
      return [ok({ file: source.file, index, object: doc.toJS() })];
    } catch (error) {
      // toJS throws on YAML that parses but cannot become data, such as an unresolved alias.
      return [err({ kind: InputErrorKind.NotYaml, file: source.file, index, message: (error as Error).message.split('\n')[0] ?? '' })];
    }
  });
}

function notYaml(file: string, index: number, error: YAMLError): InputError {
  // With prettyErrors (the default) the message ends in " at line L, column C:" and a code excerpt.
  const message = error.message.replace(/ at line \d+, column \d+:[\s\S]*$/, '').split('\n')[0] ?? '';
  const position = error.linePos?.[0];
  return { kind: InputErrorKind.NotYaml, file, index, message, ...(position && { line: position.line, column: position.col }) };
}
