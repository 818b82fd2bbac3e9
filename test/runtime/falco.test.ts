import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, JsonPatch, Testing } from 'cdk8s';
import { AgentNamespace } from '../../lib/namespace';
import { AgentPlatform } from '../../lib/platform';
import { HardenedAgent } from '../../lib/workload';
import { parse } from 'yaml';
import { AgentBaselineError, MANAGED_BY } from '../../lib/core';
import {
  AgentRuntimeDeclaration,
  AgentRuntimeRules,
  falco,
  falcoRules,
  falcoString,
  falcoValueProblem,
  writeRuntimeArtifacts,
} from '../../lib/runtime';
import { DEFAULT_PLATFORM_CONFIG } from '../../stacks/config';
import { buildDefaultPlatform } from '../../stacks/platform';
import { resolveList, tokenize } from './falco-lexer';

const decl = (over: Partial<AgentRuntimeDeclaration> = {}): AgentRuntimeDeclaration => ({
  namespace: 'agents',
  name: 'assistant',
  podLabels: { 'app.kubernetes.io/instance': 'assistant' },
  containers: [{ name: 'agent', image: 'ghcr.io/acme/a@sha256:1', command: ['/app/run'] }],
  writablePaths: ['/tmp'],
  ports: [8080],
  egressCidrs: ['203.0.113.0/24'],
  apiAccess: false,
  ...over,
});

type Item = {
  list?: string;
  items?: string[];
  macro?: string;
  rule?: string;
  condition?: string;
  desc?: string;
  output?: string;
  priority?: string;
  source?: string;
};

/** Conditions as Falco parses them: lists expanded (ours plus look-alike names), then tokenized. */
function parsedConditions(items: readonly Item[], extraLists: Record<string, string[]> = {}) {
  const lists = [
    ...items.filter((i) => i.list).map((i) => [i.list!, i.items!] as const),
    ...Object.entries(extraLists),
  ];
  return items
    .filter((i) => i.condition !== undefined)
    .map((i) => {
      let text = i.condition!;
      for (const [name, values] of lists) text = resolveList(text, name, values);
      return tokenize(text);
    });
}

const skeleton = (tokens: ReturnType<typeof tokenize>) => tokens.map((t) => (t.type === 'str' ? 'STR' : t.value));

describe('hostile values cannot change a condition', () => {
  const hostile = [
    '/data/it\'s "quoted"',
    '/data/my dir',
    '/data/x, y',
    '/data/a)',
    '/data/"',
    '/data/ends-with-quote"',
    '/" x',
    '/srv/(x',
    '/srv/=',
    '/weird/😀',
  ];
  const benign = hostile.map((_, i) => `/benign/${i}`);

  test.each(hostile)('%j is quoted, decodes to itself, and leaves the structure unchanged', (value) => {
    const withValue = falcoRules(
      [decl({ writablePaths: [value], containers: [{ name: 'agent', image: 'i', command: [value] }] })],
      { clusterNetworks: ['10.0.0.0/8'] },
    );
    const withBenign = falcoRules(
      [decl({ writablePaths: ['/benign'], containers: [{ name: 'agent', image: 'i', command: ['/benign'] }] })],
      { clusterNetworks: ['10.0.0.0/8'] },
    );
    // Look-alike lists a cluster may load beside ours (Falco's default rules have many).
    const extra = { dir: ['"x"'], y: ['"x"'], quoted: ['"x"'], with: ['"x"'], x: ['"x"'] };
    const hostileTokens = parsedConditions(withValue as Item[], extra);
    const benignTokens = parsedConditions(withBenign as Item[], extra);
    expect(hostileTokens.map(skeleton)).toEqual(benignTokens.map(skeleton));
    const strings = hostileTokens
      .flat()
      .filter((t) => t.type === 'str')
      .map((t) => t.value);
    expect(strings).toContain(value);
    // And as a list item, it is one item that decodes to itself.
    const [item] = falco.list('agent_baseline_t', [value]).items;
    expect(tokenize(`x in (${item})`).filter((t) => t.type === 'str')).toEqual([{ type: 'str', value }]);
  });

  test('benign placeholders used above are themselves distinct strings', () => {
    expect(new Set(benign).size).toBe(hostile.length);
  });

  test.each([
    ['a backslash', '/data/a\\', /backslash/],
    ['a trailing backslash before a quote', '/x\\"', /backslash/],
    ['a newline', '/a\nb', /control character/],
    ['an injected clause', '/tmp" or proc.name = "sh', /word 'or'/],
    ['a list name between spaces', '/a agent_baseline_shells /b', /word 'agent_baseline_shells'/],
    ['a parenthesised word', '/srv/(x)', /word 'x'/],
    ['a word between commas', '/a,b,/c', /word 'b'/],
    ['nothing', '', /empty/],
    ['an inner word after a quote', '/data/ends with quote"', /word 'with'/],
  ])('refuses %s', (_n, value, expected) => {
    expect(falcoValueProblem(value)).toMatch(expected);
    expect(() => falcoString(value)).toThrow(AgentBaselineError);
  });

  test('the construct names its path, the bad value and what is allowed', () => {
    const app = Testing.app();
    const platform = new AgentPlatform(app, 'platform', { runtimeEngines: ['falco'] });
    const ns = new AgentNamespace(platform, 'agents');
    const agent = new HardenedAgent(ns, 'assistant', {
      image: `ghcr.io/acme/a:1@sha256:${'ab'.repeat(32)}`,
      ports: [{ name: 'http', port: 8080 }],
    });
    // A patch after construction, as an attacker-minded user might write it.
    agent
      .escapeHatch()
      .addJsonPatch(
        JsonPatch.add('/spec/template/spec/containers/0/volumeMounts/0/mountPath', '/tmp" or proc.name = "sh'),
      );
    let message = '';
    try {
      new AgentRuntimeRules(platform, 'RuntimeRules');
    } catch (e) {
      expect(e).toBeInstanceOf(AgentBaselineError);
      message = (e as Error).message;
    }
    expect(message).toMatch(
      /^\[platform\/RuntimeRules\] declarations\[agents\/assistant\]\.writablePaths\[\d\]: invalid value "\/tmp\\" or proc\.name = \\"sh" \(it contains the word 'or'.*\)\. Allowed: paths, commands and names without backslashes/,
    );
  });

  test('conditions come only from the builder (no condition text is written elsewhere)', () => {
    const dir = path.join(__dirname, '..', '..', 'lib', 'runtime');
    const files = ['falco/rules.ts', 'construct.ts', 'declaration.ts', 'artifacts.ts'];
    for (const f of files) {
      const src = fs.readFileSync(path.join(dir, f), 'utf8');
      // Conditions are FalcoCondition texts: `condition: <x>.text` or `c.text`, never a literal.
      expect(src).not.toMatch(/condition:\s*['"`]/);
      expect(src).not.toMatch(/FalcoCondition\.make|make\(/);
    }
  });
});

describe('the default platform with Falco', () => {
  const app = Testing.app();
  const config = {
    ...DEFAULT_PLATFORM_CONFIG,
    cluster: { ...DEFAULT_PLATFORM_CONFIG.cluster, runtimeEngines: ['falco' as const] },
  };
  const built = buildDefaultPlatform(app, config);
  const rules = built.runtimeRules;
  const items = parse(rules.falcoRulesYaml()) as Item[];

  test('parses as a Falco rules file with the fields Falco requires', () => {
    const priorities = ['EMERGENCY', 'ALERT', 'CRITICAL', 'ERROR', 'WARNING', 'NOTICE', 'INFORMATIONAL', 'DEBUG'];
    for (const i of items) {
      if (i.rule) {
        expect(Object.keys(i)).toEqual(expect.arrayContaining(['rule', 'desc', 'condition', 'output', 'priority']));
        expect(priorities).toContain(i.priority);
      } else if (i.macro) expect(typeof i.condition).toBe('string');
      else expect(Array.isArray(i.items)).toBe(true);
    }
    // Every macro or list a condition names is defined before it.
    const defined = new Set<string>();
    for (const i of items) {
      for (const word of (i.condition ?? '').match(/agent_baseline_[a-z0-9_]+/g) ?? []) expect(defined).toContain(word);
      defined.add(i.list ?? i.macro ?? '');
    }
    expect(() => parsedConditions(items)).not.toThrow();
  });

  test('one rule per undeclared behaviour, per agent, from what each declared', () => {
    const names = items.filter((i) => i.rule).map((i) => i.rule);
    expect(names).toEqual([
      'agent-baseline agents/assistant shell or package manager',
      'agent-baseline agents/assistant write outside writable paths',
      'agent-baseline agents/assistant service account token read',
      'agent-baseline agents/assistant undeclared egress',
      'agent-baseline agents/tool-runner shell or package manager',
      'agent-baseline agents/tool-runner write outside writable paths',
      'agent-baseline agents/tool-runner undeclared egress',
    ]);
    const lists = Object.fromEntries(items.filter((i) => i.list).map((i) => [i.list, i.items]));
    expect(lists.agent_baseline_agents_assistant_writable_paths).toEqual(['"/home/agent/.cache"', '"/tmp"']);
    expect(lists.agent_baseline_agents_assistant_egress).toEqual(['"203.0.113.0/24"']);
    expect(lists.agent_baseline_agents_tool_runner_egress).toEqual(['"192.0.2.10/32"', '"198.51.100.20/32"']);
  });

  test('an entrypoint rule exists only where a command is declared', () => {
    const out = falcoRules([decl(), decl({ name: 'other', containers: [{ name: 'agent', image: 'i' }] })], {
      clusterNetworks: [],
    });
    const names = out.filter((i) => 'rule' in i).map((i) => (i as { rule: string }).rule);
    expect(names).toContain('agent-baseline agents/assistant process outside entrypoint');
    expect(names).not.toContain('agent-baseline agents/other process outside entrypoint');
  });

  test('the ConfigMap carries the same file, and writeRuntimeArtifacts writes it and the chart values', () => {
    const objects = Testing.synth(built.platform) as {
      kind: string;
      metadata: { name: string; namespace?: string };
      data?: Record<string, string>;
    }[];
    const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'agent-baseline-falco-rules')!;
    expect(cm.metadata.namespace).toBe('falco');
    expect(cm.data!['agent-baseline-rules.yaml']).toBe(rules.falcoRulesYaml());
    const dir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'rt-'));
    const written = writeRuntimeArtifacts(app, dir).map((f) => path.relative(dir, f));
    expect(written).toEqual(['runtime/falco-rules.yaml', 'runtime/falco-values.yaml']);
    expect(fs.readFileSync(path.join(dir, 'runtime/falco-rules.yaml'), 'utf8')).toBe(rules.falcoRulesYaml());
    expect(parse(fs.readFileSync(path.join(dir, 'runtime/falco-values.yaml'), 'utf8'))).toEqual({
      customRules: { 'agent-baseline-rules.yaml': rules.falcoRulesYaml() },
    });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  // An agent workload written beside the constructs is declared like theirs, whatever spelling
  // makes it a Deployment: the kind given, or a JSON patch that rewrites the kind of another object.
  test.each<[string, string, boolean]>([
    ['a Deployment', 'Deployment', false],
    ['a ConfigMap patched into a Deployment', 'ConfigMap', true],
    ['a CronJob', 'CronJob', false],
  ])('%s added beside the agents is watched', (_name, kind, patched) => {
    const platform = new AgentPlatform(Testing.app(), 'platform', config.cluster);
    const template = {
      metadata: { labels: { 'app.kubernetes.io/instance': 'extra' } },
      spec: { containers: [{ name: 'extra', image: 'ghcr.io/acme-ai/extra@sha256:1' }] },
    };
    const o = new ApiObject(platform, 'Extra', {
      apiVersion: kind === 'CronJob' ? 'batch/v1' : 'apps/v1',
      kind,
      metadata: {
        name: 'extra',
        namespace: 'agents',
        labels: { 'app.kubernetes.io/managed-by': MANAGED_BY, 'app.kubernetes.io/component': 'agent' },
      },
      spec: kind === 'CronJob' ? { jobTemplate: { spec: { template } } } : { template },
    });
    if (patched) o.addJsonPatch(JsonPatch.replace('/kind', 'Deployment'));
    const rules = new AgentRuntimeRules(platform, 'RuntimeRules');
    expect(rules.declarations.map((d) => `${d.namespace}/${d.name}`)).toEqual(['agents/extra']);
  });

  test('a late agent is reported instead of left unwatched', () => {
    const a2 = Testing.app();
    const b2 = buildDefaultPlatform(a2, config);
    b2.assistant.allowEgressTo(
      jest.requireActual('../../lib/network').Peer.cidr('198.18.0.0/15', undefined, 'eu'),
      443,
    );
    expect(() => a2.synth()).toThrow(/generated before some agents, grants or egress rules were added/);
  });
});
