import { describe, expect, it } from 'vitest';
import { failureLog } from './failure-log.js';

describe('failureLog', () => {
  it('keeps the latest 100 failures, as copies', () => {
    const log = failureLog();
    for (let i = 0; i < 101; i++) log.onError('kubelet', `default/p${i}`, i);
    const failures = log.failures();
    expect(failures).toHaveLength(100);
    expect(failures[0]).toEqual({ component: 'kubelet', key: 'default/p1', error: 1 });
    expect(log.failures()).not.toBe(failures);
  });

  it('hands failures to the given handler instead', () => {
    const seen: string[] = [];
    const log = failureLog((component, key) => seen.push(`${component} ${key}`));
    log.onError('scheduler', 'default/p', new Error('x'));
    expect(seen).toEqual(['scheduler default/p']);
    expect(log.failures()).toEqual([]);
  });
});
