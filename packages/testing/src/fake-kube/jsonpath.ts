/**
 * The JSONPath subset printer columns use: `.a.b`, `['a']`, `[0]`, `[*]` and filters such as
 * `[?(@.type=="Ready")]` with `==`/`!=` (internal).
 */
import { isObject } from './types.js';

type Step =
  { kind: 'field'; name: string } | { kind: 'index'; i: number } | { kind: 'all' } | { kind: 'filter'; path: string[]; op: '==' | '!='; value: unknown };

function parse(expr: string): Step[] {
  let s = expr.trim();
  if (s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1);
  if (s.startsWith('$')) s = s.slice(1);
  const steps: Step[] = [];
  let i = 0;
  while (i < s.length) {
    if (s[i] === '.') {
      const m = /^\.([A-Za-z0-9_\-/]+)/.exec(s.slice(i));
      if (!m) throw new Error(`unsupported JSONPath ${expr}`);
      steps.push({ kind: 'field', name: m[1] as string });
      i += m[0].length;
    } else if (s[i] === '[') {
      const end = s.indexOf(']', s[i + 1] === '?' ? s.indexOf(')', i) : i);
      const body = s.slice(i + 1, end).trim();
      i = end + 1;
      if (body === '*') steps.push({ kind: 'all' });
      else if (/^-?\d+$/.test(body)) steps.push({ kind: 'index', i: Number(body) });
      else if (/^'.*'$|^".*"$/.test(body)) steps.push({ kind: 'field', name: body.slice(1, -1) });
      else {
        const f = /^\?\(@((?:\.[A-Za-z0-9_\-/]+)+)\s*(==|!=)\s*(.+)\)$/.exec(body);
        if (!f) throw new Error(`unsupported JSONPath ${expr}`);
        const raw = (f[3] as string).trim();
        const value = /^'.*'$/.test(raw) ? raw.slice(1, -1) : (JSON.parse(raw) as unknown);
        steps.push({ kind: 'filter', path: (f[1] as string).slice(1).split('.'), op: f[2] as '==' | '!=', value });
      }
    } else throw new Error(`unsupported JSONPath ${expr}`);
  }
  return steps;
}

function dig(v: unknown, path: string[]): unknown {
  let cur = v;
  for (const p of path) cur = isObject(cur) ? cur[p] : undefined;
  return cur;
}

/** All values a JSONPath selects in `root`. */
export function jsonPath(expr: string, root: unknown): unknown[] {
  let current: unknown[] = [root];
  for (const step of parse(expr)) {
    const next: unknown[] = [];
    for (const v of current) {
      if (step.kind === 'field' && isObject(v) && v[step.name] !== undefined) next.push(v[step.name]);
      else if (step.kind === 'index' && Array.isArray(v)) {
        const item = v[step.i < 0 ? v.length + step.i : step.i];
        if (item !== undefined) next.push(item);
      } else if (step.kind === 'all') next.push(...(Array.isArray(v) ? v : isObject(v) ? Object.values(v) : []));
      else if (step.kind === 'filter' && Array.isArray(v)) {
        for (const item of v) {
          const got = dig(item, step.path);
          const eq = got !== undefined && String(got) === String(step.value);
          if (step.op === '==' ? eq : got !== undefined && !eq) next.push(item);
        }
      }
    }
    current = next;
  }
  return current;
}
