import { SecretValue, type PkiBackend, type PkiError, type TokenRequest } from '@kubeception/sdk';
import { errAsync, okAsync } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { nodeBootTokens } from './boot-tokens.js';

const cluster = { namespace: 'team-a', name: 'demo' };

/** A backend whose `issueToken` records what it is asked and answers `answer`. */
function backend(answer: PkiBackend['issueToken']): { pki: PkiBackend; asked: TokenRequest[] } {
  const asked: TokenRequest[] = [];
  const issueToken: PkiBackend['issueToken'] = (request) => {
    asked.push(request);
    return answer(request);
  };
  return { pki: { issueToken } as PkiBackend, asked };
}

describe('nodeBootTokens', () => {
  it("mints a wrapped token for the node's own roles and hands over the wrapping token", async () => {
    const { pki, asked } = backend(() => okAsync({ wrappingToken: new SecretValue('s.wrapping'), policies: ['p'], ttl: 600 }));
    const token = (await nodeBootTokens(pki)(cluster, { role: 'worker' }))._unsafeUnwrap();
    expect(token.reveal()).toBe('s.wrapping');
    expect(asked).toEqual([{ cluster, roles: ['worker', 'flanneld-etcd-client', 'calico-etcd-client'], ttl: '1h', wrapTTL: '10m' }]);
    await nodeBootTokens(pki, { ttl: '2h', wrapTTL: '5m' })(cluster, { role: 'master' });
    expect(asked[1]).toMatchObject({ roles: expect.arrayContaining(['api', 'etcd']), ttl: '2h', wrapTTL: '5m' });
    expect(asked[1]?.roles).not.toContain('admin');
  });

  it('refuses an unwrapped answer (a live token must not go into user data), and retries what Vault refused', async () => {
    const unwrapped = backend(() => okAsync({ token: new SecretValue('s.live'), policies: ['p'], ttl: 3600 }));
    expect((await nodeBootTokens(unwrapped.pki)(cluster, { role: 'worker' }))._unsafeUnwrapErr()).toMatchObject({ kind: 'Transient', message: /unwrapped/ });
    const sealed: PkiError = { kind: 'Sealed', message: 'Vault is sealed' };
    const refused = backend(() => errAsync(sealed));
    expect((await nodeBootTokens(refused.pki)(cluster, { role: 'worker' }))._unsafeUnwrapErr()).toEqual({
      kind: 'Transient',
      message: 'Vault is sealed',
      cause: sealed,
    });
  });
});
