import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isMainModule } from './main-module.js';

describe('isMainModule', () => {
  const dir = mkdtempSync(join(tmpdir(), 'main-module-'));
  const script = join(dir, 'main.js');
  writeFileSync(script, '');
  symlinkSync(script, join(dir, 'my-operator')); // what npm's bin link looks like
  const url = pathToFileURL(script).href;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is true for the script itself and for a bin link to it', () => {
    expect(isMainModule(url, script)).toBe(true);
    expect(isMainModule(url, join(dir, 'my-operator'))).toBe(true);
  });

  it('is false for another script, a missing one, none, or a URL that is not a file', () => {
    writeFileSync(join(dir, 'other.js'), '');
    expect(isMainModule(url, join(dir, 'other.js'))).toBe(false);
    expect(isMainModule(url, join(dir, 'missing.js'))).toBe(false);
    expect(isMainModule(url, undefined)).toBe(false);
    expect(isMainModule('data:text/javascript,', script)).toBe(false);
  });

  it('is false for a module of the same file name in another folder (what a suffix check took for a match)', () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'main-module-other-'));
    writeFileSync(join(elsewhere, 'main.js'), '');
    expect(isMainModule(url, join(elsewhere, 'main.js'))).toBe(false);
    rmSync(elsewhere, { recursive: true, force: true });
  });
});
