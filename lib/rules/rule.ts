import { PodContext } from './pod-template';
import { ObjectSet } from './object-set';
import { ControlReference, FindingDraft, KubeObject, RuleInfo, ScannerIds, Severity } from './types';

/** Marker for rules that apply to every object with a pod template (built-in kinds and CRD locators). */
export const POD_TEMPLATES = 'pod-templates';

/** Marker for rules that apply to every object, whatever its kind (object identity across the set). */
export const ALL_KINDS = 'all-kinds';

/** How reports name the kinds of an {@link ALL_KINDS} rule. */
export const ALL_KINDS_LABEL = 'any kind';

/** The run's options, resolved once and handed to every rule. */
export interface RunSettings {
  /** Pod Security version given explicitly for the run (minor). @default undefined (follow namespace labels) */
  readonly pssMinor?: number;
  /** Highest PSS level among the selected packs; restricted checks override baseline ones. @default undefined (no PSS pack selected) */
  readonly pssLevel?: 'baseline' | 'restricted';
  /** The platform requires agents to run in a sandbox RuntimeClass. */
  readonly requireSandbox: boolean;
  /** RuntimeClass names (or handlers) accepted as sandboxes. */
  readonly sandboxRuntimeClasses: readonly string[];
  /** Clock for suppression expiry and date checks. */
  readonly now: Date;
  /** Kubernetes minor (1.N) the manifests target: removed API versions and PSA version pins are judged against it. */
  readonly kubernetesMinor: number;
  /**
   * The cluster serves DNS at the metadata address (GKE Cloud DNS): egress to 169.254.169.254/32 on
   * port 53 only is allowed. Nothing else at a metadata address ever is.
   */
  readonly metadataDns: boolean;
}

/** What a rule's check sees for one object. */
export interface RuleContext {
  /** The object being checked. */
  readonly object: KubeObject;
  /** Its position in the input. */
  readonly index: number;
  /** The pod template, resolved, when the object carries one. @default undefined (no pod template) */
  readonly pod?: PodContext;
  /** The whole input, for cross-object rules. */
  readonly set: ObjectSet;
  /** The run's resolved options. */
  readonly settings: RunSettings;
  /** The Pod Security policy version (minor) that applies to this object. */
  readonly pssMinor: number;
}

/** A rule: metadata plus one small pure check (the cdk-nag model). */
export interface Rule {
  /** Unique ID, e.g. `HRD-Namespace`; suppressions name it. */
  readonly id: string;
  /** One-line summary. */
  readonly title: string;
  /** Severity of its findings unless a finding overrides it. */
  readonly severity: Severity;
  /** Object kinds it applies to, {@link POD_TEMPLATES} or {@link ALL_KINDS}. */
  readonly kinds: readonly string[] | typeof POD_TEMPLATES | typeof ALL_KINDS;
  /** Why the rule exists (SARIF help text). */
  readonly description: string;
  /** Default fix hint. */
  readonly fix: string;
  /** Framework controls it implements. */
  readonly references: readonly ControlReference[];
  /** The same check in other scanners. @default [] */
  readonly scanners?: ScannerIds;
  /** Returns findings; an empty list is a pass. Returning undefined means "not applicable". */
  readonly check: (ctx: RuleContext) => readonly FindingDraft[] | undefined;
}

/** A named set of rules, selected as a unit with `packs`. */
export interface Pack {
  /** Pack name, e.g. `hardening`. */
  readonly name: string;
  /** What the pack checks. */
  readonly description: string;
  /** Its rules, run in this order. */
  readonly rules: readonly Rule[];
}

/** A rule's metadata for reports; {@link POD_TEMPLATES} expands to `podKinds`, {@link ALL_KINDS} to its label. */
export function ruleInfo(rule: Rule, pack: string, podKinds: readonly string[]): RuleInfo {
  return {
    id: rule.id,
    pack,
    title: rule.title,
    severity: rule.severity,
    kinds: rule.kinds === POD_TEMPLATES ? podKinds : rule.kinds === ALL_KINDS ? [ALL_KINDS_LABEL] : rule.kinds,
    fix: rule.fix,
    description: rule.description,
    references: rule.references,
    scanners: rule.scanners ?? [],
  };
}
