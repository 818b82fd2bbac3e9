/** Hardening, identity and secrets: ServiceAccount tokens, dedicated identities, secrets kept out of env. */
import { SECRET_LIKE_ENV_NAME } from '../../../core';
import { ObjectSet } from '../../object-set';
import { Rule } from '../../rule';
import { CIS, NSA, OWASP, SOC2 } from '../../references';
import { FindingDraft } from '../../types';
import { arr, isRecord, rec, str } from '../../util';
import { at, containerRule, indexedOf, podRule, serviceAccountOf } from '../helpers';

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
    // The path is built only for a finding: most pods pass.
    if (sa === 'default')
      out.push(at('pod runs as the default ServiceAccount', [...pod.specPath, 'serviceAccountName']));
    else if (
      declaresNamespace(ctx.set, indexedOf(ctx).namespace) &&
      !ctx.set.find('ServiceAccount', sa, indexedOf(ctx).namespace)
    ) {
      out.push(at(`ServiceAccount ${sa} is not in the manifest set`, [...pod.specPath, 'serviceAccountName']));
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

export const IDENTITY_RULES: readonly Rule[] = [automount, dedicatedSa, secretEnv, secretLiteral, duplicateEnv];
