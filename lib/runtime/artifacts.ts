import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { IConstruct } from 'constructs';
import { stringify } from 'yaml';
import { FALCO_RULES_FILE, runtimeRulesOf } from './construct';

/**
 * Writes `<outdir>/runtime/falco-rules.yaml` (load with `-r` or drop into /etc/falco/rules.d) and
 * `<outdir>/runtime/falco-values.yaml` (the same rules as the Falco Helm chart's `customRules`).
 * Call it after `app.synth()`, which empties the output directory. Returns the paths written.
 */
export function writeRuntimeArtifacts(scope: IConstruct, outdir: string): string[] {
  const rules = runtimeRulesOf(scope).filter((r) => r.falcoItems.length > 0);
  if (rules.length === 0) return [];
  const dir = join(outdir, 'runtime');
  mkdirSync(dir, { recursive: true });
  const text = rules.map((r) => r.falcoRulesYaml()).join('\n');
  const files: [string, string][] = [
    [join(dir, 'falco-rules.yaml'), text],
    [join(dir, 'falco-values.yaml'), stringify({ customRules: { [FALCO_RULES_FILE]: text } }, { lineWidth: 0 })],
  ];
  for (const [path, content] of files) writeFileSync(path, content);
  return files.map(([path]) => path);
}
