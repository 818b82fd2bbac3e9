import { ApiObject, ApiObjectMetadata, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import {
  IMAGE_POLICY_ENGINES,
  INJECTOR_DEFAULT_AGENT_IMAGE,
  ImagePolicyEngine,
  WAIVER_ANNOTATION,
  checkProps,
  invalidProp,
} from '../core';
import { IMAGE_POLICY_PROPS_SCHEMA } from './schema';
import { Suppressions } from '../platform/suppressions';
import { addResolvedCheck, recordBaselinePieces } from '../platform/records';
import type { ResolvedObject } from '../rules';
import { AgentNamespace } from '../namespace/namespace';
import { AgentPlatform } from '../platform/platform';
import { imageChecks } from './cel';
import { renderKyvernoClusterPolicy, renderKyvernoImageValidatingPolicy } from './kyverno';
import { parseImageReference } from '../common/image-reference';
import {
  IMAGE_POLICY_WAIVER_CONTROLS,
  ImagePolicyProps,
  ImagePolicyWaivers,
  RecordedImagePolicyWaiver,
  ResolvedImagePolicy,
  requireWaiverIffWeakened,
  resolveImagePolicy,
} from './settings';
import { SIGSTORE_INCLUDE_LABEL, renderSigstoreAttestationPolicy, renderSigstoreClusterImagePolicy } from './sigstore';
import { renderVap } from './vap';
import { AgentApiObject } from '../platform/api-object';

const POLICIES = new WeakMap<AgentPlatform, ImagePolicy>();

type PolicyManifest = { kind: string; apiVersion: string; metadata: ApiObjectMetadata; spec: object };

/** Every AgentNamespace of a platform, in construct order. */
function agentNamespacesOf(platform: AgentPlatform): AgentNamespace[] {
  return platform.node.findAll().filter(AgentNamespace.isAgentNamespace);
}

/**
 * The platform's image supply-chain policy: allowed registries, digest pinning, no `latest`, and
 * signature verification, emitted for every admission engine the cluster has. HardenedAgents are
 * checked against it at synth, so synth never produces a manifest the cluster would refuse.
 *
 * ```ts
 * new ImagePolicy(platform, 'ImagePolicy', {
 *   allowedPrefixes: ['ghcr.io/acme/'],
 *   signature: { keyless: { issuer: 'https://token.actions.githubusercontent.com', subjectRegExp: '^https://github[.]com/acme/.+$' } },
 * });
 * ```
 */
export class ImagePolicy extends Construct {
  /** The platform's ImagePolicy, or undefined when it has none. */
  public static of(platform: AgentPlatform): ImagePolicy | undefined {
    return POLICIES.get(platform);
  }

  /** The platform the policy belongs to; its agents are checked against it at synth. */
  public readonly platform: AgentPlatform;
  /** The validated settings. */
  public readonly settings: ResolvedImagePolicy;
  /** Namespaces the policy applies to. */
  public readonly namespaces: readonly string[];
  /** The emitted policy objects, by kind. */
  public readonly objects: Readonly<Record<string, ApiObject>>;

  constructor(scope: Construct, id: string, props: ImagePolicyProps) {
    super(scope, id);
    checkProps(this, IMAGE_POLICY_PROPS_SCHEMA, props);
    this.platform = AgentPlatform.find(this);
    if (Chart.of(this) !== this.platform) {
      invalidProp(
        this,
        'scope',
        scope.node.path,
        'the AgentPlatform chart itself, or a construct in it outside any AgentNamespace',
        'the policies are cluster-scoped',
      );
    }
    const existing = POLICIES.get(this.platform);
    if (existing)
      invalidProp(
        this,
        'scope',
        this.platform.node.path,
        `a platform without an ImagePolicy (it has ${existing.node.path})`,
        'two policies would make the synth-time check ambiguous',
      );
    this.settings = resolveImagePolicy(this, props, this.platform.settings.imagePolicyEngines);
    // Registered once the props are valid: a refused policy must not block a corrected one.
    POLICIES.set(this.platform, this);
    this.namespaces = this.resolveNamespaces();
    this.objects = this.emit();
    this.recordWaivers();
    // The platform without its admission policies would pass the synth-time image check in vain.
    recordBaselinePieces(this.platform, this);
    this.node.addValidation({ validate: () => this.lateNamespaces() });
    // Judges the images actually written (after patches), in every chart of the App.
    addResolvedCheck(this.platform, (objects) => this.resolvedViolations(objects));
  }

  /** Images of resolved pod-bearing objects in covered namespaces that admission would refuse. */
  private resolvedViolations(objects: readonly ResolvedObject[]): string[] {
    return objects.flatMap(({ object, constructPath }) => {
      const namespace = object.metadata?.namespace;
      const template = podTemplateAsAdmitted(object);
      if (!template || namespace === undefined || !this.appliesTo(namespace)) return [];
      const images: Array<{ at: string; image: unknown }> = [];
      for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
        const containers = template.spec[list];
        if (!Array.isArray(containers)) continue;
        containers.forEach((c: { image?: unknown }, i) =>
          images.push({ at: `${template.specPath.join('.')}.${list}[${i}].image`, image: c?.image }),
        );
      }
      const annotations = (template.metadata.annotations ?? {}) as Record<string, unknown>;
      if (annotations['vault.hashicorp.com/agent-inject'] === 'true')
        images.push({
          at: `${template.metadataPath.join('.')}.annotations (injected Vault Agent)`,
          image: annotations['vault.hashicorp.com/agent-image'] ?? INJECTOR_DEFAULT_AGENT_IMAGE,
        });
      return images.flatMap(({ at, image }) => {
        const problem = typeof image === 'string' ? this.violation(image) : 'no image';
        return problem === undefined
          ? []
          : [
              `[${constructPath}] ${object.kind}/${namespace}/${object.metadata?.name} at ${at}: image ${JSON.stringify(image)} as written would be refused at admission by ${this.node.path} in namespace '${namespace}': ${problem}`,
            ];
      });
    });
  }

  /** True when the policy applies to `namespace`. */
  public appliesTo(namespace: string): boolean {
    return this.namespaces.includes(namespace);
  }

  /**
   * Why `image` would be refused at admission, or undefined when it is admitted. Mirrors the
   * ValidatingAdmissionPolicy's CEL check by check; signatures can only be checked by the cluster.
   */
  public violation(image: string): string | undefined {
    const parsed = parseImageReference(image);
    if (!parsed.ok) return parsed.problem;
    const failed = imageChecks(this.settings).find((check) => !check.test(image));
    return failed?.message;
  }

  private resolveNamespaces(): string[] {
    const agentNamespaces = agentNamespacesOf(this.platform);
    const names = [...(this.settings.namespaces ?? agentNamespaces.map((ns) => ns.name))];
    if (names.length === 0) {
      invalidProp(
        this,
        'namespaces',
        names,
        'create the AgentNamespaces before the ImagePolicy, or list namespaces',
        'a policy scoped to no namespace enforces nothing',
      );
    }
    if (!this.settings.engines.includes('sigstore')) return names;
    names.forEach((name, i) => {
      const ns = agentNamespaces.find((n) => n.name === name);
      if (!ns) {
        invalidProp(
          this,
          `namespaces[${i}]`,
          name,
          `an AgentNamespace of this platform (${agentNamespaces.map((n) => n.name).join(', ') || 'none yet'})`,
          `policy-controller acts only in namespaces labelled ${SIGSTORE_INCLUDE_LABEL}=true, which only AgentNamespaces get`,
        );
      }
      ns.namespaceObject.metadata.addLabel(SIGSTORE_INCLUDE_LABEL, 'true');
    });
    return names;
  }

  private readonly uncoveredAtConstruction = new Set<AgentNamespace>();

  private recordedUncovered(ns: AgentNamespace): boolean {
    return this.uncoveredAtConstruction.has(ns);
  }

  /** AgentNamespaces of the platform the policy leaves out, each a weakening that needs a waiver. */
  private uncovered(): AgentNamespace[] {
    return agentNamespacesOf(this.platform).filter((ns) => !this.namespaces.includes(ns.name));
  }

  /**
   * Records every waiver on the policy objects, and suppresses the AGT-ImagePolicy finding, with the
   * reason, on the Namespaces the weakening leaves unprotected.
   */
  private recordWaivers(): void {
    const w = this.settings.waivers ?? {};
    const uncovered = this.settings.namespaces === undefined ? [] : this.uncovered();
    uncovered.forEach((ns) => this.uncoveredAtConstruction.add(ns));
    requireWaiverIffWeakened(
      this,
      'uncoveredNamespaces',
      uncovered.length > 0,
      w,
      'namespaces',
      this.settings.namespaces,
      `a list with every AgentNamespace of the platform (missing: ${uncovered.map((n) => n.name).join(', ')})`,
    );
    const recorded: RecordedImagePolicyWaiver[] = (Object.keys(w) as (keyof ImagePolicyWaivers)[]).map((k) => ({
      control: IMAGE_POLICY_WAIVER_CONTROLS[k],
      weakening: k,
      reason: w[k] as string,
    }));
    if (recorded.length === 0) return;
    for (const obj of Object.values(this.objects))
      obj.metadata.addAnnotation(WAIVER_ANNOTATION, JSON.stringify(recorded));
    const covered = agentNamespacesOf(this.platform).filter((ns) => this.namespaces.includes(ns.name));
    const suppress = (namespaces: AgentNamespace[], reason: string | undefined) => {
      if (reason === undefined) return;
      for (const ns of namespaces)
        Suppressions.add(ns.namespaceObject, [{ rule: IMAGE_POLICY_WAIVER_CONTROLS.uncoveredNamespaces, reason }]);
    };
    suppress(uncovered, w.uncoveredNamespaces);
    suppress(covered, w.nonEnforcingMode);
  }

  private emit(): Record<string, ApiObject> {
    const s = this.settings;
    const out: Record<string, ApiObject> = {};
    const minor = this.platform.settings.kubernetesMinor;
    // One renderer per engine: an engine added to ImagePolicyEngine without one does not compile.
    const renderers: Record<ImagePolicyEngine, () => PolicyManifest[]> = {
      vap: () => {
        const vap = renderVap(s, minor, this.namespaces);
        return [vap.policy, vap.binding];
      },
      kyverno: () => [
        renderKyvernoImageValidatingPolicy(s, this.namespaces),
        renderKyvernoClusterPolicy(s, this.namespaces),
      ],
      // Attestations: Kyverno's are inside its policies; Sigstore's get a policy of their own; a VAP
      // cannot fetch them (the rule engine warns).
      sigstore: () => {
        const attestations = renderSigstoreAttestationPolicy(s);
        return [renderSigstoreClusterImagePolicy(s), ...(attestations ? [attestations] : [])];
      },
    };
    for (const engine of IMAGE_POLICY_ENGINES.filter((e) => s.engines.includes(e))) {
      for (const manifest of renderers[engine]()) {
        // The attestation ClusterImagePolicy is the second object of its kind.
        const id = manifest.kind in out ? `${manifest.kind}Attestations` : manifest.kind;
        out[id] = new AgentApiObject(this, id, manifest);
      }
    }
    return out;
  }

  /** Namespaces created after the policy were not in scope when it was rendered; say so instead of leaving them uncovered. */
  private lateNamespaces(): string[] {
    if (this.settings.namespaces !== undefined)
      return this.uncovered()
        .filter((ns) => ns.node.tryFindChild('Namespace') !== undefined && !this.recordedUncovered(ns))
        .map(
          (ns) =>
            `AgentNamespace '${ns.name}' (${ns.node.path}) is not in the namespaces of ${this.node.path} and was created after it, so no waiver covers it; list it, or create the ImagePolicy after every AgentNamespace and set waivers.uncoveredNamespaces with a reason`,
        );
    return agentNamespacesOf(this.platform)
      .filter((ns) => !this.namespaces.includes(ns.name))
      .map(
        (ns) =>
          `AgentNamespace '${ns.name}' (${ns.node.path}) was created after the ImagePolicy and is not covered by it; create the ImagePolicy after every AgentNamespace, or list namespaces explicitly`,
      );
  }
}

type Json = Record<string, unknown>;
const asRecord = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});

/** The pod template where the admission policy looks for it (see celPodSpec): Pod, CronJob, or spec.template. */
function podTemplateAsAdmitted(
  object: ResolvedObject['object'],
): { metadata: Json; spec: Json; metadataPath: string[]; specPath: string[] } | undefined {
  const path =
    object.kind === 'Pod'
      ? []
      : object.kind === 'CronJob'
        ? ['spec', 'jobTemplate', 'spec', 'template']
        : ['spec', 'template'];
  let node: Json = object as Json;
  for (const seg of path) node = asRecord(node[seg]);
  const spec = node.spec;
  if (typeof spec !== 'object' || spec === null) return undefined;
  return {
    metadata: asRecord(node.metadata),
    spec: asRecord(spec),
    metadataPath: [...path, 'metadata'],
    specPath: [...path, 'spec'],
  };
}

/**
 * The synth-time check: why each image would be refused by the platform's ImagePolicy in
 * `namespace`. Register it with `node.addValidation` so the policy may be created after the agent.
 */
export function imagePolicyViolations(
  scope: IConstruct,
  platform: AgentPlatform,
  namespace: string,
  images: readonly string[],
): string[] {
  const policy = ImagePolicy.of(platform);
  if (!policy || !policy.appliesTo(namespace)) return [];
  return images.flatMap((image) => {
    const problem = policy.violation(image);
    return problem === undefined
      ? []
      : [
          `image ${JSON.stringify(image)} would be refused at admission by ${policy.node.path} in namespace '${namespace}': ${problem} (construct ${scope.node.path})`,
        ];
  });
}
