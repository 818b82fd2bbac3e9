/**
 * The rule engine's packs as CrossGuard policies, kept apart from index.ts because constructing a
 * PolicyPack starts its gRPC server; tests import this module and call the policies directly.
 */
import {
  EnforcementLevel,
  Policy,
  ReportViolation,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from '@pulumi/policy';
import { parseTypeToken } from '../lib/pulumi/kinds';
import { DEFAULT_PACKS, Finding, KubeObject, packByName, packNames, runRules } from '../lib/rules';

/** Prefix of every policy name; a pack `hardening` becomes `agent-baseline-hardening`. */
export const POLICY_PREFIX = 'agent-baseline-';

/** A resource as CrossGuard hands it over: its type token and its properties. */
export interface PulumiResourceView {
  /** Pulumi type token, e.g. `kubernetes:apps/v1:Deployment`; gives apiVersion and kind. */
  readonly type: string;
  /** The resource's properties: the object body without apiVersion and kind. */
  readonly props: Record<string, unknown>;
  /** The resource's URN, which stack violations are reported against. @default undefined (resource policies report on the resource itself) */
  readonly urn?: string;
}

/**
 * The Kubernetes object a Pulumi resource stands for, whichever program registered it: the
 * apiVersion and kind come from the type token, the body from the properties. Undefined for
 * non-Kubernetes resources and for Helm, YAML and *Patch resources, which are not whole objects.
 */
export function kubernetesObjectOf(resource: PulumiResourceView): KubeObject | undefined {
  const parsed = parseTypeToken(resource.type);
  if (!parsed) return undefined;
  // Stack policies see outputs; the status the cluster reports is not part of the desired object.
  const body: Record<string, unknown> = { ...(resource.props ?? {}) };
  delete body.status;
  return { ...body, apiVersion: parsed.apiVersion, kind: parsed.kind };
}

/** Failing findings (errors that are not suppressed), one violation message each. */
function violations(findings: readonly Finding[]): string[] {
  return findings
    .filter((f) => f.severity === 'error' && !f.suppressed)
    .map((f) => `${f.rule}: ${f.message} (at ${f.path}). Fix: ${f.fix}`);
}

function enforcement(pack: string): EnforcementLevel {
  return DEFAULT_PACKS.includes(pack) ? 'mandatory' : 'disabled';
}

/**
 * Pod Security is decided per object, exactly as the admission controller does, so the PSS packs
 * run on each resource as it is validated.
 */
function resourcePolicy(pack: string, description: string): ResourceValidationPolicy {
  return {
    name: `${POLICY_PREFIX}${pack}`,
    description,
    enforcementLevel: enforcement(pack),
    validateResource: (args, report: ReportViolation) => {
      const object = kubernetesObjectOf(args);
      if (!object) return;
      for (const message of violations(runRules([object], { packs: [pack] }).results[0].findings)) report(message);
    },
  };
}

/**
 * The other packs relate objects to each other (a Deployment and the NetworkPolicy that selects
 * it, a binding and its ServiceAccount), so they run over every Kubernetes resource of the stack
 * at once; a single resource alone would fail rules its neighbours satisfy.
 */
function stackPolicy(pack: string, description: string): StackValidationPolicy {
  return {
    name: `${POLICY_PREFIX}${pack}`,
    description,
    enforcementLevel: enforcement(pack),
    validateStack: (args, report: ReportViolation) => {
      const views = args.resources
        .map((r) => ({ urn: r.urn, object: kubernetesObjectOf(r) }))
        .filter((v): v is { urn: string; object: KubeObject } => v.object !== undefined);
      const results = runRules(
        views.map((v) => v.object),
        { packs: [pack] },
      ).results;
      results.forEach((result, i) => violations(result.findings).forEach((message) => report(message, views[i].urn)));
    },
  };
}

/** Packs whose every rule looks at one object at a time. */
export function isObjectLocalPack(pack: string): boolean {
  return pack.startsWith('pss-');
}

/** One policy per pack registered with the rule engine. Packs outside DEFAULT_PACKS start disabled. */
export function buildPolicies(packs: readonly string[] = packNames()): Policy[] {
  return packs.map((name) => {
    const pack = packByName(name);
    const description = pack?.description ?? name;
    return isObjectLocalPack(name) ? resourcePolicy(name, description) : stackPolicy(name, description);
  });
}

/** The policies of the `agent-baseline` pack. */
export const policies: Policy[] = buildPolicies();
