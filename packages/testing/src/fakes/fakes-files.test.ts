import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { FakesErrorKind } from './fakes-error.js';
import { renderEnvFile, shellQuote, writeFakesFiles } from './fakes-files.js';

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fakes-files-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const fakes = {
  kubeconfigYaml: 'apiVersion: v1\nkind: Config\n',
  environment: (kubeconfig: string) => ({ KUBECONFIG: kubeconfig, VAULT_ADDR: 'http://127.0.0.1:8200', VAULT_TOKEN: 'hvs.a-b_c' }),
};

describe('the env file', () => {
  it.each([
    ['http://127.0.0.1:8200/v1', 'http://127.0.0.1:8200/v1'],
    ['hvs.AbC-d_e', 'hvs.AbC-d_e'],
    ['', ''],
    ['/tmp/with space/kubeconfig', "'/tmp/with space/kubeconfig'"],
    ["it's $HOME", `'it'\\''s $HOME'`],
  ])('%j is written as %s', (value, written) => {
    expect(shellQuote(value)).toBe(written);
  });

  it('is one KEY=value line per variable, in order', () => {
    expect(renderEnvFile({ B: '1', A: 'two words' })).toBe("B=1\nA='two words'\n");
  });
});

describe('writeFakesFiles', () => {
  it('writes the kubeconfig and the env file naming it, owner-only, in a folder it makes', () => {
    const dir = join(tempDir(), 'a', 'b');
    const files = writeFakesFiles(dir, fakes)._unsafeUnwrap();
    expect(files).toEqual({ kubeconfig: join(dir, 'kubeconfig'), env: join(dir, 'env') });
    expect(readFileSync(files.kubeconfig, 'utf8')).toBe(fakes.kubeconfigYaml);
    expect(readFileSync(files.env, 'utf8')).toBe(`KUBECONFIG=${files.kubeconfig}\nVAULT_ADDR=http://127.0.0.1:8200\nVAULT_TOKEN=hvs.a-b_c\n`);
    for (const path of [files.kubeconfig, files.env]) expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('makes files that were there before owner-only too', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'env'), 'old', { mode: 0o644 });
    const files = writeFakesFiles(dir, fakes)._unsafeUnwrap();
    expect(statSync(files.env).mode & 0o777).toBe(0o600);
  });

  it('a folder it cannot make is a WriteFailed error naming it', () => {
    const file = join(tempDir(), 'file');
    writeFileSync(file, '');
    const error = writeFakesFiles(join(file, 'sub'), fakes)._unsafeUnwrapErr();
    expect(error).toMatchObject({ kind: FakesErrorKind.WriteFailed, path: join(file, 'sub') });
    expect(error.message).toMatch(/^could not create .*\/file\/sub: ENOTDIR/);
  });
});
