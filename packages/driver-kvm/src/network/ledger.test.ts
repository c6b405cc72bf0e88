import { describe, expect, it } from 'vitest';
import { ledgerKey, parseLedger } from './ledger.js';

const entry = (owner: string, network: string, vni: number) => [ledgerKey(owner), JSON.stringify({ network, vni, cluster: owner })] as const;

describe('parseLedger', () => {
  it('reads every entry, and a legacy `<namespace>.<name>` key', () => {
    const data = Object.fromEntries([entry('ns/a', '10.64.0.0/24', 1), ['ns.b', JSON.stringify({ network: '10.64.1.0/24', vni: 2 })]]);
    expect(parseLedger({ data })._unsafeUnwrap()).toEqual([
      { owner: 'ns/a', network: '10.64.0.0/24', vni: 1 },
      { owner: 'ns/b', network: '10.64.1.0/24', vni: 2 },
    ]);
    expect(parseLedger(undefined)._unsafeUnwrap()).toEqual([]);
  });

  it('refuses a ledger with an entry under another cluster ID, or a second entry of one cluster', () => {
    const [key, value] = entry('ns/a', '10.64.0.0/24', 1);
    expect(parseLedger({ data: { 'not-its-id': value } })._unsafeUnwrapErr()).toMatchObject({ kind: 'CorruptLedger', key: 'not-its-id' });
    expect(parseLedger({ data: { [key]: value, 'ns.a': value } })._unsafeUnwrapErr()).toMatchObject({ kind: 'CorruptLedger', key: 'ns.a' });
  });

  it('reads a ledger once per (never mutated) data object: the same entries again, and a changed ledger anew', () => {
    const data = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => entry(`ns/c${i}`, `10.${64 + (i >> 8)}.${i & 255}.0/24`, i + 1)));
    const first = parseLedger({ data })._unsafeUnwrap();
    expect(first).toHaveLength(1000);
    expect(parseLedger({ data })._unsafeUnwrap()).toBe(first);
    const grown = { ...data, ...Object.fromEntries([entry('ns/new', '10.80.0.0/24', 5000)]) };
    expect(parseLedger({ data: grown })._unsafeUnwrap()).toHaveLength(1001);
  });
});
