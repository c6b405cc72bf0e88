/** Why an input could not be read; any of these makes the command exit with `ExitCode.Usage`. */
export const InputErrorKind = {
  /** The path does not exist. */
  NotFound: 'NotFound',
  /** The path exists but could not be read (permissions, not a directory, …). */
  Unreadable: 'Unreadable',
  /** A directory holds no `.yaml` or `.yml` file. */
  NoYamlFiles: 'NoYamlFiles',
  /** A document is not well-formed YAML. */
  NotYaml: 'NotYaml',
} as const;

/** One of the {@link InputErrorKind} values. */
export type InputErrorKind = (typeof InputErrorKind)[keyof typeof InputErrorKind];

/** An input that could not be read, located as precisely as known. */
export interface InputError {
  readonly kind: InputErrorKind;
  /** The path as the user wrote it (`-` is shown as `<stdin>`). */
  readonly file: string;
  /** 1-based number of the document in the file, for `NotYaml`. */
  readonly index?: number;
  /** 1-based line in the file, when the YAML parser reports one. */
  readonly line?: number;
  /** 1-based column in the file, when the YAML parser reports one. */
  readonly column?: number;
  /** One line, without the location. */
  readonly message: string;
}

/** The error as one line: `file#2: not YAML at line 4, column 1: …`. */
export function formatInputError(error: InputError): string {
  const where = error.index === undefined ? error.file : `${error.file}#${error.index}`;
  const at = error.line === undefined ? '' : ` at line ${error.line}${error.column === undefined ? '' : `, column ${error.column}`}`;
  return error.kind === InputErrorKind.NotYaml ? `${where}: not YAML${at}: ${error.message}` : `${where}: ${error.message}`;
}
