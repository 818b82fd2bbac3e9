/** Hardening, network: NetworkPolicy coverage and exposure. */
import { Rule } from '../../rule';
import { CIS, NSA, OWASP, SOC2 } from '../../references';
import { FindingDraft } from '../../types';
import { Json, arr, isEmptySelector, rec, recs } from '../../util';
import { at, indexedOf, objectRule, podRule, policiesSelecting, policyTypes } from '../helpers';
import { SYSTEM_NAMESPACES } from './common';

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
    // Only whether some selecting policy covers each direction matters: no per-pod union set, and
    // each policy's types are read once for both directions.
    let ingress = false;
    let egress = false;
    for (const p of policies) {
      const types = policyTypes(p.object);
      ingress ||= types.has('Ingress');
      egress ||= types.has('Egress');
      if (ingress && egress) break;
    }
    const missing = [...(ingress ? [] : ['Ingress']), ...(egress ? [] : ['Egress'])];
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

export const NETWORK_RULES: readonly Rule[] = [podNetworkPolicy, namespaceDefaultDeny, serviceType, ingressTls];
