/**
 * The scanner-consensus hardening profile (REFERENCE.md §2): what kube-score, Polaris, kubesec,
 * kube-linter, Checkov and Trivy check beyond Pod Security, resolved to one verdict each.
 */
import {
  DEFAULT_REPLICAS,
  IMAGE_DIGEST_RULE_ID,
  MIN_NON_ROOT_ID_EXCLUSIVE,
  MIN_UNPRIVILEGED_PORT,
  SECCOMP_PROFILE_TYPE,
  SECRET_LIKE_ENV_NAME,
} from '../../core';
import { parseImageReference } from '../../image-policy/reference';
import { ObjectSet } from '../object-set';
import { ResolvedContainer } from '../pod-template';
import { Pack, Rule, RuleContext } from '../rule';
import { CIS, NSA, OWASP, SOC2 } from '../references';
import { FindingDraft } from '../types';
import { Json, arr, isEmptySelector, isRecord, rec, recs, selectorMatches, str } from '../util';
import {
  at,
  containerRule,
  indexedOf,
  objectRule,
  podRule,
  policiesSelecting,
  policyTypes,
  serviceAccountOf,
} from './helpers';
import { PLACEMENT_RULES } from './placement';

const REGULAR = ['containers'] as const;
const RUNNABLE = ['initContainers', 'containers'] as const;
const LONG_RUNNING = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController'];
const REPLICATED = ['Deployment', 'StatefulSet'];
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

// --- Resources ---------------------------------------------------------------------------------

function missingResources(c: ResolvedContainer, names: readonly string[]): FindingDraft[] {
  const res = rec(c.spec.resources);
  return (['requests', 'limits'] as const).flatMap((kind) =>
    names
      .filter((n) => rec(res[kind])[n] === undefined)
      .map((n) => at(`container ${c.name} has no ${n} ${kind.slice(0, -1)}`, [...c.path, 'resources', kind, n], c)),
  );
}

const resources = containerRule(
  {
    id: 'HRD-ContainerResources',
    title: 'CPU and memory requests and limits',
    severity: 'error',
    description:
      'Every container declares CPU and memory requests and limits, so one agent cannot starve the node or its neighbours.',
    fix: 'Set resources.requests and resources.limits for cpu and memory.',
    references: [NSA.resources, OWASP.consumption],
    scanners: [
      'CKV_K8S_10',
      'CKV_K8S_11',
      'CKV_K8S_12',
      'CKV_K8S_13',
      'KSV-0011',
      'KSV-0015',
      'KSV-0016',
      'KSV-0018',
      'kube-score container-resources',
    ],
  },
  (c) => missingResources(c, ['cpu', 'memory']),
  RUNNABLE,
);

const ephemeralStorage = containerRule(
  {
    id: 'HRD-EphemeralStorage',
    title: 'Ephemeral-storage request and limit',
    severity: 'warning',
    description:
      'Writable emptyDir paths and logs count against ephemeral storage; without a limit one pod can fill the node disk.',
    fix: 'Set resources.requests and resources.limits for ephemeral-storage.',
    references: [NSA.resources, OWASP.consumption],
    scanners: ['kube-score container-ephemeral-storage-request-and-limit'],
  },
  (c) => missingResources(c, ['ephemeral-storage']),
  RUNNABLE,
);

// --- Probes ------------------------------------------------------------------------------------

const probes = containerRule(
  {
    id: 'HRD-Probes',
    kinds: LONG_RUNNING,
    title: 'Readiness and a distinct liveness probe',
    severity: 'warning',
    description:
      'A readinessProbe keeps traffic away from pods that are not ready; a livenessProbe that differs from it restarts hung pods without cascading restarts.',
    fix: 'Add a readinessProbe and a livenessProbe that checks something different (another path or port).',
    references: [],
    scanners: [
      'CKV_K8S_8',
      'CKV_K8S_9',
      'kube-score pod-probes',
      'kube-score pod-probes-identical',
      'Polaris readinessProbeMissing',
    ],
  },
  (c) => {
    const out: FindingDraft[] = [];
    if (!isRecord(c.spec.readinessProbe))
      out.push(at(`container ${c.name} has no readinessProbe`, [...c.path, 'readinessProbe'], c));
    if (!isRecord(c.spec.livenessProbe))
      out.push(at(`container ${c.name} has no livenessProbe`, [...c.path, 'livenessProbe'], c));
    else if (JSON.stringify(c.spec.livenessProbe) === JSON.stringify(c.spec.readinessProbe)) {
      out.push(
        at(`container ${c.name} livenessProbe is identical to its readinessProbe`, [...c.path, 'livenessProbe'], c),
      );
    }
    return out;
  },
  REGULAR,
);

function probePort(probe: unknown): unknown {
  const p = rec(probe);
  return rec(p.httpGet).port ?? rec(p.tcpSocket).port ?? rec(p.grpc).port;
}

const probePorts = containerRule(
  {
    id: 'HRD-ProbePort',
    title: 'Probe ports are declared',
    severity: 'warning',
    description:
      'A probe on a port the container does not declare usually probes nothing (kube-linter liveness-port/readiness-port).',
    fix: 'Declare the probe port in the container ports[] (by number or name).',
    references: [],
    scanners: ['kube-linter liveness-port', 'kube-linter readiness-port', 'kube-linter startup-port'],
  },
  (c) => {
    const ports = recs(c.spec.ports);
    return ['livenessProbe', 'readinessProbe', 'startupProbe'].flatMap((probe) => {
      const port = probePort(c.spec[probe]);
      if (port === undefined) return [];
      const declared = ports.some((p) => p.containerPort === port || (typeof port === 'string' && p.name === port));
      return declared
        ? []
        : [at(`container ${c.name} ${probe} port ${String(port)} is not declared in ports[]`, [...c.path, probe], c)];
    });
  },
  REGULAR,
);

// --- Security context --------------------------------------------------------------------------

const readOnlyRootFs = containerRule(
  {
    id: 'HRD-ReadOnlyRootFilesystem',
    title: 'Read-only root filesystem',
    severity: 'error',
    description:
      'An immutable root filesystem stops an agent (or an attacker driving it) from persisting tools or altering binaries.',
    fix: 'Set securityContext.readOnlyRootFilesystem: true and back writable paths with emptyDir volumes.',
    references: [NSA.immutable, CIS.securityContext, OWASP.excessiveAgency],
    scanners: [
      'CKV_K8S_22',
      'KSV-0014',
      'kube-score container-security-context-readonlyrootfilesystem',
      'Polaris notReadOnlyRootFilesystem',
    ],
  },
  (c) =>
    c.effective.readOnlyRootFilesystem.value === true
      ? undefined
      : at(`container ${c.name} does not set readOnlyRootFilesystem: true`, c.effective.readOnlyRootFilesystem.path, c),
);

function highId(field: 'runAsUser' | 'runAsGroup') {
  return containerRule(
    {
      id: field === 'runAsUser' ? 'HRD-RunAsUser' : 'HRD-RunAsGroup',
      title: `${field} above ${MIN_NON_ROOT_ID_EXCLUSIVE}`,
      severity: 'error',
      description: `IDs above ${MIN_NON_ROOT_ID_EXCLUSIVE} cannot collide with host users and clear every scanner's threshold (kubesec, Trivy KSV-0020/0021).`,
      fix: `Set securityContext.${field} to ${MIN_NON_ROOT_ID_EXCLUSIVE + 1} or higher on the pod and containers.`,
      references: [NSA.nonRoot, CIS.securityContext],
      scanners:
        field === 'runAsUser'
          ? ['KSV-0020', 'CKV_K8S_40', 'kube-score container-security-context-user-group-id']
          : ['KSV-0021', 'kube-score container-security-context-user-group-id'],
    },
    (c) => {
      const r = c.effective[field];
      return typeof r.value === 'number' && r.value > MIN_NON_ROOT_ID_EXCLUSIVE
        ? undefined
        : at(
            `container ${c.name} ${field} is ${r.value ?? 'unset'}; it must be above ${MIN_NON_ROOT_ID_EXCLUSIVE}`,
            r.path,
            c,
          );
    },
  );
}

const rootGroup = podRule(
  {
    id: 'HRD-RootGroup',
    title: 'No root group',
    severity: 'error',
    description: 'GID 0 in fsGroup or supplementalGroups gives the pod root-group access to files on its volumes.',
    fix: 'Set fsGroup to a non-zero GID and remove 0 from supplementalGroups.',
    references: [NSA.nonRoot, CIS.securityContext],
    scanners: ['KSV-0116', 'kube-linter run-as-non-root'],
  },
  (pod) => {
    const sc = pod.podSecurityContext;
    const base = [...pod.specPath, 'securityContext'];
    const out: FindingDraft[] = [];
    if (sc.fsGroup === 0) out.push(at('pod fsGroup is 0', [...base, 'fsGroup']));
    arr(sc.supplementalGroups).forEach((g, i) => {
      if (g === 0) out.push(at('pod supplementalGroups contains 0', [...base, 'supplementalGroups', i]));
    });
    return out;
  },
);

const seccomp = containerRule(
  {
    id: 'HRD-SeccompRuntimeDefault',
    title: 'Seccomp RuntimeDefault',
    severity: 'error',
    description: 'CKV_K8S_31 accepts only RuntimeDefault; Localhost profiles are node-specific and unreviewable here.',
    fix: `Set securityContext.seccompProfile.type: ${SECCOMP_PROFILE_TYPE} on the pod and containers.`,
    references: [CIS.seccomp, NSA.podSecurity],
    scanners: ['CKV_K8S_31', 'KSV-0030', 'KSV-0104'],
  },
  (c) =>
    c.effective.seccompProfileType.value === SECCOMP_PROFILE_TYPE
      ? undefined
      : at(
          `container ${c.name} seccomp profile is ${c.effective.seccompProfileType.value ?? 'unset'}`,
          c.effective.seccompProfileType.path,
          c,
        ),
);

const noCapabilityAdd = containerRule(
  {
    id: 'HRD-NoCapabilityAdd',
    title: 'No added capabilities',
    severity: 'error',
    description: 'CKV_K8S_25 rejects any added capability; listen on ports >= 1024 instead of adding NET_BIND_SERVICE.',
    fix: 'Remove securityContext.capabilities.add.',
    references: [NSA.podSecurity, CIS.securityContext],
    scanners: ['CKV_K8S_25', 'KSV-0022'],
  },
  (c) =>
    c.effective.capabilitiesAdd.length
      ? at(
          `container ${c.name} adds ${c.effective.capabilitiesAdd.join(', ')}`,
          [...c.path, 'securityContext', 'capabilities', 'add'],
          c,
        )
      : undefined,
);

const privilegedPorts = containerRule(
  {
    id: 'HRD-PrivilegedPort',
    title: `Container ports >= ${MIN_UNPRIVILEGED_PORT}`,
    severity: 'warning',
    description: 'Ports below 1024 need NET_BIND_SERVICE or root (Trivy KSV-0117).',
    fix: `Listen on a port >= ${MIN_UNPRIVILEGED_PORT} and map it in the Service.`,
    references: [NSA.nonRoot],
    scanners: ['KSV-0117', 'kube-linter privileged-ports'],
  },
  (c) =>
    arr(c.spec.ports).flatMap((p, i) =>
      isRecord(p) && typeof p.containerPort === 'number' && p.containerPort < MIN_UNPRIVILEGED_PORT
        ? [
            at(
              `container ${c.name} listens on privileged port ${p.containerPort}`,
              [...c.path, 'ports', i, 'containerPort'],
              c,
            ),
          ]
        : [],
    ),
);

// --- Images ------------------------------------------------------------------------------------

const imagePinned = containerRule(
  {
    id: IMAGE_DIGEST_RULE_ID,
    title: 'Images pinned by tag and digest',
    severity: 'error',
    description:
      'A digest makes the image immutable (CKV_K8S_43); a tag alongside it keeps tag-based scanners happy and tells humans what runs.',
    fix: 'Use registry/repository:tag@sha256:<digest>.',
    references: [NSA.images, OWASP.supplyChain, SOC2.software],
    scanners: ['CKV_K8S_43', 'CKV_K8S_14', 'KSV-0013', 'kube-score container-image-tag', 'Polaris tagNotSpecified'],
  },
  (c) => {
    const path = [...c.path, 'image'];
    const parsed = parseImageReference(str(c.spec.image) ?? '');
    if (!parsed.ok) return at(`container ${c.name} image is invalid: ${parsed.problem}`, path, c);
    if (!parsed.ref.digest) return at(`container ${c.name} image ${parsed.ref.raw} is not pinned by digest`, path, c);
    if (!parsed.ref.tag || parsed.ref.tag === 'latest') {
      return { ...at(`container ${c.name} image ${parsed.ref.raw} has no explicit tag`, path, c), severity: 'warning' };
    }
    return undefined;
  },
);

const pullPolicy = containerRule(
  {
    id: 'HRD-ImagePullPolicy',
    title: 'imagePullPolicy Always',
    severity: 'warning',
    description: 'kube-score and Polaris require Always so that registry authorization is checked on every start.',
    fix: 'Set imagePullPolicy: Always.',
    references: [NSA.images],
    scanners: ['kube-score container-image-pull-policy', 'Polaris pullPolicyNotAlways', 'CKV_K8S_15'],
  },
  (c) =>
    c.spec.imagePullPolicy === 'Always'
      ? undefined
      : at(
          `container ${c.name} imagePullPolicy is ${String(c.spec.imagePullPolicy ?? 'unset')}`,
          [...c.path, 'imagePullPolicy'],
          c,
        ),
);

// --- Identity and secrets ----------------------------------------------------------------------

const automount = podRule(
  {
    id: 'HRD-AutomountServiceAccountToken',
    title: 'No automounted API token',
    severity: 'error',
    description:
      'Checkov and kubesec read automountServiceAccountToken only on the pod spec; a token an agent does not need is a credential it can leak.',
    fix: 'Set automountServiceAccountToken: false on the pod spec (use a projected token with an audience when one is needed).',
    references: [NSA.tokens, CIS.saTokens, OWASP.excessiveAgency],
    scanners: ['CKV_K8S_38', 'KSV-0036', 'Polaris automountServiceAccountToken'],
  },
  (pod) =>
    pod.spec.automountServiceAccountToken === false
      ? []
      : [at('pod does not set automountServiceAccountToken: false', [...pod.specPath, 'automountServiceAccountToken'])],
);

const dedicatedSa = podRule(
  {
    id: 'HRD-ServiceAccount',
    title: 'Dedicated ServiceAccount',
    severity: 'error',
    description: 'Workloads sharing the default ServiceAccount share every permission granted to it.',
    fix: 'Set serviceAccountName to a ServiceAccount created for this workload (never default), and drop the deprecated serviceAccount field.',
    references: [CIS.defaultSa, NSA.rbac, SOC2.accessRemoval],
    scanners: [
      'CKV_K8S_41',
      'CKV_K8S_42',
      'kube-linter default-service-account',
      'kube-linter deprecated-service-account-field',
    ],
  },
  (pod, ctx) => {
    const out: FindingDraft[] = [];
    if (pod.spec.serviceAccount !== undefined)
      out.push(at('pod uses the deprecated serviceAccount field', [...pod.specPath, 'serviceAccount']));
    const sa = serviceAccountOf(pod);
    const path = [...pod.specPath, 'serviceAccountName'];
    if (sa === 'default') out.push(at('pod runs as the default ServiceAccount', path));
    else if (
      declaresNamespace(ctx.set, indexedOf(ctx).namespace) &&
      !ctx.set.find('ServiceAccount', sa, indexedOf(ctx).namespace)
    ) {
      out.push(at(`ServiceAccount ${sa} is not in the manifest set`, path));
    }
    return out;
  },
);

/** A set "declares" a namespace when it has its Namespace or ServiceAccounts in it; only then is absence meaningful. */
function declaresNamespace(set: ObjectSet, namespace: string): boolean {
  return set.namespace(namespace) !== undefined || set.ofKind('ServiceAccount', namespace).length > 0;
}

const secretEnv = containerRule(
  {
    id: 'HRD-SecretInEnv',
    title: 'No Secrets in environment variables',
    severity: 'error',
    description:
      'Environment variables leak into logs, crash dumps and child processes (and into an LLM context); deliver secrets as read-only files from Vault.',
    fix: 'Remove env[].valueFrom.secretKeyRef and envFrom[].secretRef; mount the secret as a file.',
    references: [CIS.secretsAsFiles, NSA.secrets, OWASP.disclosure],
    scanners: ['CKV_K8S_35', 'kubesec SecretsAsEnvironmentVariables', 'kube-linter read-secret-from-env-var'],
  },
  (c) => [
    ...arr(c.spec.env).flatMap((e, i) =>
      isRecord(e) && rec(e.valueFrom).secretKeyRef !== undefined
        ? [
            at(
              `container ${c.name} env ${String(e.name)} reads a Secret`,
              [...c.path, 'env', i, 'valueFrom', 'secretKeyRef'],
              c,
            ),
          ]
        : [],
    ),
    ...arr(c.spec.envFrom).flatMap((e, i) =>
      isRecord(e) && e.secretRef !== undefined
        ? [at(`container ${c.name} envFrom imports a Secret`, [...c.path, 'envFrom', i, 'secretRef'], c)]
        : [],
    ),
  ],
);

const secretLiteral = containerRule(
  {
    id: 'HRD-SecretLikeEnvValue',
    title: 'No literal secrets in env',
    severity: 'error',
    description: 'A literal value under a name like *_TOKEN or PASSWORD is a secret committed to the manifest.',
    fix: 'Remove the literal value; deliver the secret from Vault as a file.',
    references: [NSA.secrets, OWASP.disclosure, CIS.externalSecrets],
    scanners: ['Polaris sensitiveContainerEnvVar', 'kube-linter env-var-secret'],
  },
  (c) =>
    arr(c.spec.env).flatMap((e, i) =>
      isRecord(e) &&
      typeof e.name === 'string' &&
      SECRET_LIKE_ENV_NAME.test(e.name) &&
      typeof e.value === 'string' &&
      e.value !== ''
        ? [at(`container ${c.name} env ${e.name} has a literal value`, [...c.path, 'env', i, 'value'], c)]
        : [],
    ),
);

const duplicateEnv = containerRule(
  {
    id: 'HRD-DuplicateEnv',
    title: 'No duplicate env names',
    severity: 'warning',
    description: 'With duplicate names only the last value applies, which hides configuration mistakes.',
    fix: 'Remove the duplicate env entry.',
    references: [],
    scanners: ['kube-score environment-variable-key-duplication', 'kube-linter duplicate-env-var'],
  },
  (c) => {
    const seen = new Set<string>();
    return arr(c.spec.env).flatMap((e, i) => {
      const name = str(rec(e).name);
      if (name === undefined) return [];
      if (seen.has(name))
        return [at(`container ${c.name} env ${name} is defined twice`, [...c.path, 'env', i, 'name'], c)];
      seen.add(name);
      return [];
    });
  },
);

// --- Network -----------------------------------------------------------------------------------

const podNetworkPolicy = podRule(
  {
    id: 'HRD-PodNetworkPolicy',
    title: 'Pod selected by Ingress and Egress NetworkPolicies',
    severity: 'error',
    description: 'A pod that no NetworkPolicy selects can talk to and be reached from anything in the cluster.',
    fix: 'Add a NetworkPolicy whose podSelector matches the pod labels with policyTypes [Ingress, Egress].',
    references: [NSA.netpol, CIS.netpolAll, SOC2.boundaries, OWASP.excessiveAgency],
    scanners: [
      'kube-score pod-networkpolicy',
      'Polaris missingNetworkPolicy',
      'CKV2_K8S_6',
      'kube-linter non-isolated-pod',
    ],
  },
  (pod, ctx) => {
    const policies = policiesSelecting(ctx.set, indexedOf(ctx).namespace, pod.labels);
    const covered = new Set(policies.flatMap((p) => [...policyTypes(p.object)]));
    const missing = ['Ingress', 'Egress'].filter((t) => !covered.has(t));
    return missing.length
      ? [at(`no NetworkPolicy selects the pod for ${missing.join(' and ')}`, [...pod.template.metadataPath, 'labels'])]
      : [];
  },
);

function isDefaultDeny(policy: Json): boolean {
  const spec = rec(policy.spec);
  const types = policyTypes(policy);
  const openEgress = recs(spec.egress).some((r) => arr(r.to).length === 0);
  return (
    isEmptySelector(spec.podSelector) &&
    types.has('Ingress') &&
    types.has('Egress') &&
    arr(spec.ingress).length === 0 &&
    !openEgress
  );
}

const namespaceDefaultDeny = objectRule(
  {
    id: 'HRD-NamespaceDefaultDeny',
    kinds: ['Namespace'],
    title: 'Default-deny NetworkPolicy per namespace',
    severity: 'error',
    description: 'A namespace-wide default-deny for Ingress and Egress makes every allowed flow explicit.',
    fix: 'Add a NetworkPolicy with podSelector {}, policyTypes [Ingress, Egress] and no ingress rules (DNS egress may stay).',
    references: [NSA.netpol, CIS.netpolAll, SOC2.boundaries],
    scanners: ['CKV2_K8S_6', 'kube-score pod-networkpolicy'],
  },
  (ctx) => {
    const name = indexedOf(ctx).name;
    if (SYSTEM_NAMESPACES.has(name)) return undefined;
    return ctx.set.ofKind('NetworkPolicy', name).some((p) => isDefaultDeny(p.object))
      ? []
      : [at(`namespace ${name} has no default-deny NetworkPolicy in the set`, ['metadata', 'name'])];
  },
);

const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

const serviceType = objectRule(
  {
    id: 'HRD-ServiceType',
    kinds: ['Service'],
    title: 'ClusterIP services without externalIPs',
    severity: 'error',
    description:
      'NodePort and LoadBalancer services and externalIPs expose pods outside the cluster, bypassing ingress TLS and policy.',
    fix: 'Use type ClusterIP behind an Ingress or gateway, and remove externalIPs.',
    references: [NSA.exposure, SOC2.boundaries],
    scanners: ['kube-score service-type', 'kube-linter exposed-services', 'KSV-0108'],
  },
  (ctx) => {
    const spec = rec(ctx.object.spec);
    const out: FindingDraft[] = [];
    const type = spec.type ?? 'ClusterIP';
    if (type !== 'ClusterIP') out.push(at(`Service type is ${String(type)}`, ['spec', 'type']));
    if (arr(spec.externalIPs).length) out.push(at('Service sets externalIPs', ['spec', 'externalIPs']));
    return out;
  },
);

const ingressTls = objectRule(
  {
    id: 'HRD-IngressTls',
    kinds: ['Ingress'],
    title: 'Ingress terminates TLS',
    severity: 'error',
    description: 'Traffic to agents carries prompts and tool results; it must be encrypted.',
    fix: 'Add spec.tls with the hosts and a certificate Secret.',
    references: [NSA.exposure, SOC2.boundaries],
    scanners: ['Polaris tlsSettingsMissing'],
  },
  (ctx) => (arr(rec(ctx.object.spec).tls).length ? [] : [at('Ingress has no tls block', ['spec', 'tls'])]),
);

// --- Namespaces --------------------------------------------------------------------------------

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

// --- Availability ------------------------------------------------------------------------------

function hpaFor(ctx: RuleContext): Json | undefined {
  const item = indexedOf(ctx);
  return ctx.set
    .ofKind('HorizontalPodAutoscaler', item.namespace)
    .map((h) => rec(h.object.spec))
    .find((s) => rec(s.scaleTargetRef).kind === item.kind && rec(s.scaleTargetRef).name === item.name);
}

function replicasOf(ctx: RuleContext): number {
  const hpa = hpaFor(ctx);
  if (hpa) return typeof hpa.minReplicas === 'number' ? hpa.minReplicas : 1;
  const r = rec(ctx.object.spec).replicas;
  return typeof r === 'number' ? r : 1;
}

const replicas = objectRule(
  {
    id: 'HRD-Replicas',
    kinds: ['Deployment'],
    title: `At least ${DEFAULT_REPLICAS} replicas`,
    severity: 'warning',
    description: 'A single replica is down during every node drain and rollout.',
    fix: `Set spec.replicas >= ${DEFAULT_REPLICAS}, or an HPA with minReplicas >= ${DEFAULT_REPLICAS}.`,
    references: [],
    scanners: ['kube-score deployment-replicas', 'Polaris deploymentMissingReplicas'],
  },
  (ctx) =>
    replicasOf(ctx) >= DEFAULT_REPLICAS
      ? []
      : [at(`Deployment runs ${replicasOf(ctx)} replica(s)`, ['spec', 'replicas'])],
);

const pdb = podRule(
  {
    id: 'HRD-PodDisruptionBudget',
    kinds: REPLICATED,
    title: 'PodDisruptionBudget for replicated workloads',
    severity: 'warning',
    description: 'Without a PDB a node drain can evict every replica at once.',
    fix: 'Add a PodDisruptionBudget selecting the pod labels, with maxUnavailable 1 (never 0) and unhealthyPodEvictionPolicy AlwaysAllow.',
    references: [],
    scanners: ['kube-score deployment-has-poddisruptionbudget', 'Polaris missingPodDisruptionBudget'],
  },
  (pod, ctx) => {
    if (replicasOf(ctx) <= 1) return undefined;
    const budgets = ctx.set.ofKind('PodDisruptionBudget', indexedOf(ctx).namespace).filter((b) => {
      const sel = rec(b.object.spec).selector;
      return !isEmptySelector(sel) && selectorMatches(sel, pod.labels);
    });
    return budgets.length ? [] : [at('no PodDisruptionBudget selects the pods', ['spec', 'replicas'])];
  },
);

const pdbEvictable = objectRule(
  {
    id: 'HRD-PdbAllowsEviction',
    kinds: ['PodDisruptionBudget'],
    title: 'PodDisruptionBudget allows evictions',
    severity: 'warning',
    description: 'maxUnavailable 0 or minAvailable 100% blocks node drains forever.',
    fix: 'Use maxUnavailable: 1 (or a minAvailable below the replica count).',
    references: [],
    scanners: ['kube-score poddisruptionbudget-has-policy', 'Polaris pdbDisruptionsIsZero'],
  },
  (ctx) => {
    const spec = rec(ctx.object.spec);
    if (spec.maxUnavailable === 0 || spec.maxUnavailable === '0%')
      return [at('maxUnavailable is 0', ['spec', 'maxUnavailable'])];
    if (spec.minAvailable === '100%') return [at('minAvailable is 100%', ['spec', 'minAvailable'])];
    if (spec.minAvailable === undefined && spec.maxUnavailable === undefined)
      return [at('neither minAvailable nor maxUnavailable is set', ['spec'])];
    return [];
  },
);

const spread = podRule(
  {
    id: 'HRD-Spread',
    kinds: REPLICATED,
    title: 'Anti-affinity and topology spread',
    severity: 'warning',
    description:
      'Replicas on one node fail together; podAntiAffinity on kubernetes.io/hostname and topologySpreadConstraints spread them.',
    fix: 'Add podAntiAffinity on kubernetes.io/hostname and topologySpreadConstraints, both with a labelSelector matching the pod labels.',
    references: [],
    scanners: [
      'kube-score deployment-has-host-podantiaffinity',
      'kube-linter no-anti-affinity',
      'Polaris topologySpreadConstraint',
    ],
  },
  (pod, ctx) => {
    if (replicasOf(ctx) <= 1) return undefined;
    const anti = rec(rec(pod.spec.affinity).podAntiAffinity);
    const terms = [
      ...recs(anti.requiredDuringSchedulingIgnoredDuringExecution),
      ...recs(anti.preferredDuringSchedulingIgnoredDuringExecution).map((t) => rec(t.podAffinityTerm)),
    ];
    const out: FindingDraft[] = [];
    if (
      !terms.some(
        (t) =>
          t.topologyKey === 'kubernetes.io/hostname' &&
          selectorMatches(t.labelSelector, pod.labels) &&
          !isEmptySelector(t.labelSelector),
      )
    ) {
      out.push(
        at('no podAntiAffinity on kubernetes.io/hostname selects the pod labels', [
          ...pod.specPath,
          'affinity',
          'podAntiAffinity',
        ]),
      );
    }
    if (
      !recs(pod.spec.topologySpreadConstraints).some(
        (t) => !isEmptySelector(t.labelSelector) && selectorMatches(t.labelSelector, pod.labels),
      )
    ) {
      out.push(
        at('no topologySpreadConstraints select the pod labels', [...pod.specPath, 'topologySpreadConstraints']),
      );
    }
    return out;
  },
);

const priorityClass = podRule(
  {
    id: 'HRD-PriorityClass',
    kinds: LONG_RUNNING,
    title: 'priorityClassName set',
    severity: 'warning',
    description: 'Without a priority class, agents compete with platform components on preemption.',
    fix: 'Set priorityClassName.',
    references: [],
    scanners: ['Polaris priorityClassNotSet', 'kube-linter priority-class-name'],
  },
  (pod) =>
    typeof pod.spec.priorityClassName === 'string' && pod.spec.priorityClassName
      ? []
      : [at('pod has no priorityClassName', [...pod.specPath, 'priorityClassName'])],
);

// --- Metadata and batch ------------------------------------------------------------------------

const instanceLabel = podRule(
  {
    id: 'HRD-InstanceLabel',
    title: 'app.kubernetes.io/instance matches the name',
    severity: 'warning',
    description:
      'Polaris flags an instance label that differs from the object name: tooling that groups by instance then mislabels it.',
    fix: 'Set app.kubernetes.io/instance to metadata.name, or remove it.',
    references: [],
    scanners: ['Polaris metadataAndInstanceMismatched'],
  },
  (_pod, ctx) => {
    const item = indexedOf(ctx);
    const instance = item.labels['app.kubernetes.io/instance'];
    return instance === undefined || instance === item.name
      ? []
      : [
          at(`app.kubernetes.io/instance ${instance} differs from name ${item.name}`, [
            'metadata',
            'labels',
            'app.kubernetes.io/instance',
          ]),
        ];
  },
);

const jobTtl = objectRule(
  {
    id: 'HRD-JobLifecycle',
    kinds: ['Job', 'CronJob'],
    title: 'Job TTL and CronJob deadline',
    severity: 'warning',
    description:
      'Finished Jobs linger without ttlSecondsAfterFinished; a CronJob without startingDeadlineSeconds can start a burst of missed runs.',
    fix: 'Set ttlSecondsAfterFinished on standalone Jobs; on CronJobs set startingDeadlineSeconds and leave ttlSecondsAfterFinished out of the jobTemplate.',
    references: [OWASP.consumption],
    scanners: ['kube-linter job-ttl-seconds-after-finished', 'kube-score cronjob-has-deadline'],
  },
  (ctx) => {
    const spec = rec(ctx.object.spec);
    if (ctx.object.kind === 'Job') {
      return typeof spec.ttlSecondsAfterFinished === 'number'
        ? []
        : [at('Job has no ttlSecondsAfterFinished', ['spec', 'ttlSecondsAfterFinished'])];
    }
    const out: FindingDraft[] = [];
    if (typeof spec.startingDeadlineSeconds !== 'number')
      out.push(at('CronJob has no startingDeadlineSeconds', ['spec', 'startingDeadlineSeconds']));
    if (rec(rec(spec.jobTemplate).spec).ttlSecondsAfterFinished !== undefined) {
      out.push(
        at('CronJob jobTemplate sets ttlSecondsAfterFinished', [
          'spec',
          'jobTemplate',
          'spec',
          'ttlSecondsAfterFinished',
        ]),
      );
    }
    return out;
  },
);

const HARDENING_RULES: readonly Rule[] = [
  resources,
  ephemeralStorage,
  probes,
  probePorts,
  readOnlyRootFs,
  highId('runAsUser'),
  highId('runAsGroup'),
  rootGroup,
  seccomp,
  noCapabilityAdd,
  privilegedPorts,
  imagePinned,
  pullPolicy,
  automount,
  dedicatedSa,
  secretEnv,
  secretLiteral,
  duplicateEnv,
  podNetworkPolicy,
  namespaceDefaultDeny,
  serviceType,
  ingressTls,
  namespaceUse,
  namespacePsa,
  namespaceLimits,
  replicas,
  pdb,
  pdbEvictable,
  spread,
  priorityClass,
  instanceLabel,
  jobTtl,
  ...PLACEMENT_RULES,
];

export const HARDENING: Pack = {
  name: 'hardening',
  description: 'The scanner-consensus hardening profile (kube-score, Polaris, kubesec, kube-linter, Checkov, Trivy).',
  rules: HARDENING_RULES,
};
