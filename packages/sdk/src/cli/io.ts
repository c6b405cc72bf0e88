/** Where the CLI reads from and writes to; injectable so tests need not spawn processes. */
export interface CliIo {
  /** Input read for the path `-`. @default process.stdin */
  readonly stdin: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;
  /** Receives the command's output (CRDs, validation reports). @default writes to process.stdout */
  readonly stdout: (text: string) => void;
  /** Receives diagnostics: usage errors and inputs that could not be read. @default writes to process.stderr */
  readonly stderr: (text: string) => void;
  /** Directory that relative file paths and `--provider ./module.mjs` resolve against. @default process.cwd() */
  readonly cwd: string;
}

/** Fills the fields a caller left out with the process's own streams and directory. */
export function withDefaultIo(io: Partial<CliIo>): CliIo {
  return {
    // Lazy: touching process.stdin opens it, which only `-` needs.
    stdin: io.stdin ?? { [Symbol.asyncIterator]: () => process.stdin[Symbol.asyncIterator]() },
    stdout: io.stdout ?? ((text) => void process.stdout.write(text)),
    stderr: io.stderr ?? ((text) => void process.stderr.write(text)),
    cwd: io.cwd ?? process.cwd(),
  };
}

/** Reads all of `input` as UTF-8 text. */
export async function readAllText(input: CliIo['stdin']): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of input) text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}
