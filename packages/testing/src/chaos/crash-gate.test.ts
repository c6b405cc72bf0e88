import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeKube, type FakeKube } from '../fake-kube/server.js';
import { startFakeVault, type StartedFakeVault } from '../fake-vault/index.js';
import { CrashGate, type CrashEvent, INSTANCE_PREFIX } from './crash-gate.js';
import { CrashPointsError, formatCrashReport, type CrashReport } from './report.js';

const A = `${INSTANCE_PREFIX}0`;
const B = `${INSTANCE_PREFIX}1`;

describe('the crash gate on the fake API server', () => {
  let kube: FakeKube;
  beforeEach(async () => (kube = await startFakeKube()));
  afterEach(() => kube.stop());

  const send = async (userAgent: string, method: string, name: string) => {
    const path = method === 'POST' ? '' : `/${name}`;
    const res = await fetch(`${kube.url}/api/v1/namespaces/default/configmaps${path}`, {
      method,
      headers: { 'user-agent': userAgent, 'content-type': 'application/json' },
      ...(method === 'POST' ? { body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } }) } : {}),
    });
    return res.status;
  };

  it('serves the k-th mutating call of the live instance, then fails all of its requests; others pass; a new instance is live', async () => {
    const crashes: CrashEvent[] = [];
    const gate = new CrashGate(2, (e) => crashes.push(e));
    gate.attach({ kube });
    gate.startInstance(A);
    expect(await send(A, 'GET', 'a')).toBe(404); // reads do not count
    expect(await send(A, 'POST', 'a')).toBe(201);
    expect(await send(A, 'POST', 'b')).toBe(201); // the 2nd: served, then the crash
    expect(crashes.map((c) => [c.k, c.call, c.settled()])).toEqual([[2, 'create /api/v1/namespaces/default/configmaps', true]]);
    expect(await send(A, 'GET', 'a')).toBe(503);
    expect(await send('steps', 'POST', 'c')).toBe(201); // not an operator instance: never gated nor counted
    gate.startInstance(B);
    expect(await send(B, 'GET', 'a')).toBe(200);
    expect(await send(A, 'GET', 'a')).toBe(503); // the dead instance stays dead
    expect(gate.calls).toHaveLength(2);
    gate.detach({ kube });
    expect(await send(A, 'GET', 'a')).toBe(200);
  });
});

describe('the crash gate on the fake Vault', () => {
  let vault: StartedFakeVault;
  beforeEach(async () => (vault = await startFakeVault()));
  afterEach(() => vault.close());

  it('counts POST/PUT/DELETE as mutating, and fails every request after the k-th', async () => {
    const gate = new CrashGate(1, () => undefined);
    gate.attach({ vault });
    gate.startInstance(A);
    const call = (method: string, path: string) =>
      fetch(`${vault.url}/v1/${path}`, {
        method,
        headers: { 'x-vault-token': vault.rootToken },
        ...(method === 'POST' ? { body: JSON.stringify({ type: 'pki' }) } : {}),
      });
    expect((await call('GET', 'sys/mounts')).status).toBe(200);
    expect((await call('POST', 'sys/mounts/pki-a')).status).toBe(204);
    expect((await call('GET', 'sys/mounts')).status).toBe(503);
    expect(gate.calls).toEqual(['POST sys/mounts/pki-a']);
    expect(vault.state.mounts()).toEqual(['pki-a/']);
  });
});

describe('the report', () => {
  const report: CrashReport = {
    scenario: 'demo',
    points: 3,
    explored: 3,
    unreached: [],
    failures: [{ k: 2, call: 'create /api/v1/namespaces/default/configmaps', invariant: 'no duplicates', message: '2 bundles' }],
    ms: 12,
  };

  it('prints a summary and one line per failure; the error names the point that reproduces it', () => {
    expect(formatCrashReport(report)).toBe(
      `demo: 3/3 crash points explored, 1 failing, 0 unreached, 12 ms\n  k=2    after ${'create /api/v1/namespaces/default/configmaps'.padEnd(60)} no duplicates: 2 bundles`,
    );
    expect(new CrashPointsError(report).message).toContain("only: 2 }) on scenario 'demo'");
  });
});
