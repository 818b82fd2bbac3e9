import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_PACKS, packNames, ruleCatalogue, ruleCatalogueMarkdown } from '../../lib/rules';

describe('the rule catalogue', () => {
  test('RULES.md is the generated catalogue (regenerate: agent-baseline rules > RULES.md)', () => {
    const committed = fs.readFileSync(path.join(__dirname, '../../RULES.md'), 'utf8');
    expect(committed).toBe(ruleCatalogueMarkdown());
  });

  test('every rule documents its fix; only availability and hygiene rules map to no control; IDs are unique', () => {
    const rules = ruleCatalogue().flatMap((p) => p.rules);
    expect(rules.length).toBeGreaterThan(50);
    for (const r of rules) expect(r.fix.length).toBeGreaterThan(10);
    // No framework in the report (PSS, NSA/CISA, CIS 5, OWASP LLM, SOC 2 CC6/CC7) honestly covers these.
    expect(rules.filter((r) => r.references.length === 0).map((r) => r.id)).toEqual([
      'HRD-Probes',
      'HRD-ProbePort',
      'HRD-DuplicateEnv',
      'HRD-Replicas',
      'HRD-PodDisruptionBudget',
      'HRD-PdbAllowsEviction',
      'HRD-Spread',
      'HRD-PriorityClass',
      'HRD-InstanceLabel',
    ]);
    const byPack = ruleCatalogue(DEFAULT_PACKS).flatMap((p) => p.rules.map((r) => r.id));
    expect(new Set(byPack).size).toBe(byPack.length);
  });

  test('an unknown pack is refused with the known ones', () => {
    expect(() => ruleCatalogue(['nope'])).toThrow(`unknown pack 'nope'; known packs: ${packNames().join(', ')}`);
  });
});
