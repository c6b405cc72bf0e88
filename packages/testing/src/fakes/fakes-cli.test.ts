import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { FAKES_USAGE } from './fakes-args.js';
import { runFakesCli, type FakesCliIo } from './fakes-cli.js';

/** An I/O that keeps what is written; no signal ever comes. */
function memoryIo() {
  const written = { stdout: '', stderr: '' };
  const io: FakesCliIo = {
    stdout: (text) => (written.stdout += text),
    stderr: (text) => (written.stderr += text),
    env: {},
    stopSignal: () => new Promise(() => undefined),
  };
  return { io, written };
}

describe('runFakesCli', () => {
  it('--help prints the usage on stdout and exits 0, serving nothing', async () => {
    const { io, written } = memoryIo();
    expect(await runFakesCli(['--help'], io)).toBe(0);
    expect(written).toEqual({ stdout: FAKES_USAGE, stderr: '' });
  });

  it('a usage error exits 2 with the message and the usage on stderr', async () => {
    const { io, written } = memoryIo();
    expect(await runFakesCli(['--kube-port', 'https'], io)).toBe(2);
    expect(written.stdout).toBe('');
    expect(written.stderr).toBe(`kubeception-fakes: --kube-port must be a whole number from 0 to 65535, not "https"\n\n${FAKES_USAGE}`);
  });

  it('files it cannot write: exit 1 with a WriteFailed log line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fakes-cli-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'file'), '');
    const { io, written } = memoryIo();
    expect(await runFakesCli(['--dir', join(dir, 'file', 'sub'), '--nodes', '0', '--no-vms'], io)).toBe(1);
    expect(written.stdout).toBe('');
    const log = JSON.parse(written.stderr.trim().split('\n').at(-1) ?? '') as Record<string, unknown>;
    expect(log).toMatchObject({ level: 50, kind: 'WriteFailed', path: join(dir, 'file', 'sub'), msg: expect.stringMatching(/^could not create .*: ENOTDIR/) });
  });
});
