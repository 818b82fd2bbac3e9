import { Testing } from 'cdk8s';
import { AgentBaselineError } from '../../lib/core';
import { AgentNamespace } from '../../lib/namespace';
import { AgentPlatform } from '../../lib/platform';
import { HardenedAgent, HardenedAgentProps } from '../../lib/workload';
import { appObjects } from '../helpers/synth';

const IMAGE =
  'ghcr.io/acme-ai/tool-runner:0.9.0@sha256:9a8b7c6d5e4f30211f2e3d4c5b6a79880f1e2d3c4b5a69788796a5b4c3d2e1f0';

/** Props that give an agent cluster-scoped objects named after `<namespace>-<agent>`. */
const CLUSTER_SCOPED: Array<[string, Partial<HardenedAgentProps>, string, string, string]> = [
  [
    'a cluster-wide API grant (ClusterRole)',
    { apiGrants: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get'], clusterWide: true }] },
    'ClusterRole',
    "'a-b-c-api'",
    "'<namespace>-<agent>-api'",
  ],
  [
    'Job guardrails (admission policies)',
    { guardrails: { allowedRegistries: ['ghcr.io/acme-ai'] } },
    'ValidatingAdmissionPolicy',
    "'a-b-c-job-guardrail'",
    "'<namespace>-<agent>-job-guardrail', '<namespace>-<agent>-job-approval'",
  ],
];

function agent(platform: AgentPlatform, namespace: string, name: string, props: Partial<HardenedAgentProps>) {
  const ns =
    (platform.node.tryFindChild(namespace) as AgentNamespace | undefined) ?? new AgentNamespace(platform, namespace);
  return new HardenedAgent(ns, name, { image: IMAGE, ports: [{ name: 'http', port: 8080 }], ...props });
}

describe('cluster-scoped names built from <namespace>-<agent> are refused when two agents would share one', () => {
  it.each(CLUSTER_SCOPED)(
    '%s: namespace a-b with agent c, then namespace a with agent b-c',
    (_what, props, kind, name, pattern) => {
      const platform = new AgentPlatform(Testing.app(), 'platform', {
        apiServerEndpoints: { cidrs: ['192.0.2.10/32'], port: 443 },
      });
      agent(platform, 'a-b', 'c', props);
      let error: unknown;
      try {
        agent(platform, 'a', 'b-c', props);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AgentBaselineError);
      expect((error as Error).message).toBe(
        `[platform/a/b-c] agentName: invalid value "b-c" (its ${kind} would be named ${name}, which is already platform/a-b/c's). Allowed: another agentName or namespace name, so that the names built as ${pattern} are unique in the platform`,
      );
    },
  );

  it.each(CLUSTER_SCOPED)('%s: distinct names in both orders still synthesize', (_what, props) => {
    const app = Testing.app();
    const platform = new AgentPlatform(app, 'platform', {
      apiServerEndpoints: { cidrs: ['192.0.2.10/32'], port: 443 },
    });
    agent(platform, 'a-b', 'c', props);
    agent(platform, 'a', 'c', props);
    agent(platform, 'b', 'a-b', props);
    expect(appObjects(app).length).toBeGreaterThan(0);
  });
});
