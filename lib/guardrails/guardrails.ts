import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { checkProps, claimClusterScopedName } from '../core';
import { GUARDRAILS_PROPS_SCHEMA } from './schema';
import {
  MANAGED_BY,
  invalidProp,
  requireDnsLabel,
  requireInteger,
  requireNonEmptyString,
  serviceAccountUsername,
} from '../core';
import type { IAgentPod } from '../agent-pod/contract';
import { AdmissionObject, renderApprovalPolicy, renderJobGuardrail } from './admission';
import {
  CREATED_BY_LABEL,
  DEFAULT_MAX_ACTIVE_DEADLINE_SECONDS,
  DEFAULT_MAX_JOBS,
  DEFAULT_MAX_TTL_SECONDS_AFTER_FINISHED,
} from '../common/guardrail-constants';
import { AgentActionQuota } from './quota';
import { AgentApiObject } from '../platform/api-object';

/** Human approval of the Jobs an agent creates. */
export interface JobApproval {
  /** The only group whose members may approve (add the approval annotation). */
  readonly approverGroup: string;
}

/** Props of {@link AgentGuardrails}: what the Jobs an agent creates may be. */
export interface AgentGuardrailsProps {
  /**
   * Where the images of created Jobs may come from: registries or repository prefixes such as
   * `ghcr.io/acme-ai`. Matched on whole path components; images must be fully qualified.
   */
  readonly allowedRegistries: readonly string[];
  /** Jobs the agent may have at once; adds to the namespace's `count/jobs.batch` quota. @default 5 */
  readonly maxJobs?: number;
  /** ServiceAccounts created Jobs may run as; never the agent's own. @default none: only the token-less `default` */
  readonly serviceAccountNames?: readonly string[];
  /** Upper bound on a created Job's `activeDeadlineSeconds`. @default 3600 */
  readonly maxActiveDeadlineSeconds?: number;
  /** Upper bound on a created Job's `ttlSecondsAfterFinished`. @default 86400 */
  readonly maxTtlSecondsAfterFinished?: number;
  /** Require human approval before a created Job runs. @default no approval step */
  readonly approval?: JobApproval;
}

const HOST = /^(localhost|[a-z0-9-]+(\.[a-z0-9-]+)+|[a-z0-9.-]+:\d{1,5})$/;
const PATH_COMPONENT = /^[a-z0-9]+([._-]+[a-z0-9]+)*$/;
const BROAD_GROUPS = /^system:(authenticated|unauthenticated|serviceaccounts(:.*)?|masters)$/;

/**
 * Bounds what an agent may create: a share of the namespace's Job quota, and a
 * ValidatingAdmissionPolicy matched on the agent's own username that lets it create only bounded,
 * labelled, restricted Jobs from allowed registries in its own namespace, optionally held for
 * human approval.
 */
export class AgentGuardrails extends Construct {
  /** Labels every Job the agent creates must carry (on the Job and its pod template). */
  public readonly createdWorkloadLabels: Record<string, string>;
  /**
   * The cluster-scoped admission objects: the Job guardrail policy and binding, plus the approval policy and
   * binding when approval is required.
   */
  public readonly policies: ApiObject[];

  constructor(agent: IAgentPod, id: string, props: AgentGuardrailsProps) {
    super(agent, id);
    checkProps(agent, GUARDRAILS_PROPS_SCHEMA, props, 'guardrails');
    const settings = agent.platform.settings;
    if (!settings.imagePolicyEngines.includes('vap')) {
      invalidProp(
        this,
        'guardrails',
        settings.imagePolicyEngines,
        "a platform whose imagePolicyEngines include 'vap'",
        'the admission guardrail would be emitted but never enforced',
      );
    }
    const ns = agent.namespace.name;
    this.createdWorkloadLabels = { [CREATED_BY_LABEL]: agent.agentName, 'app.kubernetes.io/part-of': ns };
    const maxJobs = requireInteger(this, 'guardrails.maxJobs', props.maxJobs ?? DEFAULT_MAX_JOBS, 1, 1000);
    AgentActionQuota.of(agent.namespace).addAgent(agent.agentName, maxJobs);
    const labels = {
      'app.kubernetes.io/managed-by': MANAGED_BY,
      'app.kubernetes.io/part-of': ns,
      'app.kubernetes.io/component': 'guardrail',
    };
    const common = { kubernetesMinor: settings.kubernetesMinor, namespace: ns, agentName: agent.agentName, labels };
    const foreign = foreignServiceAccountProblem(agent, props.serviceAccountNames ?? []);
    if (foreign) refuseForeignServiceAccount(this, ...foreign);
    this.node.addValidation({
      validate: () => {
        const later = foreignServiceAccountProblem(agent, props.serviceAccountNames ?? []);
        if (!later) return [];
        try {
          refuseForeignServiceAccount(this, ...later);
        } catch (e) {
          return [(e as Error).message];
        }
        return [];
      },
    });
    const objects = renderJobGuardrail({
      ...common,
      username: serviceAccountUsername(ns, agent.serviceAccountName),
      requiredLabels: this.createdWorkloadLabels,
      allowedImagePrefixes: checkRegistries(this, props.allowedRegistries),
      serviceAccountNames: checkServiceAccounts(this, props.serviceAccountNames ?? [], agent.serviceAccountName),
      maxActiveDeadlineSeconds: requireInteger(
        this,
        'guardrails.maxActiveDeadlineSeconds',
        props.maxActiveDeadlineSeconds ?? DEFAULT_MAX_ACTIVE_DEADLINE_SECONDS,
        1,
        86400,
      ),
      maxTtlSecondsAfterFinished: requireInteger(
        this,
        'guardrails.maxTtlSecondsAfterFinished',
        props.maxTtlSecondsAfterFinished ?? DEFAULT_MAX_TTL_SECONDS_AFTER_FINISHED,
        0,
        604800,
      ),
      requireApproval: props.approval !== undefined,
    });
    if (props.approval)
      objects.push(
        ...renderApprovalPolicy({ ...common, approverGroup: checkApprover(this, props.approval.approverGroup) }),
      );
    // Admission policies are cluster-scoped, so they go in the platform chart.
    this.policies = objects.map((o) => toApiObject(agent, o));
  }
}

function toApiObject(agent: IAgentPod, o: AdmissionObject): ApiObject {
  claimClusterScopedName(agent.platform, {
    owner: agent,
    kind: o.kind,
    name: o.metadata.name,
    field: 'agentName',
    value: agent.agentName,
    pattern: "'<namespace>-<agent>-job-guardrail', '<namespace>-<agent>-job-approval'",
  });
  return new AgentApiObject(agent.platform, `${o.metadata.name}-${o.kind}`, {
    apiVersion: o.apiVersion,
    kind: o.kind,
    metadata: o.metadata,
    spec: o.spec,
  });
}

function checkRegistries(scope: Construct, registries: readonly string[]): string[] {
  if (!Array.isArray(registries) || registries.length === 0) {
    invalidProp(
      scope,
      'guardrails.allowedRegistries',
      registries,
      "at least one registry or repository prefix, e.g. 'ghcr.io/acme-ai'",
    );
  }
  return registries.map((r, i) => {
    const prefix = typeof r === 'string' ? r.replace(/\/+$/, '') : r;
    const [host, ...path] = typeof prefix === 'string' ? prefix.split('/') : [];
    if (typeof prefix !== 'string' || !HOST.test(host ?? '') || !path.every((p) => PATH_COMPONENT.test(p))) {
      invalidProp(
        scope,
        `guardrails.allowedRegistries[${i}]`,
        r,
        "a registry host with an optional repository prefix, e.g. 'ghcr.io' or 'ghcr.io/acme-ai' (no wildcards, no scheme)",
        'a pattern broader than a registry lets the agent run any image',
      );
    }
    return prefix;
  });
}

/**
 * A ServiceAccount another agent of the namespace runs as carries that agent's RBAC and Vault
 * role; Jobs running as it would act with them. Agents added later are caught at synth by the
 * same check (node validation) and by the rule engine (AGT-GuardrailServiceAccount).
 */
function otherAgentServiceAccount(agent: IAgentPod, name: string): string | undefined {
  // Structural: any agent shape (HardenedAgent, AgentPod, ...) names its ServiceAccount.
  const others = agent.namespace.node
    .findAll()
    .filter(
      (c): c is IConstruct & { agentName: string; serviceAccountName: string } =>
        c !== agent &&
        typeof (c as { agentName?: unknown }).agentName === 'string' &&
        typeof (c as { serviceAccountName?: unknown }).serviceAccountName === 'string',
    );
  return others.find((o) => o.agentName !== agent.agentName && o.serviceAccountName === name)?.agentName;
}

function foreignServiceAccountProblem(
  agent: IAgentPod,
  names: readonly string[],
): [number, string, string] | undefined {
  for (const [i, n] of names.entries()) {
    const other = otherAgentServiceAccount(agent, n);
    if (other) return [i, n, other];
  }
  return undefined;
}

function refuseForeignServiceAccount(scope: Construct, i: number, name: string, other: string): never {
  return invalidProp(
    scope,
    `guardrails.serviceAccountNames[${i}]`,
    name,
    'a dedicated ServiceAccount that no agent runs as',
    `it is the ServiceAccount of agent '${other}': Jobs running as it act with that agent's RBAC grants and Vault role`,
  );
}

function checkServiceAccounts(scope: Construct, names: readonly string[], agentSa: string): string[] {
  return names.map((n, i) => {
    requireDnsLabel(scope, `guardrails.serviceAccountNames[${i}]`, n);
    if (n === agentSa) {
      invalidProp(
        scope,
        `guardrails.serviceAccountNames[${i}]`,
        n,
        `a ServiceAccount other than the agent's own ('${agentSa}')`,
        'a Job running as the agent could create further Jobs outside its bounds and acts with all of its permissions',
      );
    }
    return n;
  });
}

function checkApprover(scope: Construct, group: unknown): string {
  requireNonEmptyString(scope, 'guardrails.approval.approverGroup', group, 253);
  if (BROAD_GROUPS.test(group as string)) {
    invalidProp(
      scope,
      'guardrails.approval.approverGroup',
      group,
      'a dedicated group of human approvers',
      'a system group includes the agents themselves, so they could approve their own Jobs',
    );
  }
  return group as string;
}
