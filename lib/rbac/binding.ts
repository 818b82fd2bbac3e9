import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { invalidProp, requireDnsLabel, requireDnsSubdomain, requireNonEmptyString, requireOneOf } from '../core';
import { RBAC_API_GROUP, roleRefRisk, subjectRisk } from '../common/rbac-risks';
import { KubeClusterRoleBinding, KubeRoleBinding } from '../platform/api-object';

/** Who a binding grants to. */
export interface RbacSubject {
  /** Subject kind; ServiceAccounts also need `namespace`. */
  readonly kind: 'ServiceAccount' | 'User' | 'Group';
  /** Name of the ServiceAccount, user or group. */
  readonly name: string;
  /** Required for ServiceAccounts. @default none */
  readonly namespace?: string;
}

/** The role a binding grants. */
export interface RbacRoleRef {
  /** A namespaced Role or a ClusterRole. */
  readonly kind: 'Role' | 'ClusterRole';
  /** Name of the role; broad built-in ClusterRoles (`cluster-admin`, `admin`, `edit`) are refused. */
  readonly name: string;
}

/** A RoleBinding or ClusterRoleBinding to create, after its role and subjects pass the RBAC risk checks. */
export interface GuardedBindingProps {
  /** metadata.name of the binding. */
  readonly name: string;
  /** The role granted. */
  readonly roleRef: RbacRoleRef;
  /** Who the role is granted to; broad groups and `default` ServiceAccounts are refused. */
  readonly subjects: readonly RbacSubject[];
  /** Labels of the binding. @default none */
  readonly labels?: Record<string, string>;
  /** Annotations of the binding. @default none */
  readonly annotations?: Record<string, string>;
}

const SUBJECT_KINDS: readonly RbacSubject['kind'][] = ['ServiceAccount', 'User', 'Group'];

function toSubject(scope: IConstruct, field: string, subject: RbacSubject): k8s.Subject {
  const kind = requireOneOf(scope, `${field}.kind`, subject.kind, SUBJECT_KINDS);
  requireNonEmptyString(scope, `${field}.name`, subject.name, 253);
  const risk = subjectRisk(subject);
  if (risk)
    invalidProp(
      scope,
      `${field}.name`,
      subject.name,
      'a named user, group or dedicated ServiceAccount',
      `risk: ${risk}`,
    );
  if (kind === 'ServiceAccount') {
    requireDnsSubdomain(scope, `${field}.name`, subject.name);
    return { kind, name: subject.name, namespace: requireDnsLabel(scope, `${field}.namespace`, subject.namespace) };
  }
  if (subject.namespace !== undefined)
    invalidProp(scope, `${field}.namespace`, subject.namespace, `no namespace for a ${kind}`);
  return { kind, name: subject.name, apiGroup: RBAC_API_GROUP };
}

/**
 * Validates a binding: refuses the ClusterRoles cluster-admin, admin and edit, and the subjects
 * that mean everyone (system:authenticated, …) or nobody in particular (the default ServiceAccount).
 */
export function checkBinding(
  scope: IConstruct,
  props: GuardedBindingProps,
): { roleRef: k8s.RoleRef; subjects: k8s.Subject[] } {
  requireDnsSubdomain(scope, 'binding.name', props.name);
  requireOneOf(scope, 'binding.roleRef.kind', props.roleRef.kind, ['Role', 'ClusterRole']);
  // The risk first: `system:aggregate-to-*` is no DNS name either, but the risk is what the user must hear.
  const risk = roleRefRisk(props.roleRef);
  if (risk)
    invalidProp(
      scope,
      'binding.roleRef.name',
      props.roleRef.name,
      'a least-privilege Role or ClusterRole of its own',
      `risk: ${risk}`,
    );
  requireDnsSubdomain(scope, 'binding.roleRef.name', props.roleRef.name);
  if (props.subjects.length === 0) invalidProp(scope, 'binding.subjects', props.subjects, 'at least one subject');
  const subjects = props.subjects.map((s, i) => toSubject(scope, `binding.subjects[${i}]`, s));
  return { roleRef: { apiGroup: RBAC_API_GROUP, kind: props.roleRef.kind, name: props.roleRef.name }, subjects };
}

function metadata(props: GuardedBindingProps): k8s.ObjectMeta {
  return { name: props.name, labels: props.labels, annotations: props.annotations };
}

/** A RoleBinding in `scope`'s namespace, validated by {@link checkBinding}. */
export function createRoleBinding(scope: Construct, id: string, props: GuardedBindingProps): ApiObject {
  const checked = checkBinding(scope, props);
  return new KubeRoleBinding(scope, id, { metadata: metadata(props), ...checked });
}

/**
 * A ClusterRoleBinding, validated by {@link checkBinding}. `scope` must be a chart without a
 * namespace (the AgentPlatform): cluster-scoped objects carry no metadata.namespace.
 */
export function createClusterRoleBinding(scope: Construct, id: string, props: GuardedBindingProps): ApiObject {
  const checked = checkBinding(scope, props);
  if (props.roleRef.kind !== 'ClusterRole')
    invalidProp(scope, 'binding.roleRef.kind', props.roleRef.kind, "'ClusterRole' for a ClusterRoleBinding");
  return new KubeClusterRoleBinding(scope, id, { metadata: metadata(props), ...checked });
}
