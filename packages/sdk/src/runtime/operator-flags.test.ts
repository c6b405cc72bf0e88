import { describe, expect, it } from 'vitest';
import { deployedManagerOptions } from './deployed.js';
import { operatorUsage, parseOperatorArgs, runOperatorCommand, SHARED_OPERATOR_FLAGS } from './operator-flags.js';

const COMMAND = {
  name: 'widget-operator',
  description: 'Reconciles Widgets.',
  flags: {
    once: { type: 'boolean', help: 'exit when done' },
    region: { type: 'string', arg: 'name', env: 'WIDGET_REGION', help: 'where the widgets are' },
  },
  environment: { WIDGET_TOKEN: 'the API token' },
} as const;

const run = (argv: readonly string[], env: Record<string, string> = {}) => parseOperatorArgs(COMMAND, argv, env)._unsafeUnwrap();
const DEFAULTS = { logLevel: 'info', metrics: { host: '0.0.0.0', port: 8080 }, healthProbes: { host: '0.0.0.0', port: 8081 }, leaderElection: true };

describe('parseOperatorArgs', () => {
  it.each([
    ['no flags: controller-runtime’s defaults, logs at info', [], {}, DEFAULTS],
    ['--log-level', ['--log-level', 'debug'], {}, { ...DEFAULTS, logLevel: 'debug' }],
    ['$LOG_LEVEL', [], { LOG_LEVEL: 'warn' }, { ...DEFAULTS, logLevel: 'warn' }],
    ['the flag over $LOG_LEVEL', ['--log-level=error'], { LOG_LEVEL: 'warn' }, { ...DEFAULTS, logLevel: 'error' }],
    ['--verbose (deprecated) is debug', ['--verbose'], { LOG_LEVEL: 'warn' }, { ...DEFAULTS, logLevel: 'debug' }],
    [
      'bind addresses',
      ['--metrics-bind-address=127.0.0.1:9090', '--health-probe-bind-address', ':9091'],
      {},
      { ...DEFAULTS, metrics: { host: '127.0.0.1', port: 9090 }, healthProbes: { host: '0.0.0.0', port: 9091 } },
    ],
    ['0 disables', ['--metrics-bind-address=0', '--health-probe-bind-address=0'], {}, { ...DEFAULTS, metrics: false, healthProbes: false }],
    ['--leader-elect=false', ['--leader-elect=false'], {}, { ...DEFAULTS, leaderElection: false }],
    ['--leader-elect=true', ['--leader-elect=true'], {}, DEFAULTS],
    ['--leader-elect', ['--leader-elect'], {}, DEFAULTS],
  ] as const)('%s', (_, argv, env, settings) => {
    expect(run(argv, env)).toMatchObject({ kind: 'run', settings });
  });

  it('reads the operator’s own flags, a string flag from its variable when absent', () => {
    expect(run(['--once'], { WIDGET_REGION: 'eu' })).toMatchObject({ values: { once: true, region: 'eu' } });
    expect(run(['--region', 'us'], { WIDGET_REGION: 'eu' })).toMatchObject({ values: { region: 'us' } });
    expect(run([])).toMatchObject({ values: {} });
  });

  it.each([
    [['--bogus'], /bogus/],
    [['positional'], /positional/],
    [['--log-level', 'loud'], /--log-level .* trace, debug, info, warn, error, silent, not "loud"/],
    [['--metrics-bind-address', '8080'], /--metrics-bind-address: "8080" is not a bind address/],
    [['--health-probe-bind-address=:x'], /--health-probe-bind-address/],
    [['--once=maybe'], /once/],
    [['--region'], /region/],
  ])('refuses %j', (argv, message) => {
    const error = parseOperatorArgs(COMMAND, argv, {})._unsafeUnwrapErr();
    expect(error).toMatchObject({ kind: 'invalid-arguments', message: expect.stringMatching(message) });
    expect(error.usage).toBe(operatorUsage(COMMAND));
  });

  it('answers --help and -h with the usage, which names every flag and variable', () => {
    expect(run(['--help'])).toEqual({ kind: 'help', usage: operatorUsage(COMMAND) });
    expect(run(['-h']).kind).toBe('help');
    const usage = operatorUsage(COMMAND);
    for (const flag of [...Object.keys(COMMAND.flags), ...Object.keys(SHARED_OPERATOR_FLAGS)]) expect(usage).toContain(`--${flag}`);
    for (const variable of ['$WIDGET_REGION', '$WIDGET_TOKEN', '$LOG_LEVEL', 'default :8081']) expect(usage).toContain(variable);
    expect(usage.split('\n')[0]).toBe('Usage: widget-operator [flags]');
  });

  it('hands deployedManagerOptions what it takes', () => {
    const { settings } = run(['--metrics-bind-address=0', '--leader-elect=false']) as Extract<ReturnType<typeof run>, { kind: 'run' }>;
    expect(deployedManagerOptions('widget-operator', { env: {}, ...settings })).toMatchObject({
      leaderElection: false,
      http: { port: false, probes: { port: 8081 } },
    });
  });
});

describe('runOperatorCommand', () => {
  const runWith = async (argv: readonly string[]) => {
    const printed: string[] = [];
    const runs: unknown[] = [];
    const code = await runOperatorCommand(
      COMMAND,
      argv,
      async (args) => (runs.push(args.values), 7),
      (line) => printed.push(line),
      {},
    );
    return { code, printed, runs };
  };

  it('--help prints the usage and exits 0 without running', async () => {
    expect(await runWith(['--help'])).toEqual({ code: 0, printed: [operatorUsage(COMMAND)], runs: [] });
  });

  it('a command line that cannot run prints the message and the usage and exits 2 without running', async () => {
    const { code, printed, runs } = await runWith(['--log-level=loud']);
    expect({ code, runs }).toEqual({ code: 2, runs: [] });
    expect(printed).toEqual([expect.stringMatching(/^--log-level \(or \$LOG_LEVEL\) must be one of [^]*\n\nUsage: widget-operator/)]);
  });

  it('otherwise runs with the parsed values and exits with what the run resolves to', async () => {
    expect(await runWith(['--once', '--region=eu'])).toEqual({ code: 7, printed: [], runs: [{ once: true, region: 'eu' }] });
  });
});
