/**
 * Identity and secrets across objects: a Secret Vault delivers to one agent is read only by that
 * agent; an agent's ServiceAccount is used only by that agent (it carries its RBAC and Vault role);
 * literal Secrets and credential-looking values never sit in the manifests.
 */
import { detectCredential, serviceAccountUsername } from '../../core';
import { IndexedObject, ObjectSet } from '../object-set';
import { PodContext } from '../pod-template';
import { CIS, NSA, OWASP, SOC2 } from '../references';
import { FindingDraft, PathSegment } from '../types';
import { arr, isRecord, rec, recs, str, strs } from '../util';
import {
  at,
  containerRule,
  indexedOf,
  isAgentNamespace,
  isAgentWorkload,
  objectRule,
  podRule,
  serviceAccountOf,
} from './helpers';

const INSTANCE = 'app.kubernetes.io/instance';
const VSO_KINDS = ['VaultStaticSecret', 'VaultDynamicSecret', 'VaultPKISecret'];

interface Owner {
  readonly serviceAccount: string;
  readonly how: string;
}

function agentInstance(item: IndexedObject): string | undefined {
  return item.pod && isAgentWorkload(item, item.pod)
    ? (item.pod.labels[INSTANCE] ?? item.labels[INSTANCE] ?? item.name)
    : undefined;
}

/** Who each Vault-delivered Secret and SecretProviderClass of a namespace belongs to. Built once per set. */
const ownersCache = new WeakMap<ObjectSet, Map<string, Owner>>();

function owners(set: ObjectSet): Map<string, Owner> {
  let map = ownersCache.get(set);
  if (map) return map;
  map = new Map();
  // Operator mode: the destination Secret is written with a token of the VaultAuth's ServiceAccount.
  for (const kind of VSO_KINDS) {
    for (const o of set.ofKind(kind)) {
      if (!(o.object.apiVersion ?? '').startsWith('secrets.hashicorp.com/')) continue;
      const spec = rec(o.object.spec);
      const auth = set.find('VaultAuth', str(spec.vaultAuthRef) ?? '', o.namespace);
      const sa = str(rec(rec(auth?.object.spec).kubernetes).serviceAccount);
      const name = str(rec(spec.destination).name);
      if (sa && name)
        map.set(`secret\u0000${o.namespace}\u0000${name}`, { serviceAccount: sa, how: `${kind} ${o.name}` });
    }
  }
  // CSI mode: the SecretProviderClass belongs to the agent workload that carries the same instance label.
  for (const spc of set.ofKind('SecretProviderClass')) {
    const instance = spc.labels[INSTANCE];
    const agent = set.workloads(spc.namespace).find((w) => agentInstance(w) === instance);
    if (instance && agent?.pod)
      map.set(`spc\u0000${spc.namespace}\u0000${spc.name}`, {
        serviceAccount: serviceAccountOf(agent.pod),
        how: `SecretProviderClass ${spc.name}`,
      });
  }
  ownersCache.set(set, map);
  return map;
}

interface SecretRef {
  readonly kind: 'secret' | 'spc';
  readonly name: string;
  readonly path: PathSegment[];
  readonly how: string;
}

function secretRefs(pod: PodContext): SecretRef[] {
  const out: SecretRef[] = [];
  arr(pod.spec.volumes).forEach((v, i) => {
    const vol = rec(v);
    // Paths are built only for the volumes that reference a secret (most mount none).
    const base = (...rest: PathSegment[]): PathSegment[] => [...pod.specPath, 'volumes', i, ...rest];
    const secretName = str(rec(vol.secret).secretName);
    if (secretName) out.push({ kind: 'secret', name: secretName, path: base('secret'), how: 'mounts' });
    arr(rec(vol.projected).sources).forEach((s, j) => {
      const name = str(rec(rec(s).secret).name);
      if (name) out.push({ kind: 'secret', name, path: base('projected', 'sources', j), how: 'projects' });
    });
    const spc = str(rec(rec(vol.csi).volumeAttributes).secretProviderClass);
    if (spc) out.push({ kind: 'spc', name: spc, path: base('csi'), how: 'mounts the CSI secrets of' });
  });
  for (const c of pod.containers) {
    arr(c.spec.env).forEach((e, i) => {
      const name = str(rec(rec(rec(e).valueFrom).secretKeyRef).name);
      if (name) out.push({ kind: 'secret', name, path: [...c.path, 'env', i, 'valueFrom'], how: 'reads into env' });
    });
    arr(c.spec.envFrom).forEach((e, i) => {
      const name = str(rec(rec(e).secretRef).name);
      if (name) out.push({ kind: 'secret', name, path: [...c.path, 'envFrom', i], how: 'imports into env' });
    });
  }
  return out;
}

export const foreignSecret = podRule(
  {
    id: 'AGT-ForeignSecret',
    title: 'No pod reads a Secret Vault delivers to another identity',
    severity: 'error',
    description:
      "A Secret the Vault Secrets Operator writes for an agent (destination of a VaultStaticSecret/VaultDynamicSecret whose VaultAuth logs in as that agent's ServiceAccount), or a SecretProviderClass of an agent, belongs to that agent: a pod running as any other ServiceAccount that mounts, projects or env-references it reads around the agent's Vault policy.",
    fix: "Give the pod its own Vault role and secrets; never reference another agent's delivered Secret.",
    references: [OWASP.disclosure, OWASP.excessiveAgency, CIS.externalSecrets, SOC2.logicalAccess],
    scanners: [],
  },
  (pod, ctx) => {
    const item = indexedOf(ctx);
    const own = serviceAccountOf(pod);
    const map = owners(ctx.set);
    return secretRefs(pod).flatMap((ref): FindingDraft[] => {
      const owner = map.get(`${ref.kind}\u0000${item.namespace}\u0000${ref.name}`);
      if (!owner || owner.serviceAccount === own) return [];
      return [
        at(
          `pod running as ServiceAccount ${own} ${ref.how} ${ref.kind === 'secret' ? 'Secret' : 'SecretProviderClass'} ${ref.name}, which Vault delivers to ServiceAccount ${owner.serviceAccount} (${owner.how}): it reads around that identity's Vault policy`,
          ref.path,
        ),
      ];
    });
  },
);

/** Agent ServiceAccounts of the set: `ns\0sa` → the agent instance that runs as it. */
const agentSaCache = new WeakMap<ObjectSet, Map<string, string>>();

function agentServiceAccounts(set: ObjectSet): Map<string, string> {
  let map = agentSaCache.get(set);
  if (map) return map;
  map = new Map();
  for (const w of set.workloads()) {
    const instance = agentInstance(w);
    if (instance && w.pod) {
      const key = `${w.namespace}\u0000${serviceAccountOf(w.pod)}`;
      if (!map.has(key)) map.set(key, instance);
    }
  }
  agentSaCache.set(set, map);
  return map;
}

export const foreignServiceAccount = podRule(
  {
    id: 'AGT-ForeignServiceAccount',
    title: "No workload runs as another agent's ServiceAccount",
    severity: 'error',
    description:
      "An agent's ServiceAccount carries that agent's RBAC grants and Vault role: any other workload (agent or not) that runs as it inherits them. Judged across the set: the ServiceAccount an agent workload runs as must not be used by a workload of another instance.",
    fix: 'Give every workload its own ServiceAccount.',
    references: [OWASP.excessiveAgency, CIS.defaultSa, SOC2.logicalAccess],
    scanners: [],
  },
  (pod, ctx) => {
    const item = indexedOf(ctx);
    const sa = serviceAccountOf(pod);
    const owner = agentServiceAccounts(ctx.set).get(`${item.namespace}\u0000${sa}`);
    const self = agentInstance(item);
    if (!owner || owner === self) return [];
    return [
      at(`runs as ServiceAccount ${sa} of agent ${owner}: it inherits that agent's RBAC grants and Vault role`, [
        ...pod.specPath,
        'serviceAccountName',
      ]),
    ];
  },
);

/** `serviceAccountName in ['a', 'b']` in a guardrail's CEL. */
const SA_LIST = /serviceAccountName in \[([^\]]*)\]/g;

export const guardrailForeignServiceAccount = objectRule(
  {
    id: 'AGT-GuardrailServiceAccount',
    kinds: ['ValidatingAdmissionPolicy'],
    title: "An agent's Job guardrail allows no other agent's ServiceAccount",
    severity: 'error',
    description:
      "The Job guardrail of an agent (a ValidatingAdmissionPolicy matched on the agent's username) lists the ServiceAccounts created Jobs may run as; one that another agent runs as lets the agent act with that agent's RBAC and Vault role through a Job.",
    fix: 'List only dedicated, token-less ServiceAccounts for created Jobs.',
    references: [OWASP.excessiveAgency, SOC2.logicalAccess],
    scanners: [],
  },
  (ctx) => {
    const spec = rec(ctx.object.spec);
    const users = recs(spec.matchConditions).flatMap((c) =>
      [...(str(c.expression) ?? '').matchAll(/system:serviceaccount:([a-z0-9-]+):([a-z0-9-]+)/g)].map((m) => ({
        ns: m[1],
        sa: m[2],
      })),
    );
    if (users.length === 0) return undefined;
    const agents = agentServiceAccounts(ctx.set);
    const out: FindingDraft[] = [];
    recs(spec.validations).forEach((v, i) => {
      for (const m of (str(v.expression) ?? '').matchAll(SA_LIST)) {
        const names = [...m[1].matchAll(/'([^']*)'|"([^"]*)"/g)].map((n) => n[1] ?? n[2]);
        for (const { ns, sa } of users) {
          const self = agents.get(`${ns}\u0000${sa}`);
          for (const name of names) {
            const other = agents.get(`${ns}\u0000${name}`);
            if (other && other !== self)
              out.push(
                at(
                  `the guardrail of ${serviceAccountUsername(ns, sa)} lets its Jobs run as ServiceAccount ${name} of agent ${other}: they act with that agent's RBAC and Vault role`,
                  ['spec', 'validations', i, 'expression'],
                ),
              );
          }
        }
      }
    });
    return out;
  },
);

export const literalSecret = objectRule(
  {
    id: 'AGT-LiteralSecret',
    kinds: ['Secret'],
    title: 'No literal Secret data in agent namespaces',
    severity: 'error',
    description:
      'A Secret with data or stringData in the manifests is a credential in Git, whatever labels, annotations or owner references claim about where it came from: Vault-delivered Secrets are written at run time and never appear in the manifests with their values.',
    fix: 'Remove the Secret from the manifests and deliver it from Vault.',
    references: [CIS.externalSecrets, NSA.secrets, OWASP.disclosure, SOC2.logicalAccess],
    scanners: ['kube-linter (secret data in manifests)'],
  },
  (ctx) => {
    const item = indexedOf(ctx);
    if (!isAgentNamespace(ctx.set, item.namespace)) return undefined;
    return (['data', 'stringData'] as const)
      .filter((f) => isRecord(ctx.object[f]) && Object.keys(rec(ctx.object[f])).length > 0)
      .map((f) =>
        at(
          `Secret ${item.name} carries ${Object.keys(rec(ctx.object[f])).length} literal value(s) in ${f}: a credential in the manifests`,
          [f],
        ),
      );
  },
);

const CREDENTIAL_FIX = 'Remove the value from the manifests; deliver it from Vault as a file.';

export const credentialInConfigMap = objectRule(
  {
    id: 'AGT-CredentialValue',
    kinds: ['ConfigMap'],
    title: 'No credential-looking values in ConfigMaps',
    severity: 'error',
    description:
      'Values shaped like credentials (OpenAI/Anthropic keys, AWS access keys, GitHub/Slack/Vault tokens, JWTs, PEM private keys, URLs with passwords; one detector in lib/core/credentials.ts, shared with the constructs) are flagged wherever they appear, whatever the key is called.',
    fix: CREDENTIAL_FIX,
    references: [NSA.secrets, OWASP.disclosure, CIS.externalSecrets],
    scanners: ['gitleaks (value patterns)'],
  },
  (ctx) =>
    Object.entries(rec(ctx.object.data)).flatMap(([key, value]) => {
      const kind = detectCredential(value);
      return kind ? [at(`data.${key} holds what looks like ${kind}`, ['data', key])] : [];
    }),
);

export const credentialInPod = containerRule(
  {
    id: 'AGT-CredentialInPod',
    title: 'No credential-looking values in env, command or args',
    severity: 'error',
    description:
      'A container env value, command or argument shaped like a credential (the same detector as AGT-CredentialValue) is a secret in the manifests and in the process list.',
    fix: CREDENTIAL_FIX,
    references: [NSA.secrets, OWASP.disclosure, CIS.secretsAsFiles],
    scanners: ['gitleaks (value patterns)'],
  },
  (c) => {
    const out: FindingDraft[] = [];
    arr(c.spec.env).forEach((e, i) => {
      const kind = detectCredential(rec(e).value);
      if (kind)
        out.push(
          at(
            `container ${c.name} env ${String(rec(e).name)} holds what looks like ${kind}`,
            [...c.path, 'env', i, 'value'],
            c,
          ),
        );
    });
    for (const field of ['command', 'args'] as const) {
      strs(c.spec[field]).forEach((v, i) => {
        const kind = detectCredential(v);
        if (kind)
          out.push(at(`container ${c.name} ${field}[${i}] holds what looks like ${kind}`, [...c.path, field, i], c));
      });
    }
    return out;
  },
);
