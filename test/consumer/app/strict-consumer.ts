/**
 * Type-checked in the consumer app under strict, noUncheckedIndexedAccess and
 * exactOptionalPropertyTypes, without skipLibCheck: every cdk8s entry point's .d.ts must compile.
 */
import * as root from 'agent-baseline';
import { writeAuditPolicy } from 'agent-baseline/audit';
import { AgentBaselineError, ClusterSettings } from 'agent-baseline/core';
import * as guardrails from 'agent-baseline/guardrails';
import * as identity from 'agent-baseline/identity';
import * as imagePolicy from 'agent-baseline/image-policy';
import { AgentNamespace, AgentNamespaceProps } from 'agent-baseline/namespace';
import { Peer } from 'agent-baseline/network';
import { AgentApp, AgentPlatform } from 'agent-baseline/platform';
import * as rbac from 'agent-baseline/rbac';
import { KubeObject, Report, runRules } from 'agent-baseline/rules';
import { writeVaultArtifacts } from 'agent-baseline/vault';
import { HardenedAgent, HardenedAgentProps } from 'agent-baseline/workload';
import { buildProgram } from 'agent-baseline/cli';
import { AgentBaselineValidation } from 'agent-baseline/plugin';

const settings: ClusterSettings = { kubernetesVersion: '1.30' };
const app = new AgentApp();
const platform = new AgentPlatform(app, 'platform', settings);
const nsProps: AgentNamespaceProps = {};
const ns = new AgentNamespace(platform, 'agents', nsProps);
const props: HardenedAgentProps = {
  image: 'registry.example.com/a:1@sha256:3333333333333333333333333333333333333333333333333333333333333333',
};
const agent = new HardenedAgent(ns, 'a', props);
agent.allowEgressTo(Peer.cidr('203.0.113.0/24'), 443);
const objects: KubeObject[] = app.synthCharts().flatMap((c) => c.objects as KubeObject[]);
const report: Report = runRules(objects);
const first = report.results[0]; // noUncheckedIndexedAccess: possibly undefined
export const summary: string = `${first?.name ?? 'none'} ${report.results.length}`;
export const used = [
  root,
  guardrails,
  identity,
  imagePolicy,
  rbac,
  AgentBaselineError,
  buildProgram,
  AgentBaselineValidation,
];
writeAuditPolicy(app, app.outdir);
writeVaultArtifacts(app, app.outdir);
