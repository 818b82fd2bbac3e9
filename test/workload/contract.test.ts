import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, JsonPatch } from 'cdk8s';
import { IAgentPod, WORKLOAD_KIND_TRAITS, isAgentPod } from '../../lib/agent-pod';
import { findAgents } from '../../lib/audit';
import {
  CNI_CAPABILITIES,
  CNI_FLAVORS,
  CniFlavor,
  IMAGE_POLICY_ENGINES,
  ImagePolicyEngine,
  MESH_CAPABILITIES,
  MESH_FLAVORS,
  MeshFlavor,
  VAULT_DELIVERY_MODES,
  VaultDeliveryMode,
} from '../../lib/core';
import { HardenedAgent } from '../../lib/workload';
import { ALL_SHAPES, IMAGE, addImagePolicy, fixture } from './helpers';

/** The plumbing features use; none of it is public API of an agent. */
const PLUMBING = [
  'addInjectedImage',
  'addSidecarResources',
  'addPodAnnotations',
  'addProjectedServiceAccountToken',
  'setRuntimeClassName',
  'deployment',
] as const;

describe.each(ALL_SHAPES.map((s) => [s.name, s] as const))('%s: public surface', (_name, shape) => {
  test('no plumbing mutators and no raw workload field on the agent', () => {
    const { ns } = fixture();
    const agent = shape.build(ns, 'bot') as unknown as Record<string, unknown>;
    for (const name of PLUMBING) expect([name, typeof agent[name]]).toEqual([name, 'undefined']);
  });

  test('the escape hatch is the workload object, also reachable as ApiObject.of(agent)', () => {
    const { ns } = fixture();
    const agent = shape.build(ns, 'bot');
    const raw = agent.escapeHatch();
    expect(raw.kind).toBe(shape.kind);
    expect(ApiObject.of(agent) === raw).toBe(true);
  });

  test('a weakening patched through the escape hatch still fails synth-time validation', () => {
    const f = fixture();
    const agent = shape.build(f.ns, 'bot');
    addImagePolicy(f);
    const podSpec = shape.kind === 'CronJob' ? '/spec/jobTemplate/spec/template/spec' : '/spec/template/spec';
    agent.escapeHatch().addJsonPatch(JsonPatch.add(`${podSpec}/hostNetwork`, true));
    expect(() => f.app.synthYaml()).toThrow(
      new RegExp(`\\[PSS-hostNamespaces\\] ${shape.kind}/agents/bot at .*hostNetwork: pod sets hostNetwork: true`),
    );
  });

  test('the audit policy finds it as an agent', () => {
    const f = fixture();
    const agent = shape.build(f.ns, 'bot');
    expect(isAgentPod(agent)).toBe(true);
    expect(findAgents(f.app).map((a: IAgentPod) => a.agentName)).toEqual(['bot']);
  });
});

test('the type system keeps plumbing off the agent', () => {
  const { ns } = fixture();
  const agent = new HardenedAgent(ns, 'bot', { image: IMAGE, ports: [{ name: 'http', port: 8080 }] });
  // @ts-expect-error plumbing is reached through podPlumbing(agent), not the agent
  expect(agent.addInjectedImage).toBeUndefined();
  // @ts-expect-error the Deployment is reached through escapeHatch()
  expect(agent.deployment).toBeUndefined();
});

describe('tables keyed by a union: a member added without an entry does not compile', () => {
  type Widened<T extends string> = T | 'a-new-member';
  test('CNI, mesh, image-policy engine and Vault mode lists are the keys of their tables', () => {
    // @ts-expect-error a table over CniFlavor lacks any new member
    const cni: Record<Widened<CniFlavor>, unknown> = CNI_CAPABILITIES;
    // @ts-expect-error a table over MeshFlavor lacks any new member
    const mesh: Record<Widened<MeshFlavor>, unknown> = MESH_CAPABILITIES;
    // @ts-expect-error a table over the workload kinds lacks any new member
    const kinds: Record<Widened<IAgentPod['workloadKind']>, unknown> = WORKLOAD_KIND_TRAITS;
    expect([cni, mesh, kinds].every(Boolean)).toBe(true);
    expect(CNI_FLAVORS).toEqual(['generic', 'cilium']);
    expect(MESH_FLAVORS).toEqual(['none', 'istio']);
    expect(IMAGE_POLICY_ENGINES).toEqual<ImagePolicyEngine[]>(['vap', 'kyverno', 'sigstore']);
    expect(VAULT_DELIVERY_MODES).toEqual<VaultDeliveryMode[]>(['injector', 'operator', 'csi']);
  });

  test.each([
    ['lib/vault/secrets.ts', 'Record<VaultDeliveryMode,'],
    ['lib/image-policy/policy.ts', 'Record<ImagePolicyEngine,'],
    ['lib/rbac/people.ts', 'Record<CniFlavor,'],
    ['lib/rbac/people.ts', 'Record<MeshFlavor,'],
    ['lib/rbac/people.ts', 'Record<ImagePolicyEngine,'],
  ])('%s dispatches through %s', (file, table) => {
    expect(fs.readFileSync(path.join(__dirname, '../..', file), 'utf8')).toContain(table);
  });
});

describe('layering: features depend on the pod contract, never on a concrete agent', () => {
  const LIB = path.join(__dirname, '../../lib');
  const FEATURES = [
    'agent-pod',
    'vault',
    'guardrails',
    'identity',
    'network',
    'rbac',
    'audit',
    'namespace',
    'image-policy',
  ];
  const files = FEATURES.flatMap((dir) =>
    fs
      .readdirSync(path.join(LIB, dir))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => path.join(dir, f)),
  );
  test.each(files)('lib/%s imports nothing from lib/workload (type imports included)', (file) => {
    const text = fs.readFileSync(path.join(LIB, file), 'utf8');
    expect(text.match(/from '\.\.\/workload[^']*'/g) ?? []).toEqual([]);
  });
});

describe('props in the cdk8s-plus style', () => {
  test.each(['lib/agent-pod/props.ts', 'lib/workload/props.ts', 'lib/agent-pod/contract.ts'])(
    '%s: every optional prop has JSDoc with @default',
    (file) => {
      const text = fs.readFileSync(path.join(__dirname, '../..', file), 'utf8');
      const missing: string[] = [];
      const re = /(\/\*\*(?:(?!\*\/)[\s\S])*\*\/\s*)?readonly (\w+)\?:/g;
      for (let m = re.exec(text); m; m = re.exec(text)) if (!m[1]?.includes('@default')) missing.push(m[2]);
      expect(missing).toEqual([]);
    },
  );
});
