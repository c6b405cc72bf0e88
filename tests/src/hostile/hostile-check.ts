/**
 * How the hostile suite checks a case's expectation (internal): the API server's answer for a
 * refusal (and nothing stored), the object's condition for a report, Ready for a fair request,
 * every write accepted for an ignored object.
 */
import { expect } from 'vitest';
import type { Condition } from '@kubeception/sdk';
import { until, type CaseContext, type ConditionedKind, type HostileCase, type Reported } from './hostile-support.js';

const PLURAL: Record<ConditionedKind, string> = { Cluster: 'clusters', CertificateAuthority: 'certificateauthorities', Certificate: 'certificates' };

type Conditioned = { metadata: { generation?: number }; status?: { phase?: string; observedGeneration?: number; conditions?: Condition[] } };

const conditionOf = (object: Conditioned | undefined, type: string) => object?.status?.conditions?.find((c) => c.type === type);

/** Whether a condition says what the report expects. */
function says(condition: Condition | undefined, e: Reported): boolean {
  return condition?.status === (e.status ?? 'False') && condition.reason === e.reason && condition.message.includes(e.message);
}

async function checkReported(e: Reported, ctx: CaseContext, timeoutMs: number): Promise<void> {
  const type = e.type ?? 'Ready';
  const read = (name: string) => ctx.tenant.get(e.kind, name) as Promise<Conditioned | undefined>;
  if (typeof e.name === 'string') {
    const name = e.name;
    const object = await until(
      () => read(name),
      (o) => says(conditionOf(o, type), e),
      timeoutMs,
    );
    expect(object, `${e.kind} ${name} exists`).toBeDefined();
    const condition = conditionOf(object, type);
    expect(condition, `${e.kind} ${name} condition ${type}`).toMatchObject({
      status: e.status ?? 'False',
      reason: e.reason,
      message: expect.stringContaining(e.message),
    });
    for (const text of e.notInMessage ?? []) expect(condition?.message, `the message of ${e.kind} ${name}`).not.toContain(text);
    if (e.kind === 'Cluster' && type === 'Ready' && e.reason !== 'Unschedulable') expect(object?.status?.phase, `the phase of Cluster ${name}`).toBe('Failed');
    return;
  }
  // a race: exactly one of the objects reports, the others are Ready
  const names = e.name;
  const settled = (os: (Conditioned | undefined)[]) => os.every((o) => conditionOf(o, type)?.status === 'True' || says(conditionOf(o, type), e));
  const objects = await until(() => Promise.all(names.map(read)), settled, timeoutMs);
  const reporting = names.filter((_, i) => says(conditionOf(objects[i], type), e));
  expect(reporting, `exactly one of ${names.join(', ')} reports ${e.reason}`).toHaveLength(1);
  expect(
    names.filter((_, i) => conditionOf(objects[i], type)?.status === 'True'),
    'the others are Ready',
  ).toHaveLength(names.length - 1);
}

/** Asserts a case's expectation (its outcome, then its `also`). */
export async function checkExpectation(c: HostileCase, ctx: CaseContext, timeoutMs: number): Promise<void> {
  const e = c.expect;
  const { tenant } = ctx;
  if (e.outcome === 'refused') {
    const last = tenant.last();
    expect(last, 'the case wrote something').toBeDefined();
    expect(last?.error, `${last?.what} was accepted`).toBeDefined();
    expect(last?.error?.code, last?.error?.message).toBe(e.code ?? 422);
    expect(last?.error?.message).toContain(e.path);
    if (e.message !== undefined) expect(last?.error?.message).toContain(e.message);
    if (last?.kind !== undefined && last.kind in PLURAL && last.name !== undefined && last.what.startsWith('create')) {
      expect(await tenant.get(last.kind as ConditionedKind, last.name), `${last.kind} ${last.name} was stored`).toBeUndefined();
    }
  } else {
    expect(
      tenant.attempts.filter((a) => a.error !== undefined),
      'the API server accepted every write of the case',
    ).toEqual([]);
    if (e.outcome === 'reported') await checkReported(e, ctx, timeoutMs);
    if (e.outcome === 'accepted') {
      const ready = (o: Conditioned | undefined) =>
        conditionOf(o, 'Ready')?.status === 'True' &&
        (e.kind !== 'Cluster' || (o?.status?.phase === 'Ready' && o.status.observedGeneration === o.metadata.generation));
      const object = await until(() => tenant.get(e.kind, e.name) as Promise<Conditioned | undefined>, ready, timeoutMs);
      expect(conditionOf(object, 'Ready'), `${e.kind} ${e.name} Ready`).toMatchObject({ status: 'True' });
      expect(ready(object), `${e.kind} ${e.name} Ready at its generation`).toBe(true);
    }
  }
  await c.also?.(ctx);
}
