/** SARIF 2.1.0 for GitHub code scanning: rules with help, one result per finding at file and line. */
import { ObjectResult, Problem, Report, RuleInfo, Severity } from '../types';
import { joined, jsonParts } from './chunked';
import { fingerprints, objectLabel, statusOf } from './common';
import { lastOf } from './fingerprint';

const LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'note' };
const SECURITY_SEVERITY: Record<Severity, string> = { error: '8.0', warning: '5.0', info: '2.0' };

/** Options of {@link toSarif}. */
export interface SarifOptions {
  /** Version written as the tool driver's version. @default '0.0.0' */
  readonly toolVersion?: string;
  /**
   * Turns a file path into the URI GitHub expects (relative to the repository root). Asked once per
   * run of consecutive problems from one file, so it must depend on its argument only.
   * @default the path unchanged
   */
  readonly uri?: (file: string) => string;
}

function ruleDescriptor(rule: RuleInfo) {
  const refs = rule.references.map((r) => `${r.framework} ${r.control}${r.title ? ` (${r.title})` : ''}`);
  const markdown = [
    `**${rule.title}**`,
    '',
    rule.description,
    '',
    `**Fix:** ${rule.fix}`,
    ...(refs.length ? ['', '**Controls:** ' + refs.join('; ')] : []),
    ...(rule.scanners.length ? ['', '**Same check in other scanners:** ' + rule.scanners.join(', ')] : []),
    '',
    `Applies to: ${rule.kinds.join(', ')}`,
  ].join('\n');
  return {
    id: rule.id,
    name: rule.id.replace(/[^A-Za-z0-9]/g, ''),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.description },
    help: { text: `${rule.description}\nFix: ${rule.fix}`, markdown },
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: {
      tags: ['security', 'kubernetes', rule.pack],
      precision: 'high',
      'security-severity': SECURITY_SEVERITY[rule.severity],
    },
  };
}

/** Unreadable and skipped inputs as tool notifications; unreadable ones make the run unsuccessful. */
function invocation(report: Report, uri: (f: string) => string) {
  const inputs = report.inputs ?? { errors: [], skipped: [] };
  const note = (level: 'error' | 'note', id: string) => (e: { file: string; line?: number; message: string }) => ({
    level,
    descriptor: { id },
    message: { text: `${e.file}${e.line ? `:${e.line}` : ''}: ${level === 'note' ? 'skipped, ' : ''}${e.message}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: uri(e.file) },
          ...(e.line ? { region: { startLine: e.line } } : {}),
        },
      },
    ],
  });
  return {
    executionSuccessful: inputs.errors.length === 0,
    toolExecutionNotifications: [
      ...inputs.errors.map(note('error', 'input-error')),
      ...inputs.skipped.map(note('note', 'input-skipped')),
    ],
  };
}

/** The report as SARIF 2.1.0 for GitHub code scanning: one result per problem, at its file and line. */
export function toSarif(report: Report, options: SarifOptions = {}): string {
  return joined(toSarifParts(report, options));
}

/** {@link toSarif} as consecutive parts whose concatenation is its text, for writing a large report part by part. */
export function toSarifParts(report: Report, options: SarifOptions = {}): string[] {
  const uri = options.uri ? lastOf(options.uri) : (f: string) => f;
  const rules = [...report.rules];
  const ids = new Map(rules.map((r, i) => [r.id, i]));
  const extraRule = (id: string, severity: Severity): number => {
    // Meta findings (suppression problems) have no pack rule; describe them once.
    rules.push({
      id,
      pack: 'engine',
      title: id,
      severity,
      kinds: ['*'],
      fix: 'See the message.',
      description: 'Engine-level finding about the input itself.',
      references: [],
      scanners: [],
    });
    ids.set(id, rules.length - 1);
    return rules.length - 1;
  };
  const prints = fingerprints(report, uri);
  // Every problem's rule index first: the rules (meta rules added) are written before the results.
  const owners: ObjectResult[] = [];
  const problems: Problem[] = [];
  const ruleIndex: number[] = [];
  for (const r of report.results)
    for (const f of r.problems) {
      owners.push(r);
      problems.push(f);
      ruleIndex.push(ids.get(f.rule) ?? extraRule(f.rule, f.severity));
    }
  const result = (i: number) => {
    const r = owners[i];
    const f = problems[i];
    return {
      ruleId: f.rule,
      ruleIndex: ruleIndex[i],
      level: LEVEL[f.severity],
      message: {
        text: `${objectLabel(r)}: ${f.message}${f.path ? ` (at ${f.path})` : ''}.${f.rules.length > 1 ? ` Also: ${f.rules.slice(1).join(', ')}.` : ''}${f.baseline !== undefined ? ` Accepted by baseline ${f.baseline}.` : ''} Fix: ${f.fix}`,
      },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: uri(r.source?.file ?? 'manifests') },
            region: { startLine: f.line ?? r.source?.line ?? 1 },
          },
          logicalLocations: [
            { fullyQualifiedName: `${objectLabel(r)}${f.path ? `:${f.path}` : ''}`, kind: 'resource' },
          ],
        },
      ],
      // Unique per (rule, file, object, field), so code scanning never merges two problems.
      partialFingerprints: { 'agentBaseline/v1': prints.get(f) as string },
      ...(f.suppressed && f.suppression
        ? {
            suppressions: [
              {
                kind: f.suppression.source === 'exemption' ? 'external' : 'inSource',
                justification: f.suppression.reason,
              },
            ],
          }
        : f.baseline !== undefined
          ? {
              baselineState: 'unchanged',
              suppressions: [{ kind: 'external', justification: `accepted by baseline ${f.baseline}` }],
            }
          : {}),
      properties: {
        status: statusOf(f),
        ...(f.rules.length > 1 ? { relatedRules: f.rules.slice(1) } : {}),
        ...(f.peers.length ? { peers: f.peers } : {}),
      },
    };
  };
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'agent-baseline',
            version: options.toolVersion ?? '0.0.0',
            informationUri: 'https://github.com/agent-baseline/agent-baseline',
            rules: rules.map(ruleDescriptor),
          },
        },
        results: [],
        invocations: [invocation(report, uri)],
      },
    ],
  };
  // The results (one per problem, 37 MB on a 50 MB repository) are written in chunks.
  return jsonParts(sarif, 'results', 4, problems.length, result);
}
