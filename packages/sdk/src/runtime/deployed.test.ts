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
    expect(deployedManagerOptions('a', { env: {} }).leaderElection.namespace).toBe('kubeception');
    const options = deployedManagerOptions('a', { env: { POD_NAMESPACE: 'ops' }, namespace: 'mine', port: 9090 });
    expect([options.leaderElection.namespace, options.http.port]).toEqual(['mine', 9090]);
  });
});
