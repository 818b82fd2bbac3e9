/**
 * The record of processing activities (GDPR Art. 30(1)) as far as the platform knows it: for each
 * agent, its declared categories, purposes, lawful basis and retention, its recipients (egress
 * endpoints with their regions) and the technical measures the baseline applies to it (Art. 30(1)(g),
 * 32). Where Kubernetes cannot enforce retention (volumes, logs), the record states the obligation
 * and the settings for the operator. Evidence of what is declared and deployed, not legal advice:
 * the controller's name, the data subjects and the DPO's review are the operator's to add.
 */
import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { compareText } from '../core';
import { IAgentPod, isAgentPod } from '../agent-pod/contract';
import { AgentEdgeIdentity } from '../identity/identity';
import { AgentGateway } from '../gateway/gateway';
import { AgentVaultSecrets } from '../vault/secrets';

/** Directory, under the output directory, the record is written to. */
export const RECORD_OF_PROCESSING_DIR = 'gdpr';
/** File name of the record without extension; it is written as `.md` and `.json`. */
export const RECORD_OF_PROCESSING_BASENAME = 'record-of-processing';

/** A recipient of the agent's data: one egress endpoint its NetworkPolicy allows. */
export interface RecordRecipient {
  /** What kind of destination the egress rule names. */
  readonly kind: 'cidr' | 'fqdn' | 'in-cluster' | 'internet';
  /** The destination: an address block, a DNS name or an in-cluster peer. */
  readonly endpoint: string;
  /** `'undeclared'` when the endpoint has no region. */
  readonly region: string;
  /** Allowed ports as `<protocol>/<port>` or `<protocol>/<port>-<endPort>` (`any` for all ports). */
  readonly ports: readonly string[];
}

/** How long the agent's data is kept, and who enforces it. */
export interface RecordRetention {
  /** Declared retention in days. @default undefined (meaning none is declared) */
  readonly days?: number;
  /** Where the platform enforces it. */
  readonly enforced: readonly string[];
  /** What the operator must enforce, with the settings to use. */
  readonly operator: readonly string[];
}

/** One agent's processing activity in the record. */
export interface RecordEntry {
  /** The agent's namespace. */
  readonly namespace: string;
  /** The agent's name. */
  readonly agent: string;
  /** The kind of its workload object (Deployment, StatefulSet, Job, CronJob). */
  readonly workload: string;
  /** False for an agent without a data declaration: its processing is unknown. */
  readonly declared: boolean;
  /** Declared data categories (empty when undeclared). */
  readonly categories: readonly string[];
  /** Whether the declared data is personal data (false when undeclared). */
  readonly personalData: boolean;
  /** Declared purposes of the processing (empty when undeclared). */
  readonly purposes: readonly string[];
  /** Declared lawful basis (Art. 6). @default undefined (meaning none declared) */
  readonly lawfulBasis?: string;
  /** Regions the data may be sent to (empty when undeclared). */
  readonly regions: readonly string[];
  /** Every egress endpoint of the agent, with its region. */
  readonly recipients: readonly RecordRecipient[];
  /** Declared retention and where it is enforced. */
  readonly retention: RecordRetention;
  /** The technical and organisational measures (Art. 32) the baseline applies to the agent. */
  readonly technicalMeasures: readonly string[];
}

/** The record of processing activities (GDPR Art. 30(1)) for every agent, as written to `gdpr/record-of-processing.json`. */
export interface RecordOfProcessing {
  /** Identifies the generator. */
  readonly generatedBy: 'agent-baseline';
  /** States that the record is evidence, not legal advice (RECORD_DISCLAIMER). */
  readonly disclaimer: string;
  /** Distinct `clusterRegion` settings of the agents' platforms, sorted. */
  readonly clusterRegions: readonly string[];
  /** One entry per agent, sorted by namespace and agent. */
  readonly entries: readonly RecordEntry[];
}

/** The record's disclaimer: what it is evidence of, and what is left for the operator to add. */
export const RECORD_DISCLAIMER =
  'Generated from the agents’ data declarations and the deployed controls: evidence of what is declared and enforced, not legal advice. The controller, data subjects, DPO contact and any processor contracts are for the operator to add.';

const SECONDS_PER_DAY = 86400;
type Json = Record<string, unknown>;
const rec = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});

/** The pod spec and the run TTL of the agent's workload, as it is synthesized. */
function workloadFacts(agent: IAgentPod): { podSpec: Json; ttl?: number } {
  const json = rec(ApiObject.of(agent).toJson());
  const spec = rec(json.spec);
  switch (agent.workloadKind) {
    case 'CronJob': {
      const job = rec(rec(spec.jobTemplate).spec);
      return {
        podSpec: rec(rec(job.template).spec),
        ttl: typeof job.ttlSecondsAfterFinished === 'number' ? job.ttlSecondsAfterFinished : undefined,
      };
    }
    case 'Job':
      return {
        podSpec: rec(rec(spec.template).spec),
        ttl: typeof spec.ttlSecondsAfterFinished === 'number' ? spec.ttlSecondsAfterFinished : undefined,
      };
    case 'Deployment':
    case 'StatefulSet':
      return { podSpec: rec(rec(spec.template).spec) };
  }
}

/** Seconds in the largest whole unit: `30 days`, `1 hour`, `90 seconds`. */
function duration(seconds: number): string {
  const [n, unit] =
    seconds % SECONDS_PER_DAY === 0 && seconds > 0
      ? [seconds / SECONDS_PER_DAY, 'day']
      : seconds % 3600 === 0 && seconds > 0
        ? [seconds / 3600, 'hour']
        : [seconds, 'second'];
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

function retentionOf(agent: IAgentPod, ttl: number | undefined): RecordRetention {
  const days = agent.dataDeclaration?.retentionDays;
  const enforced: string[] = [];
  const operator: string[] = [];
  if (ttl !== undefined)
    enforced.push(
      `finished ${agent.workloadKind === 'CronJob' ? 'runs (Jobs)' : 'Job'} deleted ${duration(ttl)} after completion (ttlSecondsAfterFinished: ${ttl})`,
    );
  if (agent.workloadKind === 'CronJob') enforced.push('CronJob history limits bound how many finished runs are kept');
  if (days !== undefined) {
    operator.push(
      `API-server audit log: keep at most ${days} days (kube-apiserver --audit-log-maxage=${days}) or the log backend's equivalent`,
      `container logs shipped off the node: delete after ${days} days in the log store (kubelet rotates by size only: containerLogMaxSize, containerLogMaxFiles)`,
    );
    if (agent.workloadKind === 'StatefulSet')
      operator.push(
        `persistent volumes: delete records older than ${days} days in the application or by a scheduled job; Kubernetes has no age-based volume retention`,
      );
    operator.push(`backups and snapshots of the agent's data: expire after ${days} days`);
  }
  return { days, enforced, operator };
}

function measuresOf(agent: IAgentPod, podSpec: Json, gateways: readonly AgentGateway[]): string[] {
  const measures = [
    'Pod Security "restricted": non-root, read-only root filesystem, all capabilities dropped, seccomp RuntimeDefault',
    'dedicated ServiceAccount without an automounted API token',
    'default-deny NetworkPolicy: egress only to the recipients listed, each checked against the declared regions at synth',
    'audit policy (dist/audit/audit-policy.yaml): the agent’s API requests at RequestResponse, requests in its namespace at Metadata or above',
  ];
  const vault = AgentVaultSecrets.of(agent);
  if (vault)
    measures.push(`secrets delivered from Vault (${vault.plan.mode}) as read-only files, never in env or manifests`);
  if (typeof podSpec.runtimeClassName === 'string')
    measures.push(`sandboxed runtime (RuntimeClass ${podSpec.runtimeClassName})`);
  const key = `${agent.namespace.name}/${agent.agentName}`;
  const viaGateway = gateways.filter((g) => g.exposedAgents.includes(key)).map((g) => g.gatewayName);
  if (viaGateway.length > 0)
    measures.push(`reached only through the authenticating gateway ${viaGateway.join(', ')} (OIDC/JWT)`);
  if (agent.node.children.some((c) => c instanceof AgentEdgeIdentity))
    measures.push('JWT check at the agent (Istio RequestAuthentication)');
  return measures;
}

function entryOf(agent: IAgentPod, gateways: readonly AgentGateway[]): RecordEntry {
  const data = agent.dataDeclaration;
  const { podSpec, ttl } = workloadFacts(agent);
  return {
    namespace: agent.namespace.name,
    agent: agent.agentName,
    workload: agent.workloadKind,
    declared: data !== undefined,
    categories: data?.categories ?? [],
    personalData: data?.personal ?? false,
    purposes: data?.purposes ?? [],
    lawfulBasis: data?.lawfulBasis,
    regions: data?.regions ?? [],
    recipients: agent.network.egressEndpoints.map((e) => ({
      kind: e.kind,
      endpoint: e.endpoint,
      region: e.region ?? 'undeclared',
      ports: e.ports.map((p) => `${p.protocol}/${p.port ?? 'any'}${p.endPort ? `-${p.endPort}` : ''}`),
    })),
    retention: retentionOf(agent, ttl),
    technicalMeasures: measuresOf(agent, podSpec, gateways),
  };
}

/** The record for every agent under `root`, sorted by namespace and agent. Call after construction. */
export function recordOfProcessing(root: IConstruct): RecordOfProcessing {
  const all = root.node.findAll();
  const gateways = all.filter((c): c is AgentGateway => c instanceof AgentGateway);
  const agents = all.filter(isAgentPod);
  const entries = agents
    .map((a) => entryOf(a, gateways))
    .sort((a, b) => compareText(`${a.namespace}/${a.agent}`, `${b.namespace}/${b.agent}`));
  const clusterRegions = [
    ...new Set(agents.map((a) => a.platform.settings.clusterRegion).filter((r): r is string => r !== undefined)),
  ].sort();
  return { generatedBy: 'agent-baseline', disclaimer: RECORD_DISCLAIMER, clusterRegions, entries };
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The record as Markdown, for the data protection officer. */
export function recordOfProcessingMarkdown(record: RecordOfProcessing): string {
  const lines = [
    '# Record of processing activities (GDPR Art. 30)',
    '',
    `> ${record.disclaimer}`,
    '',
    `Cluster region: ${record.clusterRegions.join(', ') || 'undeclared'}`,
    '',
    '| Namespace | Agent | Categories | Purposes | Lawful basis | Regions | Retention |',
    '|---|---|---|---|---|---|---|',
    ...record.entries.map(
      (e) =>
        `| ${e.namespace} | ${e.agent} | ${e.declared ? cell(e.categories.join(', ')) : '**undeclared**'} | ${cell(e.purposes.join('; ') || '-')} | ${e.lawfulBasis ?? '-'} | ${e.regions.join(', ') || '-'} | ${e.retention.days === undefined ? '-' : `${e.retention.days} days`} |`,
    ),
    '',
  ];
  for (const e of record.entries) {
    lines.push(`## ${e.namespace}/${e.agent} (${e.workload})`, '');
    lines.push(`- Data: ${e.declared ? e.categories.join(', ') : 'undeclared (unknown processing)'}`);
    if (e.purposes.length) lines.push(`- Purposes: ${e.purposes.join('; ')}`);
    if (e.lawfulBasis) lines.push(`- Lawful basis (Art. 6(1)): ${e.lawfulBasis}`);
    if (e.regions.length) lines.push(`- Allowed regions: ${e.regions.join(', ')}`);
    lines.push('', '### Recipients (egress endpoints)', '');
    if (e.recipients.length === 0) lines.push('None besides cluster DNS.');
    else {
      lines.push('| Kind | Endpoint | Region | Ports |', '|---|---|---|---|');
      for (const r of e.recipients)
        lines.push(`| ${r.kind} | ${cell(r.endpoint)} | ${r.region} | ${r.ports.join(', ')} |`);
    }
    lines.push('', '### Retention', '');
    lines.push(`- Declared: ${e.retention.days === undefined ? 'none' : `${e.retention.days} days`}`);
    for (const x of e.retention.enforced) lines.push(`- Enforced by the platform: ${x}`);
    for (const x of e.retention.operator) lines.push(`- For the operator: ${x}`);
    lines.push('', '### Technical measures (Art. 32)', '');
    for (const m of e.technicalMeasures) lines.push(`- ${m}`);
    lines.push('');
  }
  return lines.join('\n');
}

/**
 * Writes `<outdir>/gdpr/record-of-processing.md` and `.json`. Call it after `app.synth()`, which
 * empties the output directory. Returns the paths written (none when there are no agents).
 */
export function writeRecordOfProcessing(root: IConstruct, outdir: string): string[] {
  const record = recordOfProcessing(root);
  if (record.entries.length === 0) return [];
  const dir = join(outdir, RECORD_OF_PROCESSING_DIR);
  mkdirSync(dir, { recursive: true });
  const md = join(dir, `${RECORD_OF_PROCESSING_BASENAME}.md`);
  const json = join(dir, `${RECORD_OF_PROCESSING_BASENAME}.json`);
  writeFileSync(md, recordOfProcessingMarkdown(record));
  writeFileSync(json, `${JSON.stringify(record, null, 2)}\n`);
  return [md, json];
}
