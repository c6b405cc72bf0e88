/**
 * The behaviour every flannel {@link NetworkStore} must have, as vitest `describe` blocks: run it
 * once per implementation (memory, etcd) so they cannot drift apart.
 */
import { flannelEtcdPrefix, type FlannelNetworkConfig, type NetworkStore, type NetworkStoreError } from '@kubeception/driver-kvm';
import type { ResultAsync } from 'neverthrow';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/** Makes an empty store, isolated from every other store it made (e.g. its own etcd namespace). */
export type MakeNetworkStore = () => NetworkStore | Promise<NetworkStore>;

const config = (vni: number, network = `10.64.${vni}.0/24`): FlannelNetworkConfig => ({
  Network: network,
  SubnetLen: 28,
  Backend: { Type: 'vxlan', VNI: vni },
});
/** The Ok value of `call()`; throws (failing the test) with the store's error otherwise. */
const value = <T>(call: () => ResultAsync<T, NetworkStoreError>): Promise<T> =>
  call().match(
    (ok) => ok,
    (error) => {
      throw new Error(`expected success, got ${error.kind}: ${error.message}`);
    },
  );
/** The error of `call()`; throws (failing the test) when it succeeds. */
const failure = <T>(call: () => ResultAsync<T, NetworkStoreError>): Promise<NetworkStoreError> =>
  call().match(
    (ok) => {
      throw new Error(`expected an error, got ${JSON.stringify(ok)}`);
    },
    (error) => error,
  );
const lease = (prefix: string, subnet: string) => [`${prefix}/subnets/${subnet}`, JSON.stringify({ PublicIP: '192.0.2.10', BackendType: 'vxlan' })] as const;

const demo = flannelEtcdPrefix('demo');

/** The shared cases: each a title and what it does with a fresh store. */
const CASES: Readonly<Record<string, (store: NetworkStore) => Promise<void>>> = {
  'reads an absent config as undefined': async (store) => {
    expect(await value(() => store.getConfig(demo))).toBeUndefined();
    expect(await value(() => store.listConfigs())).toEqual(new Map());
  },
  'reads back what it wrote, as flanneld expects it at <prefix>/config': async (store) => {
    expect(await value(() => store.putConfig(demo, config(3)))).toEqual({ written: true });
    expect(await value(() => store.getConfig(demo))).toEqual(config(3));
    const raw = await value(() => store.raw.get(`${demo}/config`));
    expect(JSON.parse(raw?.value ?? 'null')).toEqual({ Network: '10.64.3.0/24', SubnetLen: 28, Backend: { Type: 'vxlan', VNI: 3 } });
  },
  'does not write a config that is already there (compared as JSON, not as text)': async (store) => {
    await value(() => store.putConfig(demo, config(3)));
    const before = await value(() => store.raw.get(`${demo}/config`));
    expect(await value(() => store.putConfig(demo, config(3)))).toEqual({ written: false });
    expect(await value(() => store.putConfig(`${demo}/`, config(3)))).toEqual({ written: false });
    expect((await value(() => store.raw.get(`${demo}/config`)))?.modRevision).toBe(before?.modRevision);

    await value(() => store.raw.put(`${demo}/config`, '{ "Backend": { "VNI": 3, "Type": "vxlan" }, "SubnetLen": 28, "Network": "10.64.3.0/24" }'));
    const reordered = await value(() => store.raw.get(`${demo}/config`));
    expect(await value(() => store.putConfig(demo, config(3)))).toEqual({ written: false });
    expect((await value(() => store.raw.get(`${demo}/config`)))?.modRevision).toBe(reordered?.modRevision);
  },
  'writes a changed config': async (store) => {
    await value(() => store.putConfig(demo, config(3)));
    expect(await value(() => store.putConfig(demo, config(4)))).toEqual({ written: true });
    expect(await value(() => store.getConfig(demo))).toEqual(config(4));
    expect(await value(() => store.putConfig(demo, { ...config(4), SubnetLen: 29 }))).toEqual({ written: true });
    expect((await value(() => store.getConfig(demo)))?.SubnetLen).toBe(29);
  },
  'deletes the config and the leases under the prefix, and nothing of a cluster whose name starts the same': async (store) => {
    const [a, ab] = ['/kubeception/a', '/kubeception/ab'];
    for (const [vni, prefix] of [a, ab].entries()) {
      await value(() => store.putConfig(prefix, config(vni + 1)));
      for (const [key, text] of [lease(prefix, '10.64.7.0-28'), lease(prefix, '10.64.7.16-28')]) await value(() => store.raw.put(key, text));
    }
    await value(() => store.raw.put('/kubeception/a-config', 'not mine'));

    expect(await value(() => store.deletePrefix(a))).toEqual({ deleted: 3 });
    expect(await value(() => store.raw.keys('/kubeception/'))).toEqual([
      '/kubeception/a-config',
      `${ab}/config`,
      `${ab}/subnets/10.64.7.0-28`,
      `${ab}/subnets/10.64.7.16-28`,
    ]);
    expect(await value(() => store.getConfig(a))).toBeUndefined();
    expect(await value(() => store.getConfig(ab))).toEqual(config(2));

    expect(await value(() => store.deletePrefix(a))).toEqual({ deleted: 0 });
    expect(await value(() => store.deletePrefix(`${ab}/`))).toEqual({ deleted: 3 });
    expect(await value(() => store.raw.keys('/kubeception/'))).toEqual(['/kubeception/a-config']);
  },
  'lists every prefix holding a config below a root, ignoring leases': async (store) => {
    const [one, two] = [flannelEtcdPrefix('one'), flannelEtcdPrefix('two')];
    await value(() => store.putConfig(one, config(1)));
    await value(() => store.putConfig(two, config(2)));
    await value(() => store.putConfig('/elsewhere/three/network', config(3)));
    for (const [key, text] of [lease(one, '10.64.1.0-28'), lease(two, '10.64.2.0-28')]) await value(() => store.raw.put(key, text));

    expect(await value(() => store.listConfigs())).toEqual(
      new Map([
        [one, config(1)],
        [two, config(2)],
      ]),
    );
    expect(await value(() => store.listConfigs('/elsewhere/'))).toEqual(new Map([['/elsewhere/three/network', config(3)]]));
    await value(() => store.deletePrefix(one));
    expect([...(await value(() => store.listConfigs())).keys()]).toEqual([two]);
  },
  'reports a stored value that is not a flannel config as Corrupt, and repairs it on put': async (store) => {
    for (const text of [
      'not json',
      '{"Network":"10.64.0.0/24"}',
      JSON.stringify({ ...config(1), Backend: { Type: 'udp', VNI: 1 } }),
      JSON.stringify({ ...config(1), Network: '10.64.0.0/33' }),
    ]) {
      await value(() => store.raw.put(`${demo}/config`, text));
      const error = await failure(() => store.getConfig(demo));
      expect(error).toMatchObject({ kind: 'Corrupt', key: `${demo}/config` });
      expect((await failure(() => store.listConfigs())).kind).toBe('Corrupt');
    }
    expect(await value(() => store.putConfig(demo, config(1)))).toEqual({ written: true });
    expect(await value(() => store.getConfig(demo))).toEqual(config(1));
  },
  'writes exactly once when 20 identical puts race': async (store) => {
    const results = await Promise.all(Array.from({ length: 20 }, () => value(() => store.putConfig(demo, config(9)))));
    expect(results.filter((r) => r.written)).toHaveLength(1);
    expect(await value(() => store.getConfig(demo))).toEqual(config(9));
  },
};

/**
 * Defines `describe(name)` with the shared cases on a fresh store each: absent config, put/get,
 * idempotent put (no write: the key's revision is unchanged), changed put, prefix deletion that
 * spares a sibling sharing the name's start (`/kubeception/a/` vs `/kubeception/ab/`), listing,
 * corrupt values, and 20 concurrent identical puts writing exactly once.
 */
export function networkStoreSuite(name: string, makeStore: MakeNetworkStore): void {
  describe(name, () => {
    let store: NetworkStore;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
    });
    for (const [title, run] of Object.entries(CASES)) it(title, () => run(store));
  });
}
