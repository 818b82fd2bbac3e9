/**
 * The engine as a cdk8s validation plugin (cdk8s.yaml `validations`). cdk8s-cli loads the plain JS
 * shim in ./plugin, which registers tsx and requires this file.
 */
import * as fs from 'fs';
import { InputError } from '../core/errors';
import { documentLocator, parseYamlStream } from '../core/manifest-yaml';
import { RunOptions, runRules } from './engine';
import { FailOn, isFailing } from './report/common';
import { KubeObject, SourcedObject } from './types';

/** The subset of cdk8s-cli's ValidationContext the plugin uses (cdk8s-cli/plugins types need node16 resolution). */
export interface PluginContext {
  /** Paths of the manifests cdk8s synthesized, one YAML stream each. */
  readonly manifests: readonly string[];
  /** cdk8s-cli's own parser; unused here, the plugin parses with the scan's YAML 1.1 loader instead. */
  parseManifest(manifestPath: string): unknown[];
  /** Where violations go; `submit` ends the check with success or failure. */
  readonly report: {
    addViolation(v: {
      ruleName: string;
      recommendation: string;
      fix: string;
      violatingResources: { resourceName: string; manifestPath: string; locations: string[] }[];
    }): void;
    submit(status: 'success' | 'failure', metadata?: Record<string, string>): void;
  };
}

/** The plugin's `properties` in cdk8s.yaml: the engine's run options, plus the failing threshold. */
export interface PluginProperties extends Omit<RunOptions, 'now' | 'locators' | 'rules'> {
  /** Which unsuppressed findings fail synth: errors, warnings and errors, or `never`. @default 'error' */
  readonly failOn?: FailOn;
}

/** The validation class cdk8s-cli instantiates with the plugin's properties and calls after synth. */
export class AgentBaselineValidation {
  constructor(private readonly properties: PluginProperties = {}) {}

  /** Runs the rules over every synthesized manifest and reports one violation per failing rule. */
  public async validate(ctx: PluginContext): Promise<void> {
    // The same YAML 1.1 loader as `agent-baseline scan`, so synth-time checks see what kubectl would send.
    const objects: SourcedObject[] = ctx.manifests.flatMap((file) => {
      const text = fs.readFileSync(file, 'utf8');
      const { documents, problems } = parseYamlStream(text);
      if (problems.length) throw new InputError(`${file}:${problems[0].line}: ${problems[0].message}`);
      return documents.flatMap((d) =>
        d.value && typeof d.value === 'object' && !Array.isArray(d.value)
          ? [{ object: d.value as KubeObject, source: { file, line: d.line, locate: documentLocator(() => text, d) } }]
          : [],
      );
    });
    const report = runRules(objects, this.properties);
    const failOn = this.properties.failOn ?? 'error';
    const byRule = new Map<string, { resourceName: string; manifestPath: string; locations: string[] }[]>();
    for (const r of report.results) {
      for (const f of r.findings.filter((x) => isFailing(x, failOn))) {
        const list = byRule.get(f.rule) ?? [];
        list.push({ resourceName: r.name, manifestPath: r.source?.file ?? '', locations: [f.path] });
        byRule.set(f.rule, list);
      }
    }
    for (const [rule, resources] of byRule) {
      const info = report.rules.find((x) => x.id === rule);
      ctx.report.addViolation({
        ruleName: rule,
        recommendation: info ? `${info.title}: ${info.description}` : rule,
        fix: info?.fix ?? 'See the finding.',
        violatingResources: resources,
      });
    }
    ctx.report.submit(byRule.size ? 'failure' : 'success', {
      packs: report.packs.join(','),
      pssVersion: report.pssVersion,
    });
  }
}
