/**
 * Expected values are worked out by hand from k8s.io/apimachinery/pkg/api/resource (quantity.go,
 * amount.go, suffix.go); where apimachinery's own tests pin a value, the case says so.
 */
import { describe, expect, it } from 'vitest';
import { canonicalQuantity, quantitiesEqual, QuantityError, quantityError } from './canonical-quantity.js';

describe('canonicalQuantity', () => {
  it.each([
    // CanonicalizeBytes, BinarySI: a whole value of at least 1024 in magnitude is printed by
    // AsCanonicalBase1024Bytes, which moves every factor of 1024 into the suffix.
    ['20480Mi', '20Gi'], // 20480 * 2^20 = 20 * 2^30
    ['1024Mi', '1Gi'], // apimachinery TestQuantityParseEmit
    ['2048Ki', '2Mi'],
    ['1536Mi', '1536Mi'], // 1536 is not a multiple of 1024
    ['512Ki', '512Ki'], // 2^19 = 512 * 1024
    ['1.5Gi', '1536Mi'], // a fraction takes the exact path: 1610612736 = 1536 * 2^20
    ['0.5Gi', '512Mi'],
    ['-1.5Gi', '-1536Mi'], // the sign does not change the factors
    ['1.5Ki', '1536'], // whole and >= 1024, but no factor of 1024: no suffix
    ['8Ei', '9223372036854775807'], // binary values are capped at 2^63-1 (apimachinery golden test)
    // CanonicalizeBytes, BinarySI: below 1024 in magnitude, or not whole, it is printed as DecimalSI
    // (AsCanonicalBytes: exponent floored to a multiple of 3).
    ['0.5Ki', '512'],
    ['-0.5Ki', '-512'],
    ['0.1Ki', '102400m'], // 102.4
    ['0.1Gi', '107374182400m'], // 107374182.4 is not whole
    ['0.000000000001Ki', '2n'], // 1.024n rounds up to 2n (apimachinery TestQuantityParseEmit)
    // ParseQuantity's fast path keeps a binary text as written when its mantissa is not divisible by 8.
    ['1Ki', '1Ki'],
    ['01Ki', '01Ki'],
    // AsCanonicalBytes, DecimalSI: trailing zeros move into the exponent, the exponent is floored to
    // a multiple of 3 and becomes the suffix.
    ['1000m', '1'],
    ['0.5', '500m'],
    ['1.5', '1500m'], // apimachinery golden test
    ['1000', '1k'],
    ['12000000', '12M'],
    ['0.001', '1m'], // a mantissa starting with 0 is never kept as written
    ['1.5k', '1500'], // 15e2 = 1500e0
    ['1000M', '1G'], // apimachinery TestQuantityParseEmit
    ['99999999999999999999', '99999999999999999999'], // decimal values are not capped
    ['1000E', '1e21'], // no suffix beyond E: exponent form (apimachinery golden test)
    // ParseQuantity's fast path keeps a decimal text as written when its exponent is a multiple of 3,
    // its digits do not end in 000 and do not start with 0.
    ['1500m', '1500m'],
    ['100M', '100M'],
    ['100E', '100E'],
    ['1.441', '1.441'], // three fraction digits: exponent -3 (apimachinery golden test)
    ['10.035M', '10.035M'], // 10035e3
    ['1.G', '1.G'],
    ['+1k', '+1k'],
    // Every non-zero value finer than a nano rounds up, away from zero, to a whole nano.
    ['0.0000000001', '1n'], // apimachinery golden test
    ['3.001n', '4n'], // apimachinery TestQuantityParse
    ['-0.0000000001', '-1n'],
    // DecimalExponent keeps its format; AsCanonicalBytes floors the exponent to a multiple of 3.
    ['1e3', '1e3'],
    ['1E3', '1E3'], // kept as written
    ['1e4', '10e3'],
    ['1.5e3', '1500'], // exponent 0: no suffix
    ['1000e-3', '1'],
    ['1e100', '10e99'], // apimachinery golden test
    ['0.5e-9', '1e-9'], // rounded up to a nano
    // Zero is 0 whatever its sign, suffix or leading zeros; Go's scanner reads `.` and a lone suffix as 0.
    ['0', '0'],
    ['-0', '0'],
    ['0Gi', '0'],
    ['000.000k', '0'],
    ['.', '0'],
    ['Ki', '0'],
    ['-1000', '-1k'],
  ])('%s is %s', (text, expected) => expect(canonicalQuantity(text)).toBe(expected));

  // SetDefaults_ResourceList: values of a ResourceList are first rounded up, away from zero, to a
  // whole milli (Quantity.RoundUp(-3)); a text already at milli precision or coarser stays as written.
  it.each([
    ['1.0001', '1001m', '1000100u'], // 10001e-4 = 1000100e-6
    ['0.1m', '1m', '100u'],
    ['1n', '1m', '1n'],
    ['-1.0001', '-1001m', '-1000100u'],
    ['1.000001', '1001m', '1.000001'], // without rounding: kept as written (apimachinery golden test)
    ['1.441', '1.441', '1.441'],
    ['20480Mi', '20Gi', '20Gi'],
  ])('%s in a ResourceList is %s (%s elsewhere)', (text, inList, alone) => {
    expect(canonicalQuantity(text, { resourceList: true })).toBe(inList);
    expect(canonicalQuantity(text)).toBe(alone);
  });

  it('is stable: the canonical text of a canonical text is itself', () => {
    for (const text of ['20480Mi', '0.1Gi', '1.5', '1e4', '0.000000000001Ki', '8Ei', '1000E', '-1.5Gi']) {
      const once = canonicalQuantity(text) as string;
      expect(canonicalQuantity(once)).toBe(once);
    }
  });
});

describe('quantityError', () => {
  it.each([
    ['', QuantityError.FormatWrong],
    ['lots', QuantityError.FormatWrong],
    ['1.2.3', QuantityError.FormatWrong],
    ['4 Gi', QuantityError.FormatWrong],
    [' 1', QuantityError.FormatWrong], // ParseQuantity does not trim: JSON decoding does
    ['4GB', QuantityError.FormatWrong], // B is not a suffix letter
    ['1ki', QuantityError.Suffix],
    ['4MM', QuantityError.Suffix],
    ['1e', QuantityError.Suffix],
    ['0.1mi', QuantityError.Suffix], // apimachinery TestQuantityParse (invalid)
    ['1e2147483648', QuantityError.Suffix], // beyond an int32 exponent
    ['.e-10', QuantityError.Numeric], // finer than a nano: the exact parser finds no digits
  ])('refuses %j: %s', (text, error) => {
    expect(quantityError(text)).toBe(error);
    expect(canonicalQuantity(text)).toBeUndefined();
  });

  it('accepts what kube-apiserver accepts', () => {
    expect(['1Gi', '+.5', '1.', '1E-3', '1e+3', '-9.5000000001Gi'].map(quantityError)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(canonicalQuantity('-9.5000000001Gi')).toBe('-10200547328107374183n'); // apimachinery golden test
  });
});

describe('quantitiesEqual', () => {
  it.each([
    ['1Gi', '1024Mi', true],
    ['0.5', '500m', true],
    ['1k', '1e3', true],
    ['1', '1.000', true],
    ['0', '-0Ki', true],
    ['0.5n', '1n', true], // both round up to 1n
    ['1Ki', '1k', false],
    ['1', '-1', false],
    ['1Gi', 'lots', false],
  ])('%s = %s is %s', (a, b, equal) => expect(quantitiesEqual(a, b)).toBe(equal));
});
