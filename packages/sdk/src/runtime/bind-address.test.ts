import { describe, expect, it } from 'vitest';
import { parseBindAddress } from './bind-address.js';

describe('parseBindAddress', () => {
  it.each([
    [':8080', { host: '0.0.0.0', port: 8080 }],
    ['127.0.0.1:0', { host: '127.0.0.1', port: 0 }],
    ['localhost:9443', { host: 'localhost', port: 9443 }],
    ['[::1]:8081', { host: '::1', port: 8081 }],
    ['0', false],
  ] as const)('%s', (address, expected) => {
    expect(parseBindAddress(address)._unsafeUnwrap()).toEqual(expected);
  });

  it.each(['8080', 'host', ':', ':http', ':65536', '::1:8080', ''])('refuses %j', (address) => {
    expect(parseBindAddress(address)._unsafeUnwrapErr()).toMatchObject({ kind: 'invalid-bind-address', message: expect.stringContaining('bind address') });
  });
});
