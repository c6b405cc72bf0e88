/**
 * A small XML writer for EC2 Query responses (internal). A value is written as: a primitive →
 * escaped text; an array → one `<item>` per element (EC2's `xxxSet` lists); an object → one child
 * element per key, in key order; `undefined`/`null` → omitted.
 */

/** A value the writer accepts. */
export type XmlValue = string | number | boolean | undefined | null | readonly XmlValue[] | XmlObject;

/** Elements by name, written in key order. */
export interface XmlObject {
  readonly [name: string]: XmlValue;
}

/** The namespace of every EC2 response body. */
export const EC2_NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';

const NEEDS_ESCAPE = /[&<>"']/;
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for an element body or attribute. */
export function escapeXml(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

function write(name: string, value: XmlValue, out: string[]): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    if (value.length === 0) {
      out.push(`<${name}/>`);
      return;
    }
    out.push(`<${name}>`);
    for (const item of value as readonly XmlValue[]) write('item', item, out);
    out.push(`</${name}>`);
    return;
  }
  if (typeof value === 'object') {
    out.push(`<${name}>`);
    for (const [key, child] of Object.entries(value as XmlObject)) write(key, child, out);
    out.push(`</${name}>`);
    return;
  }
  out.push(`<${name}>${escapeXml(String(value))}</${name}>`);
}

/** `<{action}Response xmlns=…><requestId>…</requestId>…</{action}Response>`. */
export function responseXml(action: string, requestId: string, body: XmlObject): string {
  const out: string[] = [`<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${EC2_NAMESPACE}">`];
  write('requestId', requestId, out);
  for (const [key, child] of Object.entries(body)) write(key, child, out);
  out.push(`</${action}Response>`);
  return out.join('');
}

/** EC2's error document: `<Response><Errors><Error><Code>…</Code><Message>…</Message></Error></Errors><RequestID>…`. */
export function errorXml(code: string, message: string, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error></Errors><RequestID>${escapeXml(requestId)}</RequestID></Response>`;
}
