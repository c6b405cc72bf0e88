/** The kubectl matrix's summary: versions × commands with each outcome, printed once per server at the end of the file. */

/** How a command ended on a version: passed as it is, passed under version rules, failed, or not run. */
export type MatrixOutcome = 'pass' | `rule:${string}` | 'FAIL' | 'skip';

/** Outcomes recorded while the matrix runs. */
export class MatrixReport {
  readonly #cells = new Map<string, MatrixOutcome>();

  /** Records the outcome of `command` on kubectl 1.`minor`. */
  record(minor: number, command: string, outcome: MatrixOutcome): void {
    this.#cells.set(`${minor} ${command}`, outcome);
  }

  /** The table: one row per command, one column per version; then the counts. */
  render(server: string, minors: readonly number[], commands: readonly string[]): string {
    const width = Math.max(...commands.map((c) => c.length));
    const cell = (minor: number, command: string) => (this.#cells.get(`${minor} ${command}`) ?? 'skip').replace(/^rule:.*/, 'rule').padEnd(7);
    const header = `${'command'.padEnd(width)}  ${minors.map((m) => `1.${m}`.padEnd(7)).join('')}`;
    const lines = commands.map((c) => `${c.padEnd(width)}  ${minors.map((m) => cell(m, c)).join('')}`.trimEnd());
    const all = [...this.#cells.values()];
    const count = (test: (o: MatrixOutcome) => boolean) => all.filter(test).length;
    const totals =
      `${all.length} runs: ${count((o) => o === 'pass')} passed as they are, ${count((o) => o.startsWith('rule:'))} under a version rule, ` +
      `${count((o) => o === 'FAIL')} failed`;
    const rules = [...new Set(all.flatMap((o) => (o.startsWith('rule:') ? o.slice('rule:'.length).split('+') : [])))];
    const ruleLine = rules.length > 0 ? [`rule: passed under the version rule(s) ${rules.join(', ')}`] : [];
    return [`kubectl matrix on ${server} (kubectl ${minors.map((m) => `1.${m}`).join(', ')}):`, header.trimEnd(), ...lines, totals, ...ruleLine].join('\n');
  }
}
