import { describe, expect, it } from 'vitest';
import { cidrFrom, cidrsOverlap, isIpAddress, parseCidr, type Cidr } from './cidr.js';

const net = (text: string) => parseCidr(text) as Cidr;

describe('parseCidr', () => {
  it('parses a network', () => expect(parseCidr('10.2.0.0/16')).toEqual({ text: '10.2.0.0/16', first: 0x0a020000, prefix: 16, size: 65_536 }));
  it('rejects host bits and suggests the network', () =>
    expect(parseCidr('10.2.3.4/16')).toBe('must be a network address: 10.2.3.4/16 has host bits set (did you mean 10.2.0.0/16?)'));
  it.each(['10.2.0.0', '10.2.0.0/33', '300.0.0.0/8', 'fd00::/8', 'x'])('rejects %j', (text) => expect(typeof parseCidr(text)).toBe('string'));
});

describe('cidrsOverlap', () => {
  it.each([
    ['10.0.0.0/8', '10.2.0.0/16', true],
    ['10.2.0.0/16', '10.3.0.0/16', false],
    ['172.31.0.0/16', '172.31.128.0/17', true],
    ['10.0.0.0/24', '10.0.1.0/24', false],
    ['0.0.0.0/0', '192.168.0.0/16', true],
  ])('%s and %s: %s', (a, b, overlap) => {
    expect(cidrsOverlap(net(a), net(b))).toBe(overlap);
    expect(cidrsOverlap(net(b), net(a))).toBe(overlap);
  });
});

describe('cidrFrom', () => {
  it('formats an aligned network and round-trips through parseCidr', () => {
    expect(cidrFrom(0x0a400300, 24)).toEqual(net('10.64.3.0/24'));
    expect(cidrFrom(0, 0).text).toBe('0.0.0.0/0');
    expect(cidrFrom(0xffffffff, 32).text).toBe('255.255.255.255/32');
  });
  it.each([
    [0x0a400301, 24],
    [0, 33],
    [-256, 24],
  ])('throws on the programmer error %d/%d', (first, prefix) => expect(() => cidrFrom(first, prefix)).toThrow(RangeError));
});

describe('isIpAddress', () => {
  it.each(['172.31.0.1', '::1', 'fd00::10'])('accepts %s', (ip) => expect(isIpAddress(ip)).toBe(true));
  it.each(['300.1.1.1', '10.1', '0x0a.0.0.1', 'localhost', ''])('rejects %j', (ip) => expect(isIpAddress(ip)).toBe(false));
});
