import { describe, expect, it } from 'vitest';
import { settleWhen } from './settle.js';

describe('settleWhen', () => {
  it('resolves after three quiet polls with the same signature, starting over when it changes', async () => {
    const probes = [
      { quiet: true, signature: '1' },
      { quiet: true, signature: '1' },
      { quiet: true, signature: '2' },
      { quiet: false, signature: '2' },
    ];
    let polls = 0;
    await settleWhen('test', 5_000, () => probes[polls++] ?? { quiet: true, signature: '2' });
    expect(polls).toBe(7);
  });

  it('rejects once the time is up', async () => {
    await expect(settleWhen('the thing', 30, () => ({ quiet: false, signature: '' }))).rejects.toThrow('the thing did not settle in 30 ms');
  });
});
