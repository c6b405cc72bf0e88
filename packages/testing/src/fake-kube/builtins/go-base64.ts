/**
 * `[]byte` fields (Secret `data`, ConfigMap `binaryData`) as kube-apiserver decodes them (internal):
 * Go's `base64.StdEncoding` (padding required, `\r` and `\n` skipped), failing with
 * `illegal base64 data at input byte N` where Go's decoder stops.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const isNewline = (c: string | undefined): boolean => c === '\n' || c === '\r';

/** Where the padding of a quantum ends (`si`: just after its first '='), or the offset Go reports. */
function afterPadding(src: string, si: number, j: number): { si: number } | { bad: number } {
  let i = si;
  if (j === 0 || j === 1) return { bad: i - 1 };
  if (j === 2) {
    while (isNewline(src[i])) i++;
    if (i === src.length) return { bad: src.length };
    if (src[i] !== '=') return { bad: i - 1 };
    i++;
  }
  while (isNewline(src[i])) i++;
  return i < src.length ? { bad: i } : { si: i };
}

/** Go's `decodeQuantum`: the next position, whether input ended, or the offset of a corrupt byte. */
function quantum(src: string, start: number): { next: number; done: boolean } | { bad: number } {
  let si = start;
  for (let j = 0; j < 4; j++) {
    if (si === src.length) return j === 0 ? { next: si, done: true } : { bad: si - j };
    const c = src[si++] as string;
    if (ALPHABET.includes(c)) continue;
    if (isNewline(c)) {
      j--;
      continue;
    }
    if (c !== '=') return { bad: si - 1 };
    const end = afterPadding(src, si, j);
    return 'bad' in end ? end : { next: end.si, done: true };
  }
  return { next: si, done: false };
}

/** The `illegal base64 data at input byte N` message for `text` (UTF-8 byte offsets), or undefined when Go decodes it. */
export function base64Error(text: string): string | undefined {
  const src = Buffer.from(text, 'utf8').toString('latin1');
  let si = 0;
  for (;;) {
    const q = quantum(src, si);
    if ('bad' in q) return `illegal base64 data at input byte ${q.bad}`;
    if (q.done) return undefined;
    si = q.next;
  }
}
