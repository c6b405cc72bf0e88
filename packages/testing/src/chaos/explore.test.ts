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

it('runs a point again while a run makes fewer calls than k (timing-dependent call counts), up to `attempts` runs', async () => {
  let runs = 0;
  // Only the third run's first instance makes a fourth call (a DELETE that finds nothing, first): point 4 exists in some runs only.
  const flaky: OperatorFactory<FakeKube> = async (kube, context) => {
    if (context.index === 0) runs++;
    if (runs === 3 && context.index === 0) {
      const headers = { 'user-agent': context.userAgent };
      await fetch(`${configMaps(kube)}/absent`, { method: 'DELETE', headers });
    }
    return operator(kube, context);
  };
  expect(await exploreCrashPoints({ scenario, operator: flaky, only: 4, onFailure: 'report' })).toMatchObject({ explored: 1, unreached: [], failures: [] });
  expect(runs).toBe(3);
  runs = 0;
  expect(await exploreCrashPoints({ scenario, operator: flaky, only: 4, attempts: 1, onFailure: 'report' })).toMatchObject({ unreached: [4] });
  expect(runs).toBe(2);
});
