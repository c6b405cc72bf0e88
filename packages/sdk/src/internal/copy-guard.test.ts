import { afterEach, describe, expect, it, vi } from 'vitest';
import { DUPLICATE_SDK_WARNING, registerSdkCopy } from './copy-guard.js';

const KEY = Symbol.for('@kubeception/sdk.copies');

describe('registerSdkCopy', () => {
  const saved = (globalThis as Record<symbol, unknown>)[KEY];
  afterEach(() => {
    (globalThis as Record<symbol, unknown>)[KEY] = saved;
    vi.restoreAllMocks();
  });

  it('warns once when a second copy loads, and not when the same file is evaluated again', () => {
    (globalThis as Record<symbol, unknown>)[KEY] = undefined;
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    registerSdkCopy('file:///a/node_modules/@kubeception/sdk/dist/chunk.js');
    registerSdkCopy('file:///a/node_modules/@kubeception/sdk/dist/chunk.js');
    expect(warn).not.toHaveBeenCalled();
    registerSdkCopy('file:///a/node_modules/@kubeception/sdk/dist/chunk.cjs');
    registerSdkCopy('file:///b/node_modules/@kubeception/sdk/dist/chunk.js');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[0]).toMatch(/two copies of @kubeception\/sdk .*chunk\.js and .*chunk\.cjs/);
    expect(warn.mock.calls[0]?.[1]).toEqual({ code: DUPLICATE_SDK_WARNING });
  });
});
