import { existsSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTempDir } from './temp-dir.js';

describe('createTempDir', () => {
  it('makes a fresh directory that remove() deletes with its contents, once', async () => {
    const dir = await createTempDir('kubeception-temp-dir-test-');
    expect(basename(dir.path)).toMatch(/^kubeception-temp-dir-test-.{6}$/);
    writeFileSync(join(dir.path, 'file'), 'x');
    await dir.remove();
    expect(existsSync(dir.path)).toBe(false);
    await expect(dir.remove()).resolves.toBeUndefined();
  });

  it('removes it when the process exits if nobody did, and forgets that hook on remove()', async () => {
    const before = process.listeners('exit');
    const dir = await createTempDir('kubeception-temp-dir-test-');
    const hooks = process.listeners('exit').filter((listener) => !before.includes(listener));
    expect(hooks).toHaveLength(1);
    (hooks[0] as () => void)();
    expect(existsSync(dir.path)).toBe(false);
    await dir.remove();
    expect(process.listeners('exit')).toEqual(before);
  });
});
