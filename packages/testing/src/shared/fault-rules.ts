/**
 * Fault rules (internal): an ordered list of specs, each affecting the requests it applies to a
 * number of times (`times`) or by chance (`probability`), until used up or cancelled. The first
 * live rule that applies wins; taking it uses one of its times.
 */

/** A handle on one injected fault. */
export interface FaultHandle {
  /** Requests still to be affected (Infinity for unlimited rules). */
  readonly remaining: number;
  /** Removes the fault. */
  cancel(): void;
}

/** How often a rule applies; every rule spec may say it. */
export interface RuleLimits {
  /** How many matching requests are affected (the default depends on the kind of rule). */
  readonly times?: number;
  /** Chance (0–1) that a matching request is affected, drawn from the fake's random source. @default 1 */
  readonly probability?: number;
}

interface Rule<S> {
  readonly spec: S;
  remaining: number;
}

/** How many requests a failure rule affects: `times`, else once, or without end when it goes by `probability`. */
export function failureTimes(spec: RuleLimits): number {
  return spec.times ?? (spec.probability === undefined ? 1 : Infinity);
}

/**
 * Whether `actual` is `wanted` or one of the `wanted` list; an absent `wanted` wants anything.
 * `normalize` maps both sides first (e.g. to upper case).
 */
export function oneOf<V>(wanted: V | readonly V[] | undefined, actual: V, normalize: (v: V) => V = (v) => v): boolean {
  if (wanted === undefined) return true;
  const list = Array.isArray(wanted) ? (wanted as readonly V[]) : [wanted as V];
  const mine = normalize(actual);
  return list.some((w) => normalize(w) === mine);
}

/** The rules of one kind (failures, latencies...) for requests described by `T`; a spec may have {@link RuleLimits}. */
export class FaultRules<S extends object, T> {
  private rules: Rule<S>[] = [];

  /**
   * @param applies whether a rule's spec applies to a request
   * @param random the source of `probability` draws, drawn only for a live rule that applies
   */
  constructor(
    private readonly applies: (spec: S, target: T) => boolean,
    private readonly random: () => number = Math.random,
  ) {}

  /** Adds a rule affecting `times` requests (Infinity: until cancelled). */
  add(spec: S, times: number): FaultHandle {
    const rule: Rule<S> = { spec, remaining: times };
    this.rules.push(rule);
    return {
      get remaining() {
        return rule.remaining;
      },
      cancel: () => {
        rule.remaining = 0;
      },
    };
  }

  /** The first live rule that applies to `target` (and wins its `probability` draw), using one of its times. */
  take(target: T): S | undefined {
    for (const rule of this.rules) {
      if (rule.remaining <= 0 || !this.applies(rule.spec, target)) continue;
      const { probability } = rule.spec as RuleLimits;
      if (probability !== undefined && this.random() >= probability) continue;
      rule.remaining--;
      return rule.spec;
    }
    return undefined;
  }

  /** Every live rule that applies to `target`, using none of their times. */
  matching(target: T): S[] {
    return this.rules.filter((r) => r.remaining > 0 && this.applies(r.spec, target)).map((r) => r.spec);
  }

  /** Ends every rule (their handles read 0) and forgets them. */
  clear(): void {
    for (const rule of this.rules) rule.remaining = 0;
    this.rules = [];
  }
}
