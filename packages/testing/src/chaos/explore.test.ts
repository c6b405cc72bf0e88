import { expect, it } from 'vitest';
import { startFakeKube, type FakeKube } from '../fake-kube/server.js';
import { exploreCrashPoints } from './explore.js';
import type { CrashScenario, OperatorFactory } from './scenario.js';

const NAMES = ['a', 'b', 'c'];
const configMaps = (kube: FakeKube) => `${kube.url}/api/v1/namespaces/default/configmaps`;

/** An operator making ConfigMaps a, b, c, each unless it exists: idempotent, so every crash point converges. */
const operator: OperatorFactory<FakeKube> = (kube, { userAgent }) => {
  const headers = { 'user-agent': userAgent, 'content-type': 'application/json' };
  const run = (async () => {
    for (const name of NAMES) {
      if ((await fetch(`${configMaps(kube)}/${name}`, { headers })).status === 200) continue;
      const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } });
      if ((await fetch(configMaps(kube), { method: 'POST', headers, body })).status !== 201) return;
    }
  })();
  return { stop: () => run };
};

const scenario: CrashScenario<FakeKube> = {
  name: 'three-config-maps',
  setup: () => startFakeKube(),
  fakes: (kube) => ({ kube }),
  drive: (kube, converge) =>
    converge('a, b and c exist', async () => {
      const list = (await (await fetch(configMaps(kube))).json()) as { items: { metadata: { name: string } }[] };
      return list.items.length === NAMES.length ? undefined : `${list.items.length} ConfigMaps`;
    }),
  teardown: (kube) => kube.stop(),
};

it('records the mutating calls, explores each point (or `limit` of them, or `only` one)', async () => {
  expect(await exploreCrashPoints({ scenario, operator })).toMatchObject({
    scenario: 'three-config-maps',
    points: 3,
    explored: 3,
    unreached: [],
    failures: [],
  });
  expect(await exploreCrashPoints({ scenario, operator, limit: 2 })).toMatchObject({ points: 3, explored: 2 });
  expect(await exploreCrashPoints({ scenario, operator, where: (call, k) => call.startsWith('create ') && k > 1 })).toMatchObject({ points: 3, explored: 2 });
  expect(await exploreCrashPoints({ scenario, operator, only: 5, onFailure: 'report' })).toMatchObject({ explored: 1, unreached: [5], failures: [] });
});

it('reports the run without a crash as k=0 when the scenario does not converge even then', async () => {
  const report = await exploreCrashPoints({ scenario, operator: () => ({ stop: async () => undefined }), convergeMs: 50, onFailure: 'report' });
  expect(report).toMatchObject({ points: 0, explored: 0, failures: [{ k: 0, call: '(no crash)', invariant: 'a, b and c exist', message: '0 ConfigMaps' }] });
});
