/** Claiming an existing PKI mount (pure): adopt, tune, leave alone, or refuse someone else's. */
import { describe, expect, it } from 'vitest';
import { mountTuning } from './mount.js';
import { ownerDescription } from './ownership.js';

const owner = { namespace: 'team-a', name: 'demo', uid: 'uid-2' };
const path = 'pki-demo-abcdefghij';
const DAY = 86_400;

describe('mountTuning', () => {
  it('writes nothing to a mount that is the owner’s with the TTL asked for', () => {
    expect(
      mountTuning(path, { type: 'pki', description: ownerDescription(owner), config: { max_lease_ttl: DAY } }, owner, DAY)._unsafeUnwrap(),
    ).toBeUndefined();
  });

  it('tunes only the TTL of the owner’s mount when it differs', () => {
    expect(mountTuning(path, { type: 'pki', description: ownerDescription(owner), config: { max_lease_ttl: 3600 } }, owner, DAY)._unsafeUnwrap()).toEqual({
      max_lease_ttl: `${DAY}s`,
    });
  });

  it('adopts the mount of a former object of the same name (another uid): the owner is written to its description', () => {
    const former = ownerDescription({ ...owner, uid: 'uid-1' });
    expect(mountTuning(path, { type: 'pki', description: former, config: { max_lease_ttl: DAY } }, owner, DAY)._unsafeUnwrap()).toEqual({
      description: ownerDescription(owner),
    });
  });

  it('refuses someone else’s mount, a mount of no owner and a mount of another type as a Conflict naming the owner', () => {
    const other = mountTuning(
      path,
      { type: 'pki', description: ownerDescription({ namespace: 'team-b', name: 'demo', uid: 'uid-9' }) },
      owner,
      DAY,
    )._unsafeUnwrapErr();
    expect(other).toMatchObject({
      kind: 'Conflict',
      message: `Vault mount ${path} belongs to CertificateAuthority team-b/demo (uid uid-9); nothing was written to it`,
    });
    expect(mountTuning(path, { type: 'pki', description: 'hand-made' }, owner, DAY)._unsafeUnwrapErr().message).toContain(
      'something not managed by kubeception',
    );
    expect(mountTuning(path, { type: 'kv', description: ownerDescription(owner) }, owner, DAY)._unsafeUnwrapErr()).toMatchObject({ kind: 'Conflict' });
  });
});
