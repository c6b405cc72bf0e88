import { describe, expect, it } from 'vitest';
import { parseFakesArgs } from './fakes-args.js';

const serveDefaults = {
  mode: 'serve',
  dir: '.kubeception/fakes',
  logLevel: 'info',
  serve: { kubePort: 0, vaultPort: 0, ec2Port: 0, guestApiPort: 0, nodes: 4, crds: true, vms: true, flannelEtcd: false, operatorNamespace: 'kubeception' },
};

describe('parseFakesArgs', () => {
  it('defaults: free ports, 4 nodes, the CRDs and the VM simulator, no flannel etcd, info logs in .kubeception/fakes', () => {
    expect(parseFakesArgs([])._unsafeUnwrap()).toEqual(serveDefaults);
  });

  it('reads every option', () => {
    const argv = ['--dir', '/tmp/f', '--host', '127.0.0.1', '--kube-port', '6443', '--vault-port', '8200', '--ec2-port', '65535', '--guest-api-port', '8443'];
    argv.push('--nodes', '0', '--namespace', 'ops', '--no-crds', '--no-vms', '--flannel-etcd', '--log-level', 'debug');
    expect(parseFakesArgs(argv)._unsafeUnwrap()).toEqual({
      mode: 'serve',
      dir: '/tmp/f',
      logLevel: 'debug',
      serve: {
        kubePort: 6443,
        vaultPort: 8200,
        ec2Port: 65535,
        guestApiPort: 8443,
        nodes: 0,
        crds: false,
        vms: false,
        flannelEtcd: true,
        operatorNamespace: 'ops',
      },
    });
  });

  it('--help wins over everything else', () => {
    expect(parseFakesArgs(['--nodes', '2', '-h'])._unsafeUnwrap()).toEqual({ mode: 'help' });
    expect(parseFakesArgs(['--help'])._unsafeUnwrap()).toEqual({ mode: 'help' });
  });

  it('LOG_LEVEL stands in for --log-level, which wins over it', () => {
    expect(parseFakesArgs([], { LOG_LEVEL: 'warn' })._unsafeUnwrap()).toMatchObject({ logLevel: 'warn' });
    expect(parseFakesArgs(['--log-level', 'silent'], { LOG_LEVEL: 'warn' })._unsafeUnwrap()).toMatchObject({ logLevel: 'silent' });
  });

  it.each([
    [['--kube-port', '65536'], '--kube-port must be a whole number from 0 to 65535, not "65536"'],
    [['--vault-port=-1'], '--vault-port must be a whole number from 0 to 65535, not "-1"'],
    [['--ec2-port', '80.5'], '--ec2-port must be a whole number from 0 to 65535, not "80.5"'],
    [['--kube-port', ''], '--kube-port must be a whole number from 0 to 65535, not ""'],
    [['--guest-api-port', 'https'], '--guest-api-port must be a whole number from 0 to 65535, not "https"'],
    [['--nodes', 'many'], '--nodes must be a whole number from 0 to 1000, not "many"'],
    [['--log-level', 'verbose'], '--log-level must be one of fatal, error, warn, info, debug, trace, silent, not "verbose"'],
    [['--host', '0.0.0.0'], '--host 0.0.0.0: only 127.0.0.1 is supported for now (the fake servers listen on loopback only)'],
    [['--namespace', 'Ops'], '--namespace must be a namespace name (RFC 1123 label), not "Ops"'],
  ])('%j is refused: %s', (argv, message) => {
    expect(parseFakesArgs(argv)._unsafeUnwrapErr()).toBe(message);
  });

  it('refuses a bad LOG_LEVEL, unknown flags, positionals and missing values, with parseArgs’ message', () => {
    expect(parseFakesArgs([], { LOG_LEVEL: 'loud' })._unsafeUnwrapErr()).toMatch(/^--log-level must be one of .*, not "loud"$/);
    expect(parseFakesArgs(['--port', '1'])._unsafeUnwrapErr()).toMatch(/Unknown option '--port'/);
    expect(parseFakesArgs(['serve'])._unsafeUnwrapErr()).toMatch(/Unexpected argument 'serve'/);
    expect(parseFakesArgs(['--dir'])._unsafeUnwrapErr()).toMatch(/Option '--dir <value>' argument missing/);
  });
});
