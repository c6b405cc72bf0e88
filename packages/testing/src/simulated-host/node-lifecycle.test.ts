import { describe, expect, it } from 'vitest';
import { evictIn } from './node-lifecycle.js';
import type { Taint } from './objects.js';
import { storedPod, T0 } from './stored-fixtures.js';

const NOW = T0 + 100_000;
const since = (ms: number) => new Date(NOW - ms).toISOString();
const notReady = (addedAgo: number): Taint => ({ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute', timeAdded: since(addedAgo) });
const pod = (tolerations: { key: string; operator: string; effect: string; tolerationSeconds?: number }[] = []) => storedPod('p', { spec: { tolerations } });

describe('evictIn', () => {
  it('evicts at once for a NoExecute taint the pod does not tolerate', () => {
    expect(evictIn(pod(), [{ key: 'example.com/broken', effect: 'NoExecute' }], NOW, 300_000)).toBe(0);
  });

  it('gives pods without their own toleration of not-ready the default time, counted from the taint', () => {
    expect(evictIn(pod(), [notReady(100_000)], NOW, 300_000)).toBe(200_000);
    expect(evictIn(pod(), [notReady(400_000)], NOW, 300_000)).toBe(0);
  });

  it('uses the pod’s tolerationSeconds; a toleration without them never evicts; no taint, no eviction', () => {
    const tolerating = (seconds?: number) =>
      pod([{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', ...(seconds === undefined ? {} : { tolerationSeconds: seconds }) }]);
    expect(evictIn(tolerating(60), [notReady(10_000)], NOW, 300_000)).toBe(50_000);
    expect(evictIn(tolerating(), [notReady(10_000)], NOW, 300_000)).toBeUndefined();
    expect(evictIn(pod(), [], NOW, 300_000)).toBeUndefined();
  });

  it('takes the soonest of several taints', () => {
    const unreachable: Taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: since(250_000) };
    expect(evictIn(pod(), [notReady(100_000), unreachable], NOW, 300_000)).toBe(50_000);
  });
});
