import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import {
  CniFlavor,
  IMAGE_POLICY_ENGINES,
  ImagePolicyEngine,
  MeshFlavor,
  ResolvedClusterSettings,
  SUPPRESSIONS_ANNOTATION,
  firstDuplicate,
  invalidProp,
  requireNonEmptyString,
} from '../core';
import type { AgentNamespace } from '../namespace/namespace';
import { RbacSubject, createClusterRoleBinding, createRoleBinding } from './binding';
import { BROAD_SUBJECT_NAMES, BROAD_SUBJECT_RISK, RBAC_API_GROUP, ruleRisks } from '../common/rbac-risks';
import { KubeClusterRole, KubeRole } from '../platform/api-object';

/** The roles people get on an agent namespace. */
export type PeopleRole = 'viewer' | 'operator' | 'auditor';
/** Every {@link PeopleRole}, in the order their Roles are created. */
export const PEOPLE_ROLES: readonly PeopleRole[] = ['viewer', 'operator', 'auditor'];

/** Named people, from the identity provider the API server trusts. */
export interface PeopleSubjects {
  /** Groups granted the role. @default none */
  readonly groups?: readonly string[];
  /** Users granted the role. @default none */
  readonly users?: readonly string[];
}

/** Who gets each people role on an agent namespace; a role nobody holds is not emitted. */
export interface AgentPeopleAccessProps {
  /** Read workloads and events; never secrets or logs. @default nobody */
  readonly viewers?: PeopleSubjects;
  /** Scale and restart agents, read pods, logs and events. @default nobody */
  readonly operators?: PeopleSubjects;
  /** Read RBAC, policies and events, here and cluster-wide. @default nobody */
  readonly auditors?: PeopleSubjects;
}

/** A read-only or narrow rule, as emitted. */
export interface PeopleRule {
  /** API groups of the rule. */
  readonly apiGroups: string[];
  /** Resources of the rule. */
  readonly resources: string[];
  /** Verbs of the rule; read-only except the operator's scale and restart. */
  readonly verbs: string[];
}

const READ = ['get', 'list', 'watch'];

/** Why a people role may hold an acknowledgeable risk; recorded on the Role as a suppression. */
const PEOPLE_ACKNOWLEDGEMENT_REASONS: Record<PeopleRole, string> = {
  viewer: 'people viewer role: read-only',
  operator:
    'people operator role: kubectl rollout restart patches the Deployment; held by named humans, never by an agent, and admission still checks the result',
  auditor: 'people auditor role: read-only',
};
const read = (apiGroup: string, ...resources: string[]): PeopleRule => ({
  apiGroups: [apiGroup],
  resources,
  verbs: [...READ],
});

const EVENTS = [read('', 'events'), read('events.k8s.io', 'events')];

/** Rules of one people role: `namespaced` for the agent namespace, `cluster` for cluster-scoped kinds only. */
export function peopleRoleRules(
  role: PeopleRole,
  settings: ResolvedClusterSettings,
): { namespaced: PeopleRule[]; cluster: PeopleRule[] } {
  switch (role) {
    case 'viewer':
      return {
        namespaced: [
          read(
            '',
            'pods',
            'services',
            'endpoints',
            'configmaps',
            'serviceaccounts',
            'persistentvolumeclaims',
            'resourcequotas',
            'limitranges',
          ),
          read('apps', 'deployments', 'replicasets', 'statefulsets', 'daemonsets'),
          read('batch', 'jobs', 'cronjobs'),
          read('policy', 'poddisruptionbudgets'),
          read('autoscaling', 'horizontalpodautoscalers'),
          ...EVENTS,
        ],
        cluster: [],
      };
    case 'operator':
      return {
        namespaced: [
          // `kubectl rollout restart` patches the pod template's restartedAt annotation.
          { apiGroups: ['apps'], resources: ['deployments'], verbs: [...READ, 'patch'] },
          { apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['get', 'update', 'patch'] },
          read('apps', 'replicasets'),
          read('', 'pods'),
          { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
          ...EVENTS,
        ],
        cluster: [],
      };
    case 'auditor':
      return auditorRules(settings);
  }
}

/** The policy kinds an add-on brings, which auditors read; undefined when it brings none. */
interface AddOnReads {
  readonly namespaced?: readonly PeopleRule[];
  readonly cluster?: readonly PeopleRule[];
}

const CNI_READS: Record<CniFlavor, AddOnReads | undefined> = {
  generic: undefined,
  cilium: {
    namespaced: [read('cilium.io', 'ciliumnetworkpolicies')],
    cluster: [read('cilium.io', 'ciliumclusterwidenetworkpolicies')],
  },
};

const MESH_READS: Record<MeshFlavor, AddOnReads | undefined> = {
  none: undefined,
  istio: {
    namespaced: [read('security.istio.io', 'authorizationpolicies', 'peerauthentications', 'requestauthentications')],
  },
};

const ENGINE_READS: Record<ImagePolicyEngine, AddOnReads | undefined> = {
  // ValidatingAdmissionPolicies are read by every auditor (see the cluster list).
  vap: undefined,
  kyverno: { namespaced: [read('kyverno.io', 'policies')], cluster: [read('kyverno.io', 'clusterpolicies')] },
  sigstore: { cluster: [read('policy.sigstore.dev', 'clusterimagepolicies')] },
};

function auditorRules(settings: ResolvedClusterSettings): { namespaced: PeopleRule[]; cluster: PeopleRule[] } {
  const namespaced = [
    read(RBAC_API_GROUP, 'roles', 'rolebindings'),
    read('networking.k8s.io', 'networkpolicies'),
    read('', 'serviceaccounts', 'resourcequotas', 'limitranges'),
    ...EVENTS,
  ];
  const cluster = [
    read(RBAC_API_GROUP, 'clusterroles', 'clusterrolebindings'),
    read(
      'admissionregistration.k8s.io',
      'validatingadmissionpolicies',
      'validatingadmissionpolicybindings',
      'validatingwebhookconfigurations',
      'mutatingwebhookconfigurations',
    ),
    // Namespaces carry the Pod Security labels.
    read('', 'namespaces'),
  ];
  // Tables keyed by each union: a CNI, mesh or engine added without its policies' kinds does not compile.
  const addOns: Array<AddOnReads | undefined> = [
    CNI_READS[settings.cni],
    MESH_READS[settings.mesh],
    ...IMAGE_POLICY_ENGINES.filter((e) => settings.imagePolicyEngines.includes(e)).map((e) => ENGINE_READS[e]),
  ];
  for (const reads of addOns) {
    namespaced.push(...(reads?.namespaced ?? []));
    cluster.push(...(reads?.cluster ?? []));
  }
  return { namespaced, cluster };
}

const PROP_OF: Record<PeopleRole, keyof AgentPeopleAccessProps> = {
  viewer: 'viewers',
  operator: 'operators',
  auditor: 'auditors',
};

/**
 * Roles for people on one agent namespace: `viewer`, `operator` and `auditor`, each a namespaced
 * Role `agent-<role>` bound with a RoleBinding to the named groups and users. A role nobody holds
 * is not emitted.
 */
export class AgentPeopleAccess extends Construct {
  /** The Roles emitted, by people role. */
  public readonly roles: Partial<Record<PeopleRole, ApiObject>> = {};

  constructor(namespace: AgentNamespace, id: string, props: AgentPeopleAccessProps = {}) {
    super(namespace, id);
    for (const role of PEOPLE_ROLES) {
      const subjects = this.resolveSubjects(PROP_OF[role], props[PROP_OF[role]]);
      if (subjects.length > 0) this.createRole(namespace, role, subjects);
    }
  }

  private resolveSubjects(field: string, people: PeopleSubjects | undefined): RbacSubject[] {
    const subjects: RbacSubject[] = [
      ...this.checkNames(`${field}.groups`, people?.groups ?? []).map((name) => ({ kind: 'Group' as const, name })),
      ...this.checkNames(`${field}.users`, people?.users ?? []).map((name) => ({ kind: 'User' as const, name })),
    ];
    const dup = firstDuplicate(subjects, (s) => `${s.kind}:${s.name}`);
    if (dup) invalidProp(this, field, dup.name, 'each group and user listed once');
    return subjects;
  }

  private checkNames(field: string, names: readonly string[]): readonly string[] {
    names.forEach((name, i) => {
      requireNonEmptyString(this, `${field}[${i}]`, name, 253);
      if (BROAD_SUBJECT_NAMES.includes(name))
        invalidProp(
          this,
          `${field}[${i}]`,
          name,
          'a named person or group from the identity provider',
          `risk: ${BROAD_SUBJECT_RISK}`,
        );
      if (name.startsWith('system:')) {
        invalidProp(
          this,
          `${field}[${i}]`,
          name,
          'a named person or group from the identity provider',
          'system: identities are assigned by Kubernetes to whole classes of clients, not to people',
        );
      }
    });
    return names;
  }

  private createRole(namespace: AgentNamespace, role: PeopleRole, subjects: RbacSubject[]): void {
    const rules = peopleRoleRules(role, namespace.platform.settings);
    // Defence in depth: a people role must never carry a refused permission, whatever edits come later.
    const all = [...rules.namespaced, ...rules.cluster];
    const risky = all.find((r) => ruleRisks(r).some((risk) => !risk.acknowledgeable));
    if (risky)
      invalidProp(this, `roles.${role}`, risky, 'people roles without refused permissions', ruleRisks(risky)[0].risk);
    const name = `agent-${role}`;
    const labels = namespace.commonLabels('rbac');
    // Acknowledgeable risks a people role carries (the operator's patch on deployments for
    // `kubectl rollout restart`) are recorded on the Role with their reason, never silent.
    const acknowledged = [...new Set(all.flatMap((r) => ruleRisks(r).flatMap((risk) => risk.findingIds)))];
    const annotations = acknowledged.length
      ? {
          [SUPPRESSIONS_ANNOTATION]: JSON.stringify(
            acknowledged.map((rule) => ({ rule, reason: PEOPLE_ACKNOWLEDGEMENT_REASONS[role] })),
          ),
        }
      : undefined;
    this.roles[role] = new KubeRole(this, `${role}-Role`, {
      metadata: { name, labels, annotations },
      rules: rules.namespaced,
    });
    createRoleBinding(this, `${role}-RoleBinding`, { name, labels, roleRef: { kind: 'Role', name }, subjects });
    if (rules.cluster.length === 0) return;
    // Cluster-scoped kinds (ClusterRoles, admission policies, Namespaces) can only be read through a
    // ClusterRole bound cluster-wide. The ClusterRole is read-only and lists cluster-scoped kinds
    // only, so the ClusterRoleBinding grants no namespaced data in any namespace.
    const clusterName = `${namespace.name}-agent-${role}`;
    new KubeClusterRole(namespace.platform, `${clusterName}-ClusterRole`, {
      metadata: { name: clusterName, labels },
      rules: rules.cluster,
    });
    createClusterRoleBinding(namespace.platform, `${clusterName}-ClusterRoleBinding`, {
      name: clusterName,
      labels,
      roleRef: { kind: 'ClusterRole', name: clusterName },
      subjects,
    });
  }
}
