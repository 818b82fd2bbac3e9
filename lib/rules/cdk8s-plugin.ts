/**
 * The engine as a cdk8s validation plugin (cdk8s.yaml `validations`). cdk8s-cli loads the plain JS
 * shim in ./plugin, which registers tsx and requires this file.
 */
import { RunOptions, runRules } from './engine';
import { FailOn, isFailing } from './report/common';
import { KubeObject, SourcedObject } from './types';

/** The subset of cdk8s-cli's ValidationContext the plugin uses (cdk8s-cli/plugins types need node16 resolution). */
export interface PluginContext {
  readonly manifests: readonly string[];
  parseManifest(manifestPath: string): unknown[];
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

export interface PluginProperties extends Omit<RunOptions, 'now' | 'locators' | 'rules'> {
  /** @default 'error' */
  readonly failOn?: FailOn;
}

export class AgentBaselineValidation {
  constructor(private readonly properties: PluginProperties = {}) {}

  public async validate(ctx: PluginContext): Promise<void> {
    const objects: SourcedObject[] = ctx.manifests.flatMap((file) =>
      ctx
        .parseManifest(file)
        .flatMap((o) => (o && typeof o === 'object' ? [{ object: o as KubeObject, source: { file } }] : [])),
    );
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
