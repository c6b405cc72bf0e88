/**
 * An operator's command line: the flags every deployed operator shares, named as
 * controller-runtime's scaffold names them (`--metrics-bind-address`,
 * `--health-probe-bind-address`, `--leader-elect`) plus `--log-level` / `$LOG_LEVEL`, and the
 * operator's own flags (with the environment variables they fall back to), parsed once into
 * values or a message for the user, with a `--help` text that lists every flag and variable.
 */
import { parseArgs } from 'node:util';
import { err, ok, Result } from 'neverthrow';
import { parseBindAddress, type ListenAddress } from './bind-address.js';

/** Levels of `--log-level`, pino's. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'silent'] as const;
/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** One flag of an operator's command line. */
export interface OperatorFlag {
  /** A boolean flag (`--x`, `--x=true`, `--x=false`) or one with a value (`--x v`, `--x=v`). */
  readonly type: 'boolean' | 'string';
  /** What it does, for `--help` (a `\n` starts another line). */
  readonly help: string;
  /** The value's name in `--help`. @default 'value' */
  readonly arg?: string;
  /** The environment variable a string flag falls back to. @default none */
  readonly env?: string;
  /** The default as `--help` shows it (whoever reads the value applies it). @default none shown */
  readonly default?: string;
}

/** An operator's own flags, by name (without `--`). */
export type OperatorFlags = Readonly<Record<string, OperatorFlag>>;

/** An operator's command line: its name, what it does, and its own flags beside the shared ones. */
export interface OperatorCommand<F extends OperatorFlags> {
  /** The command, as `Usage:` shows it. */
  readonly name: string;
  /** What it runs by default and how, for `--help`. */
  readonly description: string;
  /** Its own flags, by name (without `--`). */
  readonly flags: F;
  /** Environment variables read without a flag (a token that `ps` must not show), with their meaning. @default none */
  readonly environment?: Readonly<Record<string, string>>;
}

/** The values of an operator's own flags (a string flag's from its environment variable when the flag is absent). */
export type OperatorFlagValues<F extends OperatorFlags> = { readonly [K in keyof F]?: F[K]['type'] extends 'boolean' ? boolean : string };

/** The shared settings, named as {@link deployedManagerOptions} takes them: `deployedManagerOptions(name, settings)`. */
export interface OperatorSettings {
  /** `--log-level`, else `--verbose` (deprecated: `debug`), else `$LOG_LEVEL`, else `info`. */
  readonly logLevel: LogLevel;
  /** `--metrics-bind-address` (default `:8080`; `0`: not served). */
  readonly metrics: ListenAddress | false;
  /** `--health-probe-bind-address` (default `:8081`; `0`: not served). */
  readonly healthProbes: ListenAddress | false;
  /** `--leader-elect` (default true; `--leader-elect=false` reconciles at once, as a single replica may). */
  readonly leaderElection: boolean;
}

/** A run the command line asks for: the shared settings, the operator's own values, and the `--help` text. */
export interface OperatorRun<F extends OperatorFlags> {
  /** A run, not `--help`. */
  readonly kind: 'run';
  /** The shared flags' settings. */
  readonly settings: OperatorSettings;
  /** The operator's own flags' values. */
  readonly values: OperatorFlagValues<F>;
  /** The `--help` text, for a message that needs it. */
  readonly usage: string;
}

/** What the command line asks for: `--help`, or a run. */
export type OperatorArgs<F extends OperatorFlags> = { readonly kind: 'help'; readonly usage: string } | OperatorRun<F>;

/** A command line that cannot run: print `message` and `usage`, exit 2. */
export interface OperatorArgsError {
  /** The error's kind. */
  readonly kind: 'invalid-arguments';
  /** What is wrong, for the user. */
  readonly message: string;
  /** The `--help` text, printed after the message. */
  readonly usage: string;
}

/** The flags every operator has. */
export const SHARED_OPERATOR_FLAGS = {
  'log-level': { type: 'string', arg: 'level', env: 'LOG_LEVEL', default: 'info', help: `${LOG_LEVELS.join(', ')}: JSON lines on stderr` },
  'metrics-bind-address': { type: 'string', arg: 'address', default: ':8080', help: 'where /metrics listens: host:port, :port (every interface) or 0 (off)' },
  'health-probe-bind-address': { type: 'string', arg: 'address', default: ':8081', help: 'where /livez, /healthz and /readyz listen (0: off)' },
  'leader-elect': {
    type: 'boolean',
    default: 'true',
    help: 'lead on a Lease named after the operator before reconciling\n(replicas stand by); --leader-elect=false reconciles at once',
  },
  verbose: { type: 'boolean', help: 'deprecated: --log-level=debug' },
  help: { type: 'boolean', help: 'print this text and exit' },
} as const satisfies OperatorFlags;

/**
 * Parses `argv` (the environment fills what the flags leave out) into the shared settings and
 * the operator's own values, or a message for the user.
 *
 * @example
 * ```ts
 * const command = { name: 'my-operator', description: 'reconciles Widgets', flags: { once: { type: 'boolean', help: 'exit when done' } } } as const;
 * const code = await parseOperatorArgs(command, process.argv.slice(2)).match(
 *   async (args) => (args.kind === 'help' ? (console.log(args.usage), 0) : run(args.settings, args.values)),
 *   async (error) => (console.error(`${error.message}\n\n${error.usage}`), 2),
 * );
 * ```
 */
export function parseOperatorArgs<const F extends OperatorFlags>(
  command: OperatorCommand<F>,
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): Result<OperatorArgs<F>, OperatorArgsError> {
  const usage = operatorUsage(command);
  return parseFlags({ ...command.flags, ...SHARED_OPERATOR_FLAGS }, argv)
    .andThen((values) =>
      values.help === true
        ? ok({ kind: 'help' as const, usage })
        : settingsOf(values, env).map((settings) => ({ kind: 'run' as const, settings, values: ownValues(command.flags, values, env), usage })),
    )
    .mapErr((message) => ({ kind: 'invalid-arguments' as const, message, usage }));
}

/**
 * Runs an operator's command line: for `--help` prints the usage and resolves 0; for a command
 * line that cannot run prints the message and the usage and resolves 2; otherwise resolves to
 * what `run` resolves to (the exit code).
 *
 * @example
 * ```ts
 * process.exitCode = await runOperatorCommand(command, process.argv.slice(2), async ({ settings, values }) => start(settings, values));
 * ```
 */
export function runOperatorCommand<const F extends OperatorFlags>(
  command: OperatorCommand<F>,
  argv: readonly string[],
  run: (args: OperatorRun<F>) => Promise<number>,
  out: (line: string) => void = (line) => console.log(line),
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<number> {
  return parseOperatorArgs(command, argv, env).match(
    async (args) => (args.kind === 'help' ? (out(args.usage), 0) : run(args)),
    async (error) => (out(`${error.message}\n\n${error.usage}`), 2),
  );
}

type ParsedFlags = Readonly<Record<string, string | boolean | undefined>>;

/** The shared settings from the parsed flags and the environment, or what is wrong with them. */
function settingsOf(values: ParsedFlags, env: Readonly<Record<string, string | undefined>>): Result<OperatorSettings, string> {
  const level = String(values['log-level'] ?? (values.verbose === true ? 'debug' : (env.LOG_LEVEL ?? 'info')));
  if (!LOG_LEVELS.includes(level as LogLevel)) return err(`--log-level (or $LOG_LEVEL) must be one of ${LOG_LEVELS.join(', ')}, not ${JSON.stringify(level)}`);
  const address = (flag: 'metrics-bind-address' | 'health-probe-bind-address') =>
    parseBindAddress(String(values[flag] ?? SHARED_OPERATOR_FLAGS[flag].default)).mapErr((error) => `--${flag}: ${error.message}`);
  return Result.combine([address('metrics-bind-address'), address('health-probe-bind-address')]).map(([metrics, healthProbes]) => ({
    logLevel: level as LogLevel,
    metrics,
    healthProbes,
    leaderElection: values['leader-elect'] !== false,
  }));
}

/** The operator's own flags' values, a string flag's from its environment variable when the flag is absent. */
function ownValues<F extends OperatorFlags>(flags: F, values: ParsedFlags, env: Readonly<Record<string, string | undefined>>): OperatorFlagValues<F> {
  return Object.fromEntries(
    Object.entries(flags).flatMap(([name, flag]) => {
      const value = values[name] ?? (flag.type === 'string' && flag.env ? env[flag.env] : undefined);
      return value === undefined ? [] : [[name, value]];
    }),
  ) as OperatorFlagValues<F>;
}

/**
 * `node:util`'s `parseArgs` (strict, no positionals) on `flags`, where a boolean flag also takes
 * `=true` and `=false` as Go's `flag` does (`--leader-elect=false`).
 */
function parseFlags(flags: OperatorFlags, argv: readonly string[]): Result<ParsedFlags, string> {
  const negated = new Set<string>();
  const args = argv.flatMap((arg) => {
    const [, name = '', value] = /^--([^=]+)=(true|false)$/.exec(arg) ?? [];
    if (flags[name]?.type !== 'boolean') return [arg];
    if (value === 'true') return [`--${name}`];
    negated.add(name);
    return [];
  });
  const options = Object.fromEntries(Object.entries(flags).map(([name, { type }]) => [name, name === 'help' ? { type, short: 'h' } : { type }]));
  try {
    const { values } = parseArgs({ args, options, strict: true, allowPositionals: false });
    return ok({ ...(values as Record<string, string | boolean | undefined>), ...Object.fromEntries([...negated].map((name) => [name, false])) });
  } catch (error) {
    return err((error as Error).message);
  }
}

/** The `--help` text of `command`: its description, then every flag (own, then shared) and environment variable. */
export function operatorUsage(command: OperatorCommand<OperatorFlags>): string {
  const flags: OperatorFlags = { ...command.flags, ...SHARED_OPERATOR_FLAGS };
  const rows = Object.entries(flags).map(([name, flag]): [string, string] => {
    const notes = [flag.env ? `$${flag.env}` : '', flag.default ? `default ${flag.default}` : ''].filter((n) => n !== '');
    return [`--${name}${flag.type === 'string' ? ` <${flag.arg ?? 'value'}>` : ''}`, `${flag.help}${notes.length ? ` [${notes.join('; ')}]` : ''}`];
  });
  const envRows = Object.entries(command.environment ?? {}).map(([name, meaning]): [string, string] => [`$${name}`, meaning]);
  const width = Math.max(...[...rows, ...envRows].map(([left]) => left.length)) + 2;
  const table = (entries: readonly (readonly [string, string])[]) =>
    entries.map(([left, right]) => `  ${left.padEnd(width)}${right.split('\n').join(`\n  ${' '.repeat(width)}`)}`).join('\n');
  return [
    `Usage: ${command.name} [flags]`,
    '',
    command.description.trimEnd(),
    '',
    'Flags:',
    table(rows),
    ...(envRows.length ? ['', 'Environment:', table(envRows)] : []),
    '',
  ].join('\n');
}
