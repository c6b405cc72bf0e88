/** Requests, replies and routes inside the fake (internal). */
import { randomUUID } from 'node:crypto';
import type { TokenEntry } from './token-store.js';

/** What a request does, in Vault's ACL terms. */
export type Operation = 'read' | 'list' | 'create' | 'update' | 'delete' | 'patch';

/** A parsed request as handlers see it. */
export interface VaultRequest {
  /** HTTP method as sent. */
  readonly method: string;
  /** Path after `/v1/`, without query and trailing slash. */
  readonly path: string;
  readonly operation: Operation;
  readonly query: URLSearchParams;
  /** The JSON body (an empty object when none), merged with query parameters on reads. */
  readonly body: Readonly<Record<string, unknown>>;
  readonly headers: Headers;
  /** The calling token (undefined on unauthenticated paths). */
  readonly token: TokenEntry | undefined;
}

/** A handler's answer: JSON body, or raw bytes/text with a content type. */
export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly raw?: { readonly contentType: string; readonly data: string | Uint8Array };
  readonly headers?: Readonly<Record<string, string>>;
}

/** A route handler; `params` are the pattern's capture groups. */
export type Handler = (req: VaultRequest, params: readonly string[]) => Reply | Promise<Reply>;

/** One path of the API, relative to its backend (`sys/...`, `auth/token/...` or inside a mount). */
export interface Route {
  readonly pattern: RegExp;
  /** No token needed (Vault's `PathsSpecial.Unauthenticated`). */
  readonly unauthenticated?: boolean;
  /** Needs `sudo` on top of the operation's capability. */
  readonly sudo?: boolean;
  /** Existence check: writes to something that exists need `update`, otherwise `create`. */
  readonly exists?: (params: readonly string[]) => boolean;
  readonly read?: Handler;
  readonly list?: Handler;
  readonly write?: Handler;
  readonly delete?: Handler;
}

/** Fields of Vault's response envelope. */
export interface Envelope {
  readonly data?: unknown;
  readonly auth?: unknown;
  readonly warnings?: readonly string[] | null;
  readonly lease_duration?: number;
  readonly renewable?: boolean;
  readonly mount_type?: string;
  readonly [key: string]: unknown;
}

/** Vault's response envelope around `data`/`auth`. */
export function envelope(fields: Envelope): Record<string, unknown> {
  return {
    request_id: randomUUID(),
    lease_id: '',
    renewable: false,
    lease_duration: 0,
    data: null,
    wrap_info: null,
    warnings: null,
    auth: null,
    mount_type: '',
    ...fields,
  };
}

/** 200 with the envelope. */
export function ok(fields: Envelope): Reply {
  const warnings = fields.warnings && fields.warnings.length > 0 ? fields.warnings : null;
  return { status: 200, body: envelope({ ...fields, warnings }) };
}

/** 204 No Content. */
export function noContent(): Reply {
  return { status: 204 };
}

/** A string field of a body, or a default. */
export function str(body: Readonly<Record<string, unknown>>, key: string, fallback = ''): string {
  const v = body[key];
  return v === undefined || v === null ? fallback : String(v);
}

/** A boolean field (Vault accepts `true`, `"true"`, `1`, `"1"`). */
export function bool(body: Readonly<Record<string, unknown>>, key: string, fallback: boolean): boolean {
  const v = body[key];
  if (v === undefined || v === null || v === '') return fallback;
  return v === true || v === 'true' || v === 1 || v === '1';
}

/** A list field given as an array or a comma-separated string. */
export function list(body: Readonly<Record<string, unknown>>, key: string): string[] | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  const items = Array.isArray(v) ? v.map(String) : String(v).split(',');
  return items.map((s) => s.trim()).filter((s) => s !== '');
}

/** An integer field. */
export function int(body: Readonly<Record<string, unknown>>, key: string, fallback: number): number {
  const v = body[key];
  if (v === undefined || v === null || v === '') return fallback;
  const n = Number(v);
  return Number.isFinite(n) ? Math.trunc(n) : fallback;
}
