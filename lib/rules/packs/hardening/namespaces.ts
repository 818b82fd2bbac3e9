/** Hardening, namespaces: explicit namespaces with admission labels, quota and limits. */
import { Rule } from '../../rule';
import { CIS, NSA, OWASP } from '../../references';
import { at, indexedOf, objectRule } from '../helpers';
import { SYSTEM_NAMESPACES } from './common';

const NAMESPACED_KINDS = [
  'Pod',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'Job',
  'CronJob',
  'Service',
  'Ingress',
  'ConfigMap',
  'Secret',
  'ServiceAccount',
  'Role',
  'RoleBinding',
  'NetworkPolicy',
  'PodDisruptionBudget',
  'HorizontalPodAutoscaler',
];

const namespaceUse = objectRule(
  {
    id: 'HRD-Namespace',
    kinds: NAMESPACED_KINDS,
    title: 'Explicit namespace, not default or kube-system',
    severity: 'error',
    description:
      'default and kube-system are shared with everything else; an implicit namespace lands wherever kubectl points.',
    fix: 'Set metadata.namespace to a dedicated namespace.',
    references: [CIS.defaultNamespace, CIS.namespaceBoundaries, NSA.namespaces],
    scanners: ['CKV_K8S_21', 'KSV-0110', 'KSV-0037', 'kube-linter use-namespace'],
  },
  (ctx) => {
    const ns = ctx.object.metadata?.namespace;
    if (ns === undefined || ns === '')
      return [{ ...at('object has no metadata.namespace', ['metadata', 'namespace']), severity: 'warning' }];
    return ns === 'default' || ns === 'kube-system'
      ? [at(`object is in the ${ns} namespace`, ['metadata', 'namespace'])]
      : [];
  },
);

const PSA_MODES = ['enforce', 'audit', 'warn'];

const namespacePsa = objectRule(
  {
    id: 'HRD-NamespacePodSecurity',
    kinds: ['Namespace'],
    title: 'Pod Security Admission labels on namespaces with workloads',
    severity: 'error',
    description:
      'Without PSA labels the cluster default (often privileged) applies; the static checks here are no substitute for admission.',
    fix: 'Label the namespace pod-security.kubernetes.io/{enforce,audit,warn}: restricted, with pinned *-version labels.',
    references: [
      CIS.policyControl,
      NSA.podSecurity,
      { framework: 'Pod Security Standards', control: 'admission', title: 'Pod Security Admission labels' },
    ],
    scanners: [],
  },
  (ctx) => {
    const item = indexedOf(ctx);
    if (ctx.set.workloads(item.name).length === 0) return undefined;
    const wrong = PSA_MODES.filter((m) => item.labels[`pod-security.kubernetes.io/${m}`] !== 'restricted');
    return wrong.length
      ? [
          at(
            `namespace ${item.name} has workloads but pod-security.kubernetes.io/${wrong.join(', ')} is not restricted`,
            ['metadata', 'labels'],
          ),
        ]
      : [];
  },
);

const namespaceLimits = objectRule(
  {
    id: 'HRD-NamespaceQuota',
    kinds: ['Namespace'],
    title: 'LimitRange and ResourceQuota per namespace',
    severity: 'warning',
    description: 'A quota caps what a runaway agent can consume; a LimitRange gives containers defaults.',
    fix: 'Add a LimitRange and a ResourceQuota to the namespace.',
    references: [NSA.resources, OWASP.consumption],
    scanners: ['KSV-0039', 'KSV-0040'],
  },
  (ctx) => {
    const name = indexedOf(ctx).name;
    if (SYSTEM_NAMESPACES.has(name)) return undefined;
    return ['LimitRange', 'ResourceQuota']
      .filter((k) => ctx.set.ofKind(k, name).length === 0)
      .map((k) => at(`namespace ${name} has no ${k} in the set`, ['metadata', 'name']));
  },
);

export const NAMESPACE_RULES: readonly Rule[] = [namespaceUse, namespacePsa, namespaceLimits];
