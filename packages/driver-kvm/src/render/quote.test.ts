import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { controlCharacter, isLabelKey, isLabelValue, quoting } from './quote.js';
import { execArgv } from './systemd-model.test-support.js';

/** Runs `sh -c <script>` and returns what it printed; `sh -n` first, so a syntax error fails loudly. */
function sh(script: string, env: Record<string, string> = {}): string {
  const check = spawnSync('sh', ['-n', '-c', script], { encoding: 'utf8' });
  expect(check.status, `sh -n: ${check.stderr}`).toBe(0);
  const run = spawnSync('sh', ['-c', script], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env } });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
}

const NASTY = ["it's", 'say "hi"', '$(id)', '`id`', '%n%h%%', 'back\\slash', 'tail\\', 'two words', ';', '$HOME ${HOME}', '*', '~', '-n', '', 'a=b,c=d'];

describe('quoting', () => {
  it('refuses every control character, newline, CR and NUL included, with the field in the message', () => {
    for (const c of ['\n', '\r', '\0', '\t', '\x1b', '\x7f', '\u0085', '\u2028']) {
      expect(controlCharacter(`a${c}b`), JSON.stringify(c)).toBeDefined();
      const q = quoting();
      expect([q.systemdArg(`a${c}b`, 'f'), q.shell(`a${c}b`, 'f'), q.unitText(`a${c}b`, 'f'), q.text(`a${c}b`, 'f')]).toEqual(['', '', '', '']);
      const result = q.result('rendered');
      expect(result._unsafeUnwrapErr()).toMatchObject({ kind: 'Unrenderable', field: 'f' });
      expect(result._unsafeUnwrapErr().message).toMatch(/^f: contains the control character U\+/);
    }
    expect(controlCharacter('plain ütf-8 ✓')).toBeUndefined();
  });

  it.each(NASTY)('writes %j as one shell word that reads back as itself', (value) => {
    const q = quoting();
    const word = q.shell(value, 'f');
    expect(q.result(undefined).isOk()).toBe(true);
    expect(sh(`printf '%s' ${word}`)).toBe(value);
    expect(sh(`x=${word}; printf '%s' "$x"`)).toBe(value);
  });

  it.each(NASTY)('writes %j as one systemd command line word that reads back as itself', (value) => {
    const q = quoting();
    const word = q.systemdArg(value, 'f');
    expect(q.result(undefined).isOk()).toBe(true);
    expect(execArgv(`/bin/echo ${word} next`)).toEqual(['/bin/echo', value, 'next']);
  });

  it('quotes systemd words only when needed, with %% for specifiers and $$ for variables', () => {
    const q = quoting();
    expect(q.systemdArg('--flag=a/b:c,d', 'f')).toBe('--flag=a/b:c,d');
    expect(q.systemdArg('%n $X "q" \\', 'f')).toBe('"%%n $$X \\"q\\" \\\\"');
    expect(q.systemdArg(';', 'f')).toBe('\\;');
    expect(q.unitText('100% kube', 'f')).toBe('100%% kube');
  });

  it('refuses a setting that would continue its line, and names that are no label or DNS label', () => {
    const q = quoting();
    expect(q.unitText('ends\\', 'description')).toBe('');
    expect(q.result(0)._unsafeUnwrapErr().message).toMatch(/^description: ends with a backslash/);
    for (const [ok, bad] of [
      ['example.com/gpu', 'a=b'],
      ['tier', 'x,y'],
      ['kubeception.io/pool', 'Bad Prefix!/x'],
    ] as const) {
      expect(isLabelKey(ok), ok).toBe(true);
      expect(isLabelKey(bad), bad).toBe(false);
    }
    expect(isLabelValue('')).toBe(true);
    expect(isLabelValue('a.b_c-d')).toBe(true);
    expect(isLabelValue('a,b')).toBe(false);
    expect(isLabelValue('x'.repeat(64))).toBe(false);
    const names = quoting();
    expect(names.dnsLabel('demo-1', 'metadata.name')).toBe('demo-1');
    expect(names.dnsLabel('Demo', 'metadata.name')).toBe('');
    expect(names.result(0)._unsafeUnwrapErr().field).toBe('metadata.name');
  });
});
