/** What the in-memory flannel store adds for tests; the shared behaviour is in tests/src/kvm/network-store-suite.ts. */
import { describe, expect, it } from 'vitest';
import { flannelEtcdPrefix, type FlannelNetworkConfig } from '../render/flannel.js';
import { createMemoryNetworkStore } from './memory-store.js';
import { parseFlannelConfig } from './store.js';

const config: FlannelNetworkConfig = { Network: '10.64.3.0/24', SubnetLen: 28, Backend: { Type: 'vxlan', VNI: 3 } };
const demo = flannelEtcdPrefix('demo');

describe('createMemoryNetworkStore', () => {
  it('starts with the initial keys and counts revisions like etcd', async () => {
    const store = createMemoryNetworkStore({ initial: { [`${demo}/subnets/10.64.3.0-28`]: '{}' } });
    expect(store.revision()).toBe(1);
    expect((await store.putConfig(demo, config))._unsafeUnwrap()).toEqual({ written: true });
    expect(store.revision()).toBe(2);
    expect((await store.putConfig(demo, config))._unsafeUnwrap()).toEqual({ written: false });
    expect(store.revision()).toBe(2);
    expect((await store.raw.get(`${demo}/config`))._unsafeUnwrap()).toEqual({ value: JSON.stringify(config), modRevision: 2 });
    expect((await store.deletePrefix(demo))._unsafeUnwrap()).toEqual({ deleted: 2 });
    expect(store.revision()).toBe(3);
    expect(store.entries()).toEqual(new Map());
  });

  it('fails every call with an injected fault until it is cleared', async () => {
    const store = createMemoryNetworkStore();
    store.setFault('Unavailable');
    expect((await store.putConfig(demo, config))._unsafeUnwrapErr().kind).toBe('Unavailable');
    expect((await store.raw.keys('/'))._unsafeUnwrapErr().kind).toBe('Unavailable');
    expect(store.entries().size).toBe(0);
    store.setFault(undefined);
    expect((await store.putConfig(demo, config))._unsafeUnwrap()).toEqual({ written: true });
  });

  it('fails with Failed after close', async () => {
    const store = createMemoryNetworkStore();
    await store.close();
    expect((await store.getConfig(demo))._unsafeUnwrapErr()).toMatchObject({ kind: 'Failed', message: 'memory network store: getConfig after close' });
  });
});

describe('parseFlannelConfig', () => {
  it('accepts a vxlan config and drops nothing it needs', () => {
    expect(parseFlannelConfig('k', JSON.stringify(config))._unsafeUnwrap()).toEqual(config);
  });

  it.each([
    ['not JSON', 'nope', 'is not JSON'],
    ['a bad CIDR', JSON.stringify({ ...config, Network: '10.64.3.0' }), 'Network'],
    ['another backend', JSON.stringify({ ...config, Backend: { Type: 'host-gw', VNI: 3 } }), 'Backend.Type'],
    ['a VNI beyond 24 bits', JSON.stringify({ ...config, Backend: { Type: 'vxlan', VNI: 2 ** 24 } }), 'Backend.VNI'],
    ['a fractional SubnetLen', JSON.stringify({ ...config, SubnetLen: 28.5 }), 'SubnetLen'],
  ])('reports %s as Corrupt, naming the key and the field', (_, text, mention) => {
    const error = parseFlannelConfig('/kubeception/demo/network/config', text)._unsafeUnwrapErr();
    expect(error).toMatchObject({ kind: 'Corrupt', key: '/kubeception/demo/network/config' });
    expect(error.message).toContain(mention);
  });
});
