/**
 * One error family: every refusal of user input (construct props, rule options, manifests, CLI
 * options, reachability queries) is a RefusalError with a stable code from REFUSAL_CODES, and its
 * message still names where, what, the bad value and what is allowed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Testing } from 'cdk8s';
import { parseManifests, loadInputs } from '../../lib/cli/load';
import { parsePort } from '../../lib/cli/reach';
import {
  AgentBaselineError,
  CliOptionError,
  InputError,
  REFUSAL_CODES,
  ReachQueryError,
  RefusalCode,
  RefusalError,
  RuleOptionError,
} from '../../lib/core';
import { AgentNamespace } from '../../lib/namespace';
import { buildClusterModel, evaluateFlow, findWorkload } from '../../lib/network/reachability';
import { AgentPlatform } from '../../lib/platform';
import { ruleCatalogue, runRules } from '../../lib/rules';
import { HardenedAgent, HardenedAgentProps } from '../../lib/workload';

const IMAGE = `ghcr.io/acme-ai/agent:1.0.0@sha256:${'a'.repeat(64)}`;
const agentProps: HardenedAgentProps = { image: IMAGE, ports: [{ name: 'http', port: 8080 }] };

function refusal(run: () => unknown): RefusalError {
  try {
    run();
  } catch (e) {
    if (e instanceof RefusalError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('REFUSAL_CODES', () => {
  test('is append-only: these codes keep their names (add new ones at the end, never rename or remove)', () => {
    expect(Object.keys(REFUSAL_CODES)).toEqual([
      'AB_INVALID_PROP',
      'AB_INVALID_RULE_OPTION',
      'AB_INVALID_INPUT',
      'AB_INVALID_CLI_OPTION',
      'AB_INVALID_REACH_QUERY',
    ]);
  });

  test('every code is AB_ plus upper-case words and says what it covers', () => {
    for (const [code, meaning] of Object.entries(REFUSAL_CODES)) {
      expect(code).toMatch(/^AB_[A-Z]+(_[A-Z]+)*$/);
      expect(meaning.length).toBeGreaterThan(20);
    }
  });

  test('each class of the family has its own code, and every code has a class', () => {
    const details = { path: 'p', field: 'f', value: 1, allowed: 'a' };
    const byClass: Array<[string, RefusalError]> = [
      ['AgentBaselineError', new AgentBaselineError(details)],
      ['RuleOptionError', new RuleOptionError('m')],
      ['InputError', new InputError('m')],
      ['CliOptionError', new CliOptionError('m')],
      ['ReachQueryError', new ReachQueryError('m')],
    ];
    const codes = byClass.map(([, e]) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect([...codes].sort()).toEqual(Object.keys(REFUSAL_CODES).sort());
    for (const [name, e] of byClass) {
      expect(e.name).toBe(name);
      expect(e).toBeInstanceOf(Error);
      // The table names the class, so a reader of the table finds the thrower.
      expect(REFUSAL_CODES[e.code]).toContain(name);
    }
  });
});

describe('every refusal carries its code and names the input', () => {
  const cases: Array<[string, () => unknown, RefusalCode, RegExp]> = [
    [
      'a construct prop (HardenedAgent image without a digest)',
      () =>
        new HardenedAgent(new AgentNamespace(new AgentPlatform(Testing.app(), 'p'), 'agents'), 'bot', {
          ...agentProps,
          image: 'ghcr.io/acme-ai/agent:1.0.0',
        }),
      'AB_INVALID_PROP',
      /^\[p\/agents\/bot\] image: invalid value "ghcr\.io\/acme-ai\/agent:1\.0\.0".*Allowed: .*digest/,
    ],
    [
      'a construct outside an AgentNamespace',
      () => new HardenedAgent(new AgentPlatform(Testing.app(), 'p'), 'bot', agentProps),
      'AB_INVALID_PROP',
      /^\[p\/bot\] scope: invalid value "p\/bot".*Allowed: a construct nested inside an AgentNamespace/,
    ],
    [
      'a rule engine pack',
      () => runRules([], { packs: ['nope'] }),
      'AB_INVALID_RULE_OPTION',
      /^unknown pack 'nope'; known packs: .*hardening/,
    ],
    [
      'a rule engine pssVersion',
      () => runRules([], { pssVersion: 'v2' }),
      'AB_INVALID_RULE_OPTION',
      /^pssVersion 'v2' is not 'latest' or 'v1\.<minor>'$/,
    ],
    [
      'a catalogue pack',
      () => ruleCatalogue(['nope']),
      'AB_INVALID_RULE_OPTION',
      /^unknown pack 'nope'; known packs: .*hardening/,
    ],
    [
      'a manifest that is not YAML',
      () => parseManifests('a: [b', 'in.yaml'),
      'AB_INVALID_INPUT',
      /^in\.yaml:1:\d+: invalid YAML/,
    ],
    [
      'a manifest path that does not exist',
      () => loadInputs([path.join(__dirname, 'no-such-dir')]),
      'AB_INVALID_INPUT',
      /no-such-dir: cannot read \(ENOENT\)$/,
    ],
    ['a CLI --port', () => parsePort('70000'), 'AB_INVALID_CLI_OPTION', /^--port: invalid value '70000'; expected /],
    [
      'a reach query naming a missing workload',
      () => findWorkload(buildClusterModel([]), 'app', 'nope'),
      'AB_INVALID_REACH_QUERY',
      /^no workload app\/nope in the manifests \(workloads: none\)$/,
    ],
    [
      'a reach query with a bad address',
      () =>
        evaluateFlow(buildClusterModel([]), {
          from: { kind: 'address', address: '300.1.1.1' },
          to: { kind: 'address', address: '10.0.0.1' },
          port: 443,
          protocol: 'TCP',
        }),
      'AB_INVALID_REACH_QUERY',
      /^not an IP address or CIDR block: '300\.1\.1\.1'$/,
    ],
  ];

  test.each(cases)('%s', (_what, run, code, message) => {
    const e = refusal(run);
    expect(e.code).toBe(code);
    expect(e.message).toMatch(message);
  });

  test('construct refusals carry path, field, value and what is allowed as data too', () => {
    const e = refusal(
      () =>
        new HardenedAgent(new AgentNamespace(new AgentPlatform(Testing.app(), 'p'), 'agents'), 'bot', {
          ...agentProps,
          runAsUser: 0,
        }),
    );
    expect(e).toBeInstanceOf(AgentBaselineError);
    expect(e.details).toEqual(
      expect.objectContaining({ path: 'p/agents/bot', field: 'runAsUser', value: 0, allowed: expect.any(String) }),
    );
  });
});

describe('no refusal escapes the family', () => {
  const LIB = path.resolve(__dirname, '..', '..', 'lib');

  /**
   * Plain `throw new Error` left in lib/, each one not a refusal of user input. Anything else that
   * refuses input throws a RefusalError subclass (add a code to REFUSAL_CODES for a new kind).
   */
  const PLAIN_ERRORS_ALLOWED: Record<string, { readonly count: number; readonly why: string }> = {
    'platform/app.ts': {
      count: 2,
      why: "cdk8s-compatible synth: the same plain Error and message as cdk8s's App.synth (validation, dependency cycle)",
    },
    'platform/resolve.ts': {
      count: 1,
      why: "cdk8s-compatible toJson: the same plain Error and message as cdk8s's ApiObject.toJson (a lazy value that throws)",
    },
    'image-policy/sigstore.ts': { count: 1, why: 'unreachable: settings validation refuses the mode first' },
    'image-policy/kyverno.ts': { count: 1, why: 'unreachable: settings validation refuses the mode first' },
    'core/package-json.ts': { count: 1, why: "a broken installation: agent-baseline's own package.json is missing" },
    'cli/init-templates.ts': {
      count: 1,
      why: "agent-baseline's own package.json lacks a version init writes (a release bug, not user input)",
    },
    'rules/report/chunked.ts': {
      count: 1,
      why: 'unreachable: the JSON and SARIF reports pass skeletons with exactly one such property (a caller bug otherwise)',
    },
  };

  function sources(dir: string): string[] {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .flatMap((d) =>
        d.isDirectory() ? sources(path.join(dir, d.name)) : d.name.endsWith('.ts') ? [path.join(dir, d.name)] : [],
      );
  }

  const files = sources(LIB).map((f) => ({
    file: path.relative(LIB, f).split(path.sep).join('/'),
    text: fs.readFileSync(f, 'utf8'),
  }));

  test('no plain `throw new Error` beyond the listed internal ones', () => {
    const over = files.flatMap(({ file, text }) => {
      const count = (text.match(/throw new Error\(/g) ?? []).length;
      const allowed = PLAIN_ERRORS_ALLOWED[file]?.count ?? 0;
      return count > allowed ? [`lib/${file}: ${count} plain throw new Error (allowed ${allowed})`] : [];
    });
    expect(over).toEqual([]);
  });

  test('no error class outside lib/core/errors.ts extends Error directly', () => {
    const classes = files.flatMap(({ file, text }) =>
      file === 'core/errors.ts'
        ? []
        : [...text.matchAll(/class (\w+) extends Error\b/g)].map((m) => `lib/${file}: class ${m[1]}`),
    );
    expect(classes).toEqual([]);
  });
});
