import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { auditPolicyFor, writeAuditPolicy } from '../../lib/audit';
import { runScan } from '../../lib/cli/scan';
import { AgentApp } from '../../lib/platform';
import { recordOfProcessing, recordOfProcessingMarkdown, writeRecordOfProcessing } from '../../lib/privacy';
import { packNames, runRules } from '../../lib/rules';
import { toMarkdown } from '../../lib/rules/report/markdown';
import { DEFAULT_PLATFORM_CONFIG } from '../../stacks/config';
import { ASSISTANT_DATA, buildDefaultPlatform } from '../../stacks/platform';
import { KubeObject, findObject, synthDefaultPlatform } from '../helpers/synth';

/** The default platform's objects plus its audit policy, as `agent-baseline scan dist/` sees them. */
function defaultPlatformWithAudit(): { objects: KubeObject[]; app: ReturnType<typeof synthDefaultPlatform>['app'] } {
  const { app, objects } = synthDefaultPlatform();
  const audit = { ...auditPolicyFor(app), metadata: { name: 'audit-policy' } } as unknown as KubeObject;
  return { app, objects: [...objects, audit] };
}

describe('the default platform under the gdpr pack', () => {
  const { app, objects } = defaultPlatformWithAudit();

  test('is clean under every pack, gdpr included, warnings included', () => {
    expect(packNames()).toContain('gdpr');
    const report = runRules(objects, { packs: packNames() });
    expect(
      report.results.flatMap((r) =>
        r.findings.filter((f) => !f.suppressed).map((f) => `${f.rule} ${r.kind}/${r.name}`),
      ),
    ).toEqual([]);
  });

  test('the assistant declares personal data with EU-only egress, and its policy states the regions', () => {
    const assistant = findObject(objects, 'Deployment', 'assistant');
    expect(assistant.metadata.labels).toMatchObject({
      'privacy.agent-baseline.dev/personal-data': 'true',
      'privacy.agent-baseline.dev/regions': 'eu',
      'privacy.agent-baseline.dev/retention-days': '30',
    });
    expect(findObject(objects, 'NetworkPolicy', 'assistant').metadata.annotations).toEqual({
      'privacy.agent-baseline.dev/egress-regions': '{"203.0.113.0/24":"eu"}',
    });
  });

  test('the rules catch a non-EU endpoint patched in after construction', () => {
    const patched = objects.map((o) =>
      o.kind === 'NetworkPolicy' && o.metadata.name === 'assistant'
        ? {
            ...o,
            metadata: {
              ...o.metadata,
              annotations: { 'privacy.agent-baseline.dev/egress-regions': '{"203.0.113.0/24":"us"}' },
            },
          }
        : o,
    );
    const failing = runRules(patched, { packs: ['gdpr'] }).results.flatMap((r) => r.findings.map((f) => f.rule));
    expect(failing).toEqual(['GDPR-Transfer']);
  });

  test('synth refuses a non-EU LLM endpoint for the assistant', () => {
    expect(() => buildDefaultPlatform(Testing.app(), { ...DEFAULT_PLATFORM_CONFIG, llmApiRegion: 'us' })).toThrow(
      "[platform/agents/assistant] allowEgressTo.peer.region: invalid value \"us\" ('203.0.113.0/24' is in 'us', outside the regions the agent's personal data may go to (GDPR Art. 44-49)). Allowed: one of the agent's data regions: 'eu'",
    );
  });

  test('the compliance report has a GDPR section citing the articles', () => {
    const md = toMarkdown(runRules(objects, { packs: ['gdpr'] }));
    expect(md).toContain('GDPR');
    for (const article of ['Art. 5(1)(e)', 'Art. 9', 'Art. 30', 'Art. 32', 'Art. 44-49']) expect(md).toContain(article);
  });

  describe('record of processing', () => {
    const record = recordOfProcessing(app);
    const assistant = record.entries.find((e) => e.agent === 'assistant')!;

    test('lists every agent with its declaration, recipients, retention and measures', () => {
      expect(record.entries.map((e) => `${e.namespace}/${e.agent}`)).toEqual([
        'agents/assistant',
        'agents/tool-runner',
      ]);
      expect(record.clusterRegions).toEqual(['eu']);
      expect(assistant).toMatchObject({
        workload: 'Deployment',
        declared: true,
        personalData: true,
        categories: ASSISTANT_DATA.categories,
        purposes: ASSISTANT_DATA.purposes,
        lawfulBasis: 'contract',
        regions: ['eu'],
      });
      expect(assistant.recipients.map((r) => `${r.kind} ${r.endpoint} ${r.region}`)).toEqual([
        'cidr 203.0.113.0/24 eu',
        'in-cluster vault/app.kubernetes.io/name=vault eu',
        'in-cluster (own namespace)/app.kubernetes.io/name=tool-runner,app.kubernetes.io/instance=tool-runner eu',
      ]);
      expect(assistant.recipients.every((r) => r.region === 'eu')).toBe(true);
      expect(assistant.retention.days).toBe(30);
      expect(assistant.retention.operator.join('\n')).toContain('--audit-log-maxage=30');
      expect(assistant.technicalMeasures.join('\n')).toMatch(/Vault \(injector\)/);
      expect(assistant.technicalMeasures.join('\n')).toMatch(/authenticating gateway/);
      const toolRunner = record.entries.find((e) => e.agent === 'tool-runner')!;
      expect(toolRunner.recipients.map((r) => `${r.endpoint} ${r.region}`)).toEqual([
        '192.0.2.10/32 eu',
        '198.51.100.20/32 eu',
      ]);
    });

    test('matches its snapshot (markdown and JSON)', () => {
      expect(recordOfProcessingMarkdown(record)).toMatchSnapshot();
      expect(record).toMatchSnapshot();
    });

    test('is written deterministically to dist/gdpr', () => {
      const write = () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rop-'));
        const a = Testing.app();
        buildDefaultPlatform(a);
        const files = writeRecordOfProcessing(a, dir);
        const out = files.map((f) => [path.relative(dir, f), fs.readFileSync(f, 'utf8')]);
        fs.rmSync(dir, { recursive: true, force: true });
        return out;
      };
      const first = write();
      expect(first.map(([f]) => f)).toEqual([
        path.join('gdpr', 'record-of-processing.md'),
        path.join('gdpr', 'record-of-processing.json'),
      ]);
      expect(write()).toEqual(first);
      expect(JSON.parse(first[1][1])).toEqual(JSON.parse(JSON.stringify(record)));
    });

    test('an undeclared agent is listed as undeclared, a Job with its enforced TTL', async () => {
      const { AgentPlatform } = await import('../../lib/platform');
      const { AgentNamespace } = await import('../../lib/namespace');
      const { AgentTask, HardenedAgent } = await import('../../lib/workload');
      const a = Testing.app();
      const ns = new AgentNamespace(new AgentPlatform(a, 'p', {}), 'n');
      const image = `ghcr.io/acme-ai/x:1@sha256:${'a'.repeat(64)}`;
      new HardenedAgent(ns, 'plain', { image, ports: [{ name: 'http', port: 8080 }] });
      new AgentTask(ns, 'job', { image, data: { ...ASSISTANT_DATA, retentionDays: 1 } });
      const r = recordOfProcessing(a);
      expect(r.entries.map((e) => [e.agent, e.declared])).toEqual([
        ['job', true],
        ['plain', false],
      ]);
      expect(r.entries[0].retention.enforced[0]).toBe(
        'finished Job deleted 1 hour after completion (ttlSecondsAfterFinished: 3600)',
      );
      expect(recordOfProcessingMarkdown(r)).toContain('| n | plain | **undeclared** |');
    });
  });
});

describe('agent-baseline report --framework gdpr', () => {
  test('runs the gdpr pack without --pack and reports the GDPR articles over dist/ with its audit policy', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gdpr-report-'));
    try {
      const app = new AgentApp({ outdir: dir });
      buildDefaultPlatform(app);
      app.synth();
      writeAuditPolicy(app, dir);
      let out = '';
      const code = runScan([dir], { framework: 'gdpr' }, { out: (t) => (out += t), err: () => undefined }, 'markdown');
      expect(code).toBe(0);
      expect(out).toMatch(/packs pss-restricted, hardening, rbac, agent[^;]*, gdpr[,;]/);
      expect(out).toContain('## GDPR');
      expect(out).not.toContain('## SOC 2');
      expect(out).toMatch(
        /✅ Art\. 44-49 — Transfers of personal data to third countries \| `GDPR-Transfer` \| 2 \| 0/,
      );
      // The audit policy is among the inputs: both agents and the Policy are in scope of Art. 30.
      expect(out).toMatch(
        /✅ Art\. 30 — Records of processing activities \| `GDPR-Undeclared` `GDPR-AuditCoverage` \| 3 \| 0/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
