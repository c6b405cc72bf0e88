import { describe, expect, it } from 'vitest';
import { deployedManagerOptions } from './deployed.js';

describe('deployedManagerOptions', () => {
  it('leads on a Lease named after the operator in $POD_NAMESPACE, serves on :8080 and stops on signals', () => {
    const options = deployedManagerOptions('cert-operator', { env: { POD_NAMESPACE: 'ops', KUBECONFIG: undefined } });
    expect(options.leaderElection).toEqual({ name: 'cert-operator', namespace: 'ops' });
    expect(options.http).toEqual({ port: 8080, host: '0.0.0.0' });
    expect(options.handleSignals).toBe(true);
  });

  it('falls back to the kubeception namespace, and an explicit namespace or port wins', () => {
    expect(deployedManagerOptions('a', { env: {} }).leaderElection).toMatchObject({ namespace: 'kubeception' });
    const options = deployedManagerOptions('a', { env: { POD_NAMESPACE: 'ops' }, namespace: 'mine', port: 9090 });
    expect([options.leaderElection, options.http.port]).toEqual([{ name: 'a', namespace: 'mine' }, 9090]);
  });

  it.each([
    [
      'metrics and probes apart',
      { metrics: { host: '0.0.0.0', port: 8080 }, healthProbes: { host: '127.0.0.1', port: 8081 } },
      { port: 8080, host: '0.0.0.0', probes: { host: '127.0.0.1', port: 8081 } },
    ],
    [
      'no metrics, probes',
      { metrics: false, healthProbes: { host: '0.0.0.0', port: 8081 } },
      { port: false, host: '0.0.0.0', probes: { host: '0.0.0.0', port: 8081 } },
    ],
    ['metrics, no probes', { metrics: { host: '::', port: 9000 }, healthProbes: false }, { port: 9000, host: '::', probes: false }],
  ] as const)('takes bind addresses: %s', (_, addresses, http) => {
    expect(deployedManagerOptions('a', { env: {}, ...addresses }).http).toEqual(http);
  });

  it('reconciles at once with leaderElection: false', () => {
    expect(deployedManagerOptions('a', { env: {}, leaderElection: false }).leaderElection).toBe(false);
  });
});
