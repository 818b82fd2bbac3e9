/**
 * Identity and secrets across objects (issue 13 item 5, issue 14 item 2): rules on manifests and
 * refusals in the construct tree, from the same lists and the one credential detector.
 */
import { ApiObject, Testing } from 'cdk8s';
import { AgentBaselineError, CREDENTIAL_PATTERNS, detectCredential } from '../../lib/core';
import { AgentNamespace } from '../../lib/namespace';
import { AgentPlatform } from '../../lib/platform';
import { HardenedAgent } from '../../lib/workload';
import { EXIT, Obj, agentDeployment, cliScan, findingsOf, goodSet } from './helpers';

const IMAGE = 'ghcr.io/acme/bot:1.0.0@sha256:4f6c1d0b8e3a2f9c7d5e1b0a3c8f6e2d9b7a5c3e1f0d8b6a4c2e0f9d7b5a3c1e';

/** The good set with Vault (operator mode) delivering Secret `agent-db` to the agent's ServiceAccount. */
function withDeliveredSecret(): Obj[] {
  const set = goodSet();
  set.push(
    {
      apiVersion: 'secrets.hashicorp.com/v1beta1',
      kind: 'VaultAuth',
      metadata: { name: 'agent', namespace: 'agents' },
      spec: {
        method: 'kubernetes',
        mount: 'kubernetes',
        kubernetes: { role: 'agents-agent', serviceAccount: 'agent' },
      },
    },
    {
      apiVersion: 'secrets.hashicorp.com/v1beta1',
      kind: 'VaultStaticSecret',
      metadata: { name: 'agent-db', namespace: 'agents' },
      spec: {
        vaultAuthRef: 'agent',
        mount: 'kv',
        type: 'kv-v2',
        path: 'db',
        destination: { name: 'agent-db', create: true },
      },
    },
  );
  return set;
}

/** A second workload (another identity) in the agent namespace. */
function intruder(set: Obj[], patch: (spec: Obj) => void, sa = 'intruder'): Obj[] {
  const dep = JSON.parse(JSON.stringify(agentDeployment(set)));
  dep.metadata.name = 'intruder';
  dep.spec.template.metadata.labels = {
    'app.kubernetes.io/name': 'intruder',
    'app.kubernetes.io/instance': 'intruder',
  };
  dep.metadata.labels = dep.spec.template.metadata.labels;
  dep.spec.selector.matchLabels = dep.spec.template.metadata.labels;
  dep.spec.template.spec.serviceAccountName = sa;
  patch(dep.spec.template.spec);
  set.push(dep);
  return set;
}

describe("a pod reading another identity's Vault-delivered Secret", () => {
  it.each([
    [
      'a secret volume',
      (s: Obj) => s.volumes.push({ name: 'x', secret: { secretName: 'agent-db' } }),
      'mounts Secret agent-db',
    ],
    [
      'a projected volume',
      (s: Obj) => s.volumes.push({ name: 'x', projected: { sources: [{ secret: { name: 'agent-db' } }] } }),
      'projects Secret agent-db',
    ],
    [
      'an env secretKeyRef',
      (s: Obj) =>
        (s.containers[0].env = [{ name: 'DB', valueFrom: { secretKeyRef: { name: 'agent-db', key: 'password' } } }]),
      'reads into env Secret agent-db',
    ],
    [
      'envFrom',
      (s: Obj) => (s.containers[0].envFrom = [{ secretRef: { name: 'agent-db' } }]),
      'imports into env Secret agent-db',
    ],
  ])('through %s', (_name, patch, fragment) => {
    const set = intruder(withDeliveredSecret(), patch);
    const got = findingsOf(set, 'AGT-ForeignSecret');
    expect(got).toHaveLength(1);
    expect(got[0]).toContain(
      `pod running as ServiceAccount intruder ${fragment}, which Vault delivers to ServiceAccount agent (VaultStaticSecret agent-db): it reads around that identity's Vault policy`,
    );
    expect(cliScan(set).code).toBe(EXIT.failing);
  });

  it('through a CSI SecretProviderClass of the agent', () => {
    const set = goodSet();
    set.push({
      apiVersion: 'secrets-store.csi.x-k8s.io/v1',
      kind: 'SecretProviderClass',
      metadata: { name: 'agent-vault', namespace: 'agents', labels: { 'app.kubernetes.io/instance': 'agent' } },
      spec: { provider: 'vault', parameters: { roleName: 'agents-agent' } },
    });
    intruder(set, (s) =>
      s.volumes.push({
        name: 'v',
        csi: {
          driver: 'secrets-store.csi.k8s.io',
          readOnly: true,
          volumeAttributes: { secretProviderClass: 'agent-vault' },
        },
      }),
    );
    expect(findingsOf(set, 'AGT-ForeignSecret')).toEqual([
      expect.stringContaining(
        'mounts the CSI secrets of SecretProviderClass agent-vault, which Vault delivers to ServiceAccount agent',
      ),
    ]);
  });

  it('the owner itself reading its Secret is fine', () => {
    const set = withDeliveredSecret();
    agentDeployment(set).spec.template.spec.volumes.push({ name: 'x', secret: { secretName: 'agent-db' } });
    expect(findingsOf(set, 'AGT-ForeignSecret')).toEqual([]);
  });
});

describe("running as another agent's ServiceAccount", () => {
  it.each([
    ['serviceAccountName', (s: Obj) => (s.serviceAccountName = 'agent')],
    [
      'the deprecated serviceAccount field',
      (s: Obj) => {
        delete s.serviceAccountName;
        s.serviceAccount = 'agent';
      },
    ],
  ])('via %s', (_name, patch) => {
    const set = intruder(goodSet(), patch, 'agent');
    expect(findingsOf(set, 'AGT-ForeignServiceAccount')).toEqual([
      "error spec.template.spec.serviceAccountName: runs as ServiceAccount agent of agent agent: it inherits that agent's RBAC grants and Vault role",
    ]);
    expect(cliScan(set).code).toBe(EXIT.failing);
  });

  it('a Job guardrail that lets Jobs run as another agent’s ServiceAccount', () => {
    const set = intruder(goodSet(), () => undefined, 'tool-runner');
    set.find((o) => o.metadata?.name === 'intruder')!.spec.template.metadata.labels['app.kubernetes.io/managed-by'] =
      'agent-baseline';
    set.find((o) => o.metadata?.name === 'intruder')!.spec.template.metadata.labels['app.kubernetes.io/component'] =
      'agent';
    set.push({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: 'agents-tool-runner-job-guardrail' },
      spec: {
        matchConditions: [
          { name: 'agent', expression: "request.userInfo.username == 'system:serviceaccount:agents:tool-runner'" },
        ],
        validations: [
          {
            expression:
              "!has(variables.podSpec.serviceAccountName) || variables.podSpec.serviceAccountName in ['job-runner', 'agent']",
          },
        ],
      },
    });
    expect(findingsOf(set, 'AGT-GuardrailServiceAccount')).toEqual([
      "error spec.validations[0].expression: the guardrail of system:serviceaccount:agents:tool-runner lets its Jobs run as ServiceAccount agent of agent agent: they act with that agent's RBAC and Vault role",
    ]);
  });
});

describe('literal Secrets, whatever they claim', () => {
  it.each([
    ['Vault source annotation', { annotations: { 'agent-baseline.io/secret-source': 'vault' } }],
    ['VSO managed-by label', { labels: { 'app.kubernetes.io/managed-by': 'hashicorp-vso' } }],
    ['CSI managed label', { labels: { 'secrets-store.csi.k8s.io/managed': 'true' } }],
  ])('%s with data', (_name, meta) => {
    const set = goodSet();
    set.push({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'agents', ...meta },
      data: { password: 'aHVudGVyMg==' },
    });
    expect(findingsOf(set, 'AGT-LiteralSecret')).toEqual([
      'error data: Secret db carries 1 literal value(s) in data: a credential in the manifests',
    ]);
    expect(cliScan(set).code).toBe(EXIT.failing);
  });
});

const CREDENTIALS: [string, string][] = [
  ['an OpenAI API key', 'sk-proj-' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4'],
  ['an OpenAI API key', 'sk-' + 'a'.repeat(48)],
  ['an Anthropic API key', 'sk-ant-api03-' + 'x'.repeat(40)],
  ['an AWS access key ID', 'AKIA' + 'IOSFODNN7EXAMPLE'],
  ['an AWS access key ID', 'ASIA' + 'Y34FZKBOKMUTVV7A'],
  ['a GitHub token', 'ghp_' + 'a1'.repeat(18)],
  ['a GitHub token', 'github_pat_' + 'A'.repeat(30)],
  ['a Slack token', 'xoxb-' + '123456789012-abcdefghij'],
  ['a Vault token', 'hvs.' + 'CAESI' + 'b'.repeat(30)],
  ['a JWT', 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZ2VudCJ9.' + 'c'.repeat(30)],
  ['a PEM private key', '-----BEGIN ' + 'PRIVATE KEY-----\nMIIEvQIBADANBg'],
  ['a PEM private key', '-----BEGIN ' + 'EC PRIVATE KEY-----\nMHcCAQEE'],
  ['a URL with an embedded password', 'postgres://app:' + 'hunter2secret@db.internal:5432/app'],
];

describe('one credential-value detector', () => {
  it.each(CREDENTIALS)('%s in a ConfigMap, env, args and config props', (kind, value) => {
    expect(detectCredential(value)).toBe(kind);
    const set = goodSet();
    set.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', namespace: 'agents' },
      data: { setting: value },
    });
    expect(findingsOf(set, 'AGT-CredentialValue')).toEqual([
      `error data.setting: data.setting holds what looks like ${kind}`,
    ]);
    agentDeployment(set).spec.template.spec.containers[0].env = [{ name: 'MODEL_SETTING', value }];
    agentDeployment(set).spec.template.spec.containers[0].args = ['--flag', value];
    expect(findingsOf(set, 'AGT-CredentialInPod')).toEqual([
      `error spec.template.spec.containers[0].env[0].value: container agent env MODEL_SETTING holds what looks like ${kind}`,
      `error spec.template.spec.containers[0].args[1]: container agent args[1] holds what looks like ${kind}`,
    ]);
    const cli = cliScan(set);
    expect(cli.code).toBe(EXIT.failing);
    expect(cli.out).not.toContain(value.slice(8));
    const app = Testing.app();
    const ns = new AgentNamespace(new AgentPlatform(app, 'platform'), 'agents');
    let error: unknown;
    try {
      new HardenedAgent(ns, 'bot', {
        image: IMAGE,
        ports: [{ name: 'http', port: 8080 }],
        config: { MODEL_SETTING: value },
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AgentBaselineError);
    expect((error as Error).message).toBe(
      `[platform/agents/bot] config.MODEL_SETTING: invalid value "<redacted>" (the value looks like ${kind}, and literal values end up in manifests and Git). Allowed: non-secret configuration only; declare secrets as Vault secrets`,
    );
  });

  it.each([
    'https://api.openai.com/v1',
    'postgres://app:$(DB_PASSWORD)@db:5432/app',
    '-----BEGIN CERTIFICATE-----\nMIIB',
    'task-skeleton-generator-config',
    'gpt-4o-mini-2024-07-18',
  ])('leaves %j alone', (value) => expect(detectCredential(value)).toBeUndefined());

  it('every pattern is exercised', () => {
    const kinds = new Set(CREDENTIALS.map(([k]) => k));
    const untested = CREDENTIAL_PATTERNS.map((p) => p.kind).filter((k) => !kinds.has(k));
    expect(untested).toEqual([
      'a Slack webhook URL',
      'a legacy Vault token',
      'a Google API key',
      'a Stripe secret key',
      'a Hugging Face token',
    ]);
  });
});

describe('constructs refuse the same identities', () => {
  const platform = () => {
    const app = Testing.app();
    const p = new AgentPlatform(app, 'platform');
    return { app, ns: new AgentNamespace(p, 'agents') };
  };
  const GUARD = { allowedRegistries: ['ghcr.io/acme'] };

  it("guardrail serviceAccountNames naming an existing agent's ServiceAccount", () => {
    const { ns } = platform();
    const other = new HardenedAgent(ns, 'other', { image: IMAGE, ports: [{ name: 'http', port: 8080 }] });
    expect(
      () =>
        new HardenedAgent(ns, 'runner', {
          image: IMAGE,
          ports: [{ name: 'http', port: 8080 }],
          guardrails: { ...GUARD, serviceAccountNames: ['job-runner', other.serviceAccountName] },
        }),
    ).toThrow(
      `[platform/agents/runner/Guardrails] guardrails.serviceAccountNames[1]: invalid value "${other.serviceAccountName}" (it is the ServiceAccount of agent 'other': Jobs running as it act with that agent's RBAC grants and Vault role). Allowed: a dedicated ServiceAccount that no agent runs as`,
    );
  });

  it('an agent added after the guardrail is caught at synth, naming the construct path', () => {
    const { app, ns } = platform();
    new HardenedAgent(ns, 'runner', {
      image: IMAGE,
      ports: [{ name: 'http', port: 8080 }],
      guardrails: { ...GUARD, serviceAccountNames: ['later'] },
    });
    new HardenedAgent(ns, 'later', { image: IMAGE, ports: [{ name: 'http', port: 8080 }] });
    expect(() => app.synth()).toThrow(
      /guardrails\.serviceAccountNames\[0\]: invalid value "later" \(it is the ServiceAccount of agent 'later'/,
    );
  });

  it('a raw workload in the platform running as an agent’s ServiceAccount fails synth with its path', () => {
    const { app, ns } = platform();
    new HardenedAgent(ns, 'bot', { image: IMAGE, ports: [{ name: 'http', port: 8080 }] });
    const template = {
      metadata: { labels: { app: 'sneaky' } },
      spec: { serviceAccountName: 'bot', containers: [{ name: 'x', image: IMAGE }] },
    };
    new ApiObject(ns, 'Sneaky', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'sneaky' },
      spec: { selector: { matchLabels: { app: 'sneaky' } }, template },
    });
    expect(() => app.synth()).toThrow(
      /\[platform\/agents\/Sneaky\] \[AGT-ForeignServiceAccount\] Deployment\/agents\/sneaky at spec\.template\.spec\.serviceAccountName: runs as ServiceAccount bot of agent bot/,
    );
  });
});
