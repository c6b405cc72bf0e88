/**
 * Prints the conformance suite's counts at the end of a run: for each server, the cases run, passed
 * as they are, passed under a version rule (by rule), failed and skipped.
 */
import type { Reporter, TestModule } from 'vitest/node';

/** The summary lines for the conformance projects of a run (none when none ran). */
export function conformanceSummary(modules: readonly TestModule[]): string[] {
  const byServer = new Map<string, { cases: number; passed: number; underRules: number; failed: number; skipped: number; rules: Map<string, number> }>();
  for (const module of modules) {
    const project = module.project.name;
    if (!project.startsWith('conformance:')) continue;
    const server = project.slice('conformance:'.length);
    const counts = byServer.get(server) ?? { cases: 0, passed: 0, underRules: 0, failed: 0, skipped: 0, rules: new Map<string, number>() };
    byServer.set(server, counts);
    for (const test of module.children.allTests()) {
      counts.cases += 1;
      const state = test.result().state;
      if (state === 'passed') counts.passed += 1;
      else if (state === 'failed') counts.failed += 1;
      else counts.skipped += 1;
      const rules = test.meta().versionRules ?? [];
      if (state !== 'passed' || rules.length === 0) continue;
      counts.underRules += 1;
      for (const rule of rules) counts.rules.set(rule, (counts.rules.get(rule) ?? 0) + 1);
    }
  }
  return [...byServer].map(([server, c]) => {
    const rules = [...c.rules].map(([rule, n]) => `${rule} ${n}`).join(', ');
    return (
      `conformance on ${server}: ${c.cases} cases, ${c.passed - c.underRules} passed as they are, ${c.underRules} under a version rule` +
      `${rules ? ` (${rules})` : ''}, ${c.failed} failed, ${c.skipped} skipped`
    );
  });
}

/** The reporter (added beside the default one in the root vitest.config.ts). */
export default class ConformanceReporter implements Reporter {
  onTestRunEnd(modules: readonly TestModule[]): void {
    for (const line of conformanceSummary(modules)) console.log(line);
  }
}
