import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { apiGroupOf, isClusterScopedKind } from '../core/object-identity';

/** A `@pulumi/kubernetes` resource class, as the component instantiates it. */
export type KubernetesResourceClass = new (
  name: string,
  args: Record<string, unknown>,
  opts?: pulumi.CustomResourceOptions,
) => pulumi.CustomResource;

/** How one built-in apiVersion/kind is registered. */
export interface BuiltInKind {
  /** The typed `@pulumi/kubernetes` class. */
  readonly resource: KubernetesResourceClass;
  /**
   * Top-level fields the typed class accepts besides apiVersion and kind. The typed classes copy
   * only these, so any other field would be dropped without a word; such objects are refused.
   */
  readonly fields: readonly string[];
}

const META_SPEC = ['metadata', 'spec'] as const;

function kind(resource: unknown, fields: readonly string[] = META_SPEC): BuiltInKind {
  return { resource: resource as KubernetesResourceClass, fields };
}

/**
 * Built-in kinds, keyed by `apiVersion/Kind`. Anything in a built-in API group that is missing here
 * is refused rather than sent through CustomResource, which would lose the typed class.
 */
export const BUILT_IN_KINDS: Readonly<Record<string, BuiltInKind>> = {
  'v1/Namespace': kind(k8s.core.v1.Namespace, META_SPEC),
  'v1/ServiceAccount': kind(k8s.core.v1.ServiceAccount, [
    'metadata',
    'automountServiceAccountToken',
    'imagePullSecrets',
    'secrets',
  ]),
  'v1/ConfigMap': kind(k8s.core.v1.ConfigMap, ['metadata', 'data', 'binaryData', 'immutable']),
  'v1/Secret': kind(k8s.core.v1.Secret, ['metadata', 'data', 'stringData', 'type', 'immutable']),
  'v1/Service': kind(k8s.core.v1.Service),
  'v1/ResourceQuota': kind(k8s.core.v1.ResourceQuota),
  'v1/LimitRange': kind(k8s.core.v1.LimitRange),
  'v1/PersistentVolumeClaim': kind(k8s.core.v1.PersistentVolumeClaim),
  'v1/Pod': kind(k8s.core.v1.Pod),
  'apps/v1/Deployment': kind(k8s.apps.v1.Deployment),
  'apps/v1/StatefulSet': kind(k8s.apps.v1.StatefulSet),
  'apps/v1/DaemonSet': kind(k8s.apps.v1.DaemonSet),
  'batch/v1/Job': kind(k8s.batch.v1.Job),
  'batch/v1/CronJob': kind(k8s.batch.v1.CronJob),
  'autoscaling/v2/HorizontalPodAutoscaler': kind(k8s.autoscaling.v2.HorizontalPodAutoscaler),
  'networking.k8s.io/v1/NetworkPolicy': kind(k8s.networking.v1.NetworkPolicy),
  'networking.k8s.io/v1/Ingress': kind(k8s.networking.v1.Ingress),
  'rbac.authorization.k8s.io/v1/Role': kind(k8s.rbac.v1.Role, ['metadata', 'rules']),
  'rbac.authorization.k8s.io/v1/ClusterRole': kind(k8s.rbac.v1.ClusterRole, ['metadata', 'rules', 'aggregationRule']),
  'rbac.authorization.k8s.io/v1/RoleBinding': kind(k8s.rbac.v1.RoleBinding, ['metadata', 'roleRef', 'subjects']),
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': kind(k8s.rbac.v1.ClusterRoleBinding, [
    'metadata',
    'roleRef',
    'subjects',
  ]),
  'policy/v1/PodDisruptionBudget': kind(k8s.policy.v1.PodDisruptionBudget),
  'scheduling.k8s.io/v1/PriorityClass': kind(k8s.scheduling.v1.PriorityClass, [
    'metadata',
    'value',
    'globalDefault',
    'preemptionPolicy',
    'description',
  ]),
  'node.k8s.io/v1/RuntimeClass': kind(k8s.node.v1.RuntimeClass, ['metadata', 'handler', 'overhead', 'scheduling']),
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy': kind(
    k8s.admissionregistration.v1.ValidatingAdmissionPolicy,
    META_SPEC,
  ),
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding': kind(
    k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding,
    META_SPEC,
  ),
  'admissionregistration.k8s.io/v1beta1/ValidatingAdmissionPolicy': kind(
    k8s.admissionregistration.v1beta1.ValidatingAdmissionPolicy,
    META_SPEC,
  ),
  'admissionregistration.k8s.io/v1beta1/ValidatingAdmissionPolicyBinding': kind(
    k8s.admissionregistration.v1beta1.ValidatingAdmissionPolicyBinding,
    META_SPEC,
  ),
  'admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration': kind(
    k8s.admissionregistration.v1.ValidatingWebhookConfiguration,
    ['metadata', 'webhooks'],
  ),
  'admissionregistration.k8s.io/v1/MutatingWebhookConfiguration': kind(
    k8s.admissionregistration.v1.MutatingWebhookConfiguration,
    ['metadata', 'webhooks'],
  ),
  'apiextensions.k8s.io/v1/CustomResourceDefinition': kind(k8s.apiextensions.v1.CustomResourceDefinition, META_SPEC),
};

/** API groups served by Kubernetes itself; their kinds must be in {@link BUILT_IN_KINDS}. */
export const BUILT_IN_GROUPS: ReadonlySet<string> = new Set([
  '',
  'apps',
  'batch',
  'autoscaling',
  'policy',
  'networking.k8s.io',
  'rbac.authorization.k8s.io',
  'scheduling.k8s.io',
  'node.k8s.io',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'storage.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'certificates.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'resource.k8s.io',
]);

/**
 * Whether objects of this apiVersion and kind carry no metadata.namespace: the one list of
 * cluster-scoped kinds in `lib/core/object-identity.ts`, which the rule engine reads too.
 */
export function isClusterScoped(apiVersion: string, kindName: string): boolean {
  return isClusterScopedKind(apiGroupOf(apiVersion), kindName);
}

/** The API group of an apiVersion (`apps/v1` → `apps`, `v1` → ''). */
export const apiGroup = apiGroupOf;

/** The Pulumi type token of a Kubernetes object, as `@pulumi/kubernetes` spells it (`kubernetes:core/v1:Namespace`). */
export function typeToken(apiVersion: string, kindName: string): string {
  const group = apiGroup(apiVersion);
  return group === '' ? `kubernetes:core/${apiVersion}:${kindName}` : `kubernetes:${apiVersion}:${kindName}`;
}

/** The apiVersion and kind a Kubernetes type token stands for; undefined for other providers' tokens. */
export function parseTypeToken(token: string): { apiVersion: string; kind: string } | undefined {
  const match = /^kubernetes:([^:]+):([A-Za-z0-9]+)$/.exec(token);
  // Helm, YAML and Kustomize components and the *Patch/*List kinds are not whole objects.
  if (
    !match ||
    !match[1].includes('/') ||
    /^(helm\.sh|yaml|kustomize)\//.test(match[1]) ||
    /(Patch|List)$/.test(match[2])
  )
    return undefined;
  const apiVersion = match[1].startsWith('core/') ? match[1].slice('core/'.length) : match[1];
  return { apiVersion, kind: match[2] };
}
