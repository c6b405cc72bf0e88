/**
 * `kubeception-fakes`: {@link serveFakes} as a long-running process. It writes the kubeconfig and
 * the env file, prints one JSON line on stdout when ready, logs JSON (pino) on stderr, and stops
 * every fake and exits 0 on SIGTERM or SIGINT. The bin (`src/kubeception-fakes.ts`) only calls
 * {@link runFakesCli}.
 */
import { errAsync, ResultAsync } from 'neverthrow';
import { pino, type Logger } from 'pino';
import { FAKES_USAGE, parseFakesArgs, type FakesCommand } from './fakes-args.js';
import type { FakesError } from './fakes-error.js';
import { writeFakesFiles, type FakesFiles } from './fakes-files.js';
import type { RunningFakes } from './serve-fakes.js';

/** What the command reads and writes: the process's, or a test's. */
export interface FakesCliIo {
  /** Writes `text` to standard output. */
  readonly stdout: (text: string) => void;
  /** Writes `text` to standard error (the JSON log lines too). */
  readonly stderr: (text: string) => void;
  /** The environment (`LOG_LEVEL`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Resolves with the name of the signal that asks the fakes to stop. */
  readonly stopSignal: () => Promise<string>;
}

/** How long the fakes may take to stop after a signal before the process exits 1 anyway. */
const STOP_TIMEOUT_MS = 10_000;

/**
 * The process's I/O: a first SIGTERM or SIGINT resolves `stopSignal`; a second one, or stopping
 * for longer than 10 s, exits 1 at once.
 */
export function processIo(): FakesCliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    stopSignal: () =>
      new Promise((resolve) => {
        const stop = (signal: NodeJS.Signals) => {
          process.once('SIGTERM', () => process.exit(1));
          process.once('SIGINT', () => process.exit(1));
          setTimeout(() => process.exit(1), STOP_TIMEOUT_MS).unref();
          resolve(signal);
        };
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      }),
  };
}

/** Logs why the fakes could not start or write their files; the exit code 1. */
function failed(logger: Logger, error: FakesError): number {
  const { message, ...details } = error;
  logger.error({ ...details, ...('cause' in details ? { cause: String(details.cause) } : {}) }, message);
  return 1;
}

/** Announces the running fakes, waits for a stop signal and stops them; the exit code 0. */
async function untilSignal(fakes: RunningFakes, files: FakesFiles, io: FakesCliIo, logger: Logger): Promise<number> {
  io.stdout(`${JSON.stringify({ ready: true, ...fakes.urls, ...files })}\n`);
  logger.info({ ...fakes.urls, ...files, vms: fakes.vms !== undefined }, 'fakes ready');
  const signal = await io.stopSignal();
  logger.info({ signal }, 'stopping the fakes');
  await fakes.stop();
  logger.info('stopped');
  return 0;
}

/** Serves the fakes and writes their files, until a stop signal; the exit code. */
async function serve(command: Extract<FakesCommand, { mode: 'serve' }>, io: FakesCliIo, logger: Logger): Promise<number> {
  const onError = (component: string, key: string, error: unknown) =>
    logger.warn({ component, key, err: error }, 'a simulated component failed (it is retried)');
  // loaded only to serve: `--help` and usage errors answer without loading the fakes
  const { serveFakes } = await import('./serve-fakes.js');
  return serveFakes({ ...command.serve, onError })
    .andThen((fakes) =>
      writeFakesFiles(command.dir, fakes)
        .asyncMap(async (files) => ({ fakes, files }))
        .orElse((error) => ResultAsync.fromSafePromise(fakes.stop()).andThen(() => errAsync(error))),
    )
    .match(
      ({ fakes, files }) => untilSignal(fakes, files, io, logger),
      (error) => failed(logger, error),
    );
}

/**
 * Runs `kubeception-fakes` with `argv`; resolves to the exit code: 0 after a stop signal (or
 * `--help`), 1 when the fakes could not start, 2 on a usage error.
 */
export async function runFakesCli(argv: readonly string[], io: FakesCliIo = processIo()): Promise<number> {
  return parseFakesArgs(argv, io.env).match(
    (command) => {
      if (command.mode === 'help') return (io.stdout(FAKES_USAGE), 0);
      const logger = pino({ name: 'kubeception-fakes', level: command.logLevel }, { write: (line: string) => io.stderr(line) });
      return serve(command, io, logger);
    },
    (message) => (io.stderr(`kubeception-fakes: ${message}\n\n${FAKES_USAGE}`), 2),
  );
}
