import { ApiObject, App, Chart } from 'cdk8s';
import { stringify } from 'yaml';
import { Construct, IConstruct } from 'constructs';
import { MANAGED_BY, invalidProp, parseCidr, requireDnsLabel, requireOneOf } from '../core';
import { AgentPlatform } from '../platform/platform';
import { AgentRuntimeDeclaration, DECLARATION_KINDS, ManifestObject, declarationsFromManifests } from './declaration';
import { FALCO_VALUE_ALLOWED, falcoValueProblem } from './falco/condition';
import { DEFAULT_CLUSTER_NETWORKS, FalcoItem, falcoRules } from './falco/rules';
import { TETRAGON_ACTIONS, TetragonAction, tetragonPolicy } from './tetragon';
import { AgentApiObject } from '../platform/api-object';
import { resolveObject } from '../platform/app';

/** Key of the rules file in the ConfigMap, and its name under /etc/falco/rules.d. */
export const FALCO_RULES_FILE = 'agent-baseline-rules.yaml';

/** Options of AgentRuntimeRules. */
export interface AgentRuntimeRulesProps {
  /** Namespace Falco runs in; the rules ConfigMap goes there. @default 'falco' */
  readonly falcoNamespace?: string;
  /**
   * In-cluster networks (pod and service CIDRs). Connections into them are left to the
   * NetworkPolicies, since pod addresses change; connections elsewhere must be declared egress.
   * @default DEFAULT_CLUSTER_NETWORKS (RFC 1918 and IPv6 ULA)
   */
  readonly clusterNetworks?: readonly string[];
  /** What Tetragon does on a match: 'audit' emits an event, 'sigkill' kills the process. @default 'audit' */
  readonly tetragonAction?: TetragonAction;
}

/**
 * Runtime detection rules for every agent of the platform, generated from what each agent
 * declared (read back from the synthesized objects): Falco rules (a ConfigMap the Falco chart
 * mounts, plus files under dist/runtime/) and Tetragon TracingPolicyNamespaced objects, for the
 * engines named in the platform's `runtimeEngines`. Create it after the agents and their grants.
 *
 * ```ts
 * new AgentRuntimeRules(platform, 'RuntimeRules');
 * ```
 */
export class AgentRuntimeRules extends Construct {
  /** True when `x` is an AgentRuntimeRules. */
  public static isAgentRuntimeRules(x: unknown): x is AgentRuntimeRules {
    return x instanceof AgentRuntimeRules;
  }

  /** The platform whose agents the rules cover and whose `runtimeEngines` pick the engines. */
  public readonly platform: AgentPlatform;
  /** The declarations the rules were generated from. */
  public readonly declarations: readonly AgentRuntimeDeclaration[];
  /** The Falco rules file's items (empty when Falco is not among the platform's runtime engines). */
  public readonly falcoItems: readonly FalcoItem[];
  private readonly clusterNetworks: readonly string[];
  private readonly tetragonAction: TetragonAction;
  private falcoYaml?: { readonly items: string; readonly text: string };

  constructor(scope: Construct, id: string, props: AgentRuntimeRulesProps = {}) {
    super(scope, id);
    this.platform = AgentPlatform.find(this);
    if (Chart.of(this) !== this.platform)
      invalidProp(
        this,
        'scope',
        scope.node.path,
        'the AgentPlatform chart itself',
        'the rules cover every namespace of the platform',
      );
    const falcoNamespace = requireDnsLabel(this, 'falcoNamespace', props.falcoNamespace ?? 'falco');
    this.clusterNetworks = (props.clusterNetworks ?? DEFAULT_CLUSTER_NETWORKS).map((c, i) => {
      const block = parseCidr(String(c));
      if (!block || block.hostBitsSet)
        invalidProp(this, `clusterNetworks[${i}]`, c, 'a CIDR with host bits cleared, such as 10.0.0.0/8');
      return c;
    });
    this.tetragonAction = requireOneOf(this, 'tetragonAction', props.tetragonAction ?? 'audit', TETRAGON_ACTIONS);
    this.declarations = this.currentDeclarations();
    const engines = this.platform.settings.runtimeEngines;
    this.falcoItems = engines.includes('falco') ? this.renderFalco() : [];
    if (engines.includes('falco')) {
      new AgentApiObject(this, 'FalcoRules', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'agent-baseline-falco-rules',
          namespace: falcoNamespace,
          labels: { 'app.kubernetes.io/managed-by': MANAGED_BY, 'app.kubernetes.io/component': 'runtime-rules' },
        },
        data: { [FALCO_RULES_FILE]: this.falcoRulesYaml() },
      });
    }
    if (engines.includes('tetragon')) {
      for (const d of this.declarations)
        new AgentApiObject(this, `Tetragon-${d.namespace}-${d.name}`, tetragonPolicy(d, this.tetragonAction));
    }
    this.node.addValidation({ validate: () => this.lateChanges() });
  }

  /** The Falco rules file (YAML), byte-identical for the same declarations. */
  public falcoRulesYaml(): string {
    // Asked twice per synthesis (the ConfigMap, then writeRuntimeArtifacts): the YAML is kept with
    // the items' JSON, everything it depends on (plain strings and lists), and redone if they changed.
    const items = JSON.stringify(this.falcoItems);
    if (this.falcoYaml?.items !== items) {
      const header = '# Falco rules generated by agent-baseline from what each agent declared. Do not edit.\n';
      this.falcoYaml = {
        items,
        text: header + stringify(this.falcoItems, { lineWidth: 0, aliasDuplicateObjects: false }),
      };
    }
    return this.falcoYaml.text;
  }

  private renderFalco(): FalcoItem[] {
    // Every value a condition will quote, checked here so the refusal names the agent and field.
    for (const d of this.declarations) {
      const values: [string, string][] = [
        ...d.writablePaths.map((p, i): [string, string] => [`writablePaths[${i}]`, p]),
        ...d.containers.flatMap((c) => [
          [`containers.${c.name}.name`, c.name] as [string, string],
          ...(c.command?.length ? [[`containers.${c.name}.command[0]`, c.command[0]] as [string, string]] : []),
        ]),
        ...Object.entries(d.podLabels).map(([k, v]): [string, string] => [`podLabels.${k}`, v]),
      ];
      for (const [field, value] of values) {
        const problem = falcoValueProblem(value);
        if (problem !== undefined)
          invalidProp(
            this,
            `declarations[${d.namespace}/${d.name}].${field}`,
            value,
            FALCO_VALUE_ALLOWED,
            `it contains ${problem}; Falco would read such a value as part of the rule instead of as a value`,
          );
      }
    }
    return falcoRules(this.declarations, { clusterNetworks: this.clusterNetworks });
  }

  private currentDeclarations(): AgentRuntimeDeclaration[] {
    const objects = this.platform.node
      .findAll()
      .filter((c): c is ApiObject => ApiObject.isApiObject(c) && !c.node.scopes.includes(this) && mayDeclare(c))
      // Within a synthesis (the late check below) the objects resolved for output are reused.
      .map((o) => resolveObject(o) as ManifestObject);
    return declarationsFromManifests(objects);
  }

  /** Agents or grants added after the rules were generated would be unwatched or wrongly watched: say so. */
  private lateChanges(): string[] {
    const now = JSON.stringify(this.currentDeclarations());
    return now === JSON.stringify(this.declarations)
      ? []
      : [
          `AgentRuntimeRules ${this.node.path} was generated before some agents, grants or egress rules were added; create it after every agent of the platform`,
        ];
  }
}

/**
 * False only for an object whose resolved kind cannot be one declarationsFromManifests reads:
 * resolving (toJson) the platform's other objects at construction was most of this construct's
 * cost. An object with JSON patches (which could change its kind), or whose patches cdk8s no longer
 * keeps where this looks, is resolved and read as before.
 */
function mayDeclare(o: ApiObject): boolean {
  const patches = (o as unknown as { readonly patches?: unknown }).patches;
  return DECLARATION_KINDS.has(o.kind) || !Array.isArray(patches) || patches.length > 0;
}

/** Every AgentRuntimeRules in the app. */
export function runtimeRulesOf(app: App | IConstruct): AgentRuntimeRules[] {
  return app.node.findAll().filter(AgentRuntimeRules.isAgentRuntimeRules);
}
