import { describe, expect, it } from 'vitest';
import { Params, parseNetwork } from './params.js';

describe('parseNetwork', () => {
  it.each([
    ['10.0.0.0/16', { text: '10.0.0.0/16', first: 167_772_160, prefix: 16, size: 65_536 }],
    ['0.0.0.0/0', { text: '0.0.0.0/0', first: 0, prefix: 0, size: 2 ** 32 }],
    ['10.0.1.5/32', { text: '10.0.1.5/32', first: 167_772_421, prefix: 32, size: 1 }],
  ])('reads %s', (text, cidr) => {
    expect(parseNetwork(text)).toEqual(cidr);
  });

  it.each(['10.0.0.1/16', '0.0.0.0/99', 'nonsense', '10.1/16', '010.0.0.0/16', '10.0.0.0/016', '0x0a.0.0.0/8', '10.0.0.0'])('refuses %s', (text) => {
    expect(parseNetwork(text)).toBeUndefined();
  });
});

describe('Params.cidr', () => {
  const params = Params.parse('CidrBlock=10.0.0.0%2F16&DestinationCidrBlock=10.0.0.1%2F16');

  it('reads a CIDR parameter, and is undefined without it', () => {
    expect(params.cidr('CidrBlock')?.text).toBe('10.0.0.0/16');
    expect(params.cidr('Other')).toBeUndefined();
  });

  it("refuses a malformed one with EC2's wording, naming the parameter in camel case", () => {
    expect(() => params.cidr('DestinationCidrBlock')).toThrow(
      expect.objectContaining({
        code: 'InvalidParameterValue',
        message: 'Value (10.0.0.1/16) for parameter destinationCidrBlock is invalid. This is not a valid CIDR block.',
      }),
    );
  });
});
