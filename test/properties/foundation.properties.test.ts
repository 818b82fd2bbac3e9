import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Testing } from 'cdk8s';
import fc from 'fast-check';
import { AgentBaselineError } from '../../lib/core';
import { ImagePolicy } from '../../lib/image-policy';
import { AgentNamespace } from '../../lib/namespace';
import { AgentPlatform } from '../../lib/platform';
import { HardenedAgent, HardenedAgentProps } from '../../lib/workload';
import { appObjects, podSpecOf } from '../helpers/synth';
import { expectHardenedPodSpec, failingFindings, schemaErrors } from './checks';
import { IMAGE_PREFIXES, NUM_RUNS, ROOMY_QUOTA, agentProps, dnsLabel, kubernetesVersion } from './arbitraries';

function build(app: App, version: string, namespace: string, agents: Array<[string, HardenedAgentProps]>) {
  const platform = new AgentPlatform(app, 'platform', { kubernetesVersion: version });
  const ns = new AgentNamespace(platform, namespace, { quota: ROOMY_QUOTA });
  for (const [name, props] of agents) new HardenedAgent(ns, name, props);
  // The agent pack (run at synth) requires every agent namespace to be covered by an image policy.
  new ImagePolicy(platform, 'ImagePolicy', { allowedPrefixes: IMAGE_PREFIXES.map((p) => `${p}/`) });
  return appObjects(app);
}

const agentsArb = fc.uniqueArray(fc.tuple(dnsLabel, agentProps), {
  minLength: 1,
  maxLength: 3,
  selector: ([name]) => name,
});

describe('every valid configuration', () => {
  test('synthesizes, validates against the OpenAPI schema, keeps the baseline and is deterministic', () => {
    fc.assert(
      fc.property(
        kubernetesVersion,
        dnsLabel.filter((n) => !n.startsWith('kube-') && n !== 'default'),
        agentsArb,
        (version, namespace, agents) => {
          const objects = build(Testing.app(), version, namespace, agents);
          expect(objects.map(schemaErrors).filter(Boolean)).toEqual([]);
          expect(failingFindings(objects)).toEqual([]);
          for (const obj of objects.filter((o) => podSpecOf(o))) {
            const spec = podSpecOf(obj) as Record<string, unknown>;
            expectHardenedPodSpec(spec);
          }
          const again = build(Testing.app(), version, namespace, agents);
          expect(JSON.stringify(again)).toBe(JSON.stringify(objects));
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });
});

type Mutation = [field: string, mutate: (p: HardenedAgentProps) => HardenedAgentProps];

/** Mutations that make a valid configuration invalid, and the field each must be blamed on. */
const mutations: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constantFrom<Mutation>(
    ['image', (p) => ({ ...p, image: p.image.split('@')[0] })],
    ['image', (p) => ({ ...p, image: `${p.image.slice(0, -1)}` })],
    ['image', (p) => ({ ...p, image: '' })],
    ['image', (p) => ({ ...p, image: p.image.toUpperCase() })],
    ['replicas', (p) => ({ ...p, replicas: 0 })],
    ['runAsUser', (p) => ({ ...p, runAsUser: 10000 })],
    ['runAsGroup', (p) => ({ ...p, runAsGroup: -1 })],
    ['fsGroup', (p) => ({ ...p, fsGroup: 1.5 })],
    ['writablePaths[0]', (p) => ({ ...p, writablePaths: ['relative/path'] })],
    ['writablePaths[0]', (p) => ({ ...p, writablePaths: [''] })],
    ['resources.cpu.request', (p) => ({ ...p, resources: { ...p.resources, cpu: { request: '1 core' } } })],
    [
      'resources.memory.limit',
      (p) => ({ ...p, resources: { ...p.resources, memory: { request: '2Gi', limit: '1Gi' } } }),
    ],
    ['resources.cpu.limit', (p) => ({ ...p, resources: { ...p.resources, cpu: { request: '1', limit: '4001m' } } })],
    [
      'resources.memory.limit',
      (p) => ({ ...p, resources: { ...p.resources, memory: { request: '1Gi', limit: '9Gi' } } }),
    ],
    ['config.SERVICE_TOKEN', (p) => ({ ...p, config: { ...p.config, SERVICE_TOKEN: 'abc' } })],
    ['ports[0].port', (p) => ({ ...p, ports: [{ name: 'web', port: 443 }] })],
    ['ports[0].name', (p) => ({ ...p, ports: [{ name: '', port: 8080 }] })],
    ['name', (p) => ({ ...p, name: 'Ünïcode' })],
    ['name', (p) => ({ ...p, name: '' })],
    ['name', (p) => ({ ...p, name: 'a'.repeat(64) })],
  ),
  fc
    .string({ minLength: 1, maxLength: 8 })
    .filter((s) => !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s))
    .map<Mutation>((bad) => ['name', (p) => ({ ...p, name: bad })]),
  fc
    .integer({ min: -100000, max: 1023 })
    .map<Mutation>((port) => ['ports[0].port', (p) => ({ ...p, ports: [{ name: 'web', port }] })]),
);

describe('every invalid configuration', () => {
  test('throws AgentBaselineError naming the construct path and the field, and writes nothing', () => {
    fc.assert(
      fc.property(agentProps, mutations, (props, [field, mutate]) => {
        const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-baseline-prop-'));
        const app = new App({ outdir });
        let error: unknown;
        try {
          build(app, '1.28', 'agents', [['bot', mutate(props)]]);
          app.synth();
        } catch (e) {
          error = e;
        }
        const written = fs.readdirSync(outdir);
        fs.rmSync(outdir, { recursive: true, force: true });
        expect(error).toBeInstanceOf(AgentBaselineError);
        expect((error as AgentBaselineError).details.path).toBe('platform/agents/bot');
        expect((error as AgentBaselineError).message).toContain(`[platform/agents/bot] ${field}`);
        expect(written).toEqual([]);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
