import { describe, expect, it } from 'vitest';
import { withLoopbackPorts } from './operator-process.js';

describe('withLoopbackPorts', () => {
  it.each([
    [
      'a Deployment’s args',
      ['--log-level=info', '--metrics-bind-address=:8080', '--health-probe-bind-address=:8081', '--leader-elect'],
      ['--log-level=info', '--leader-elect'],
    ],
    ['flags and values apart', ['--metrics-bind-address', ':8080', '--leader-elect=false', '--health-probe-bind-address', '0'], ['--leader-elect=false']],
    ['no bind flags', ['--leader-elect=false'], ['--leader-elect=false']],
  ])('%s: the bind addresses become the loopback ports, the other flags stay', (_, args, kept) => {
    expect(withLoopbackPorts(args, 1001, 1002)).toEqual([...kept, '--metrics-bind-address=127.0.0.1:1001', '--health-probe-bind-address=127.0.0.1:1002']);
  });
});
