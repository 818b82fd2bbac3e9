/**
 * The rule engine's data model. Everything here is plain data over plain Kubernetes objects, so
 * the engine runs the same on synthesized constructs, raw YAML and admission-style JSON.
 */

/** A Kubernetes object as parsed from YAML or JSON. Only the envelope is typed. */
export interface KubeObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: ObjectMeta;
  readonly [field: string]: unknown;
}

export interface ObjectMeta {
  readonly name?: string;
  readonly namespace?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly [field: string]: unknown;
}

/** Where an object came from; the engine passes it through to the report. */
export interface ObjectSource {
  /** File the object was read from, or a construct path. */
  readonly file?: string;
  /** 1-based line of the object's first field. */
  readonly line?: number;
  /** Construct path, when the object was synthesized by cdk8s. */
  readonly constructPath?: string;
  /** Line of a JSON path inside the object, when the source can tell (YAML with positions). */
  readonly locate?: (path: readonly PathSegment[]) => number | undefined;
}

/** An input object with its source. A bare KubeObject is accepted too. */
export interface SourcedObject {
  readonly object: KubeObject;
  readonly source?: ObjectSource;
}

export type Severity = 'error' | 'warning' | 'info';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

export type PathSegment = string | number;

/**
 * A framework control a rule implements. Frameworks are open strings so other packs can add
 * their own; the well-known ones are listed in {@link FRAMEWORKS}.
 */
export interface ControlReference {
  readonly framework: string;
  /** Control ID within the framework, e.g. `5.2.2`, `hostNamespaces`, `LLM06`, `CC6.1`. */
  readonly control: string;
  /** Short title of the control. */
  readonly title?: string;
}

/** Rules of other scanners that check the same thing (for equivalence, not for reporting). */
export type ScannerIds = readonly string[];

/** One problem found by a rule, before suppressions are applied. */
export interface FindingDraft {
  readonly message: string;
  /** JSON path into the object, as segments (`['spec', 'containers', 0, 'image']`). */
  readonly path: readonly PathSegment[];
  /** How to fix it; falls back to the rule's fix. */
  readonly fix?: string;
  /** Container name, so suppressions can target one container. */
  readonly container?: string;
  /** Overrides the rule's severity for this finding. */
  readonly severity?: Severity;
}

export interface Suppression {
  readonly rule: string;
  readonly reason: string;
  readonly container?: string;
  readonly expires?: string;
  /** Where it came from: the object's annotation (default) or the engine's exemption list. */
  readonly source?: 'annotation' | 'exemption';
}

export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
  /** Rendered JSON path, e.g. `spec.template.spec.containers[0].image`. */
  readonly path: string;
  readonly pathSegments: readonly PathSegment[];
  readonly fix: string;
  readonly container?: string;
  readonly suppressed: boolean;
  readonly suppression?: Suppression;
  /** 1-based line of the path in the source file, when known. */
  readonly line?: number;
}

/**
 * One problem: the findings of every rule that flagged the same field of the same object (and
 * container) merged into one, under the most severe rule. Reports and exit codes count problems.
 */
export interface Problem extends Finding {
  /** Every rule that flagged this field, most severe first (the first is {@link Finding.rule}). */
  readonly rules: readonly string[];
  /** The same check in other scanners, for all {@link rules}. */
  readonly peers: readonly string[];
  /** Set when a baseline report accepted this problem: the baseline file. Not failing. */
  readonly baseline?: string;
}

export interface ObjectResult {
  readonly index: number;
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly source?: ObjectSource;
  readonly findings: readonly Finding[];
  /** IDs of the rules that were evaluated on this object (pass, fail or suppressed). */
  readonly checked: readonly string[];
  /** {@link findings} merged per field: what reports show and exit codes count. */
  readonly problems: readonly Problem[];
}

export interface RuleInfo {
  readonly id: string;
  readonly pack: string;
  readonly title: string;
  readonly severity: Severity;
  readonly kinds: readonly string[];
  readonly fix: string;
  readonly description: string;
  readonly references: readonly ControlReference[];
  readonly scanners: ScannerIds;
}

export interface ReportSummary {
  readonly objects: number;
  /** Problems (findings merged per field); {@link ruleFindings} counts them per rule. */
  readonly findings: number;
  readonly ruleFindings: number;
  readonly failing: number;
  readonly suppressed: number;
  /** Problems a baseline report accepted (shown, not failing). */
  readonly baselined: number;
  readonly bySeverity: Record<Severity, number>;
}

/** An input the loader could not read, or left out on purpose. */
export interface InputNotice {
  readonly file: string;
  readonly line?: number;
  readonly message: string;
}

export interface ReportInputs {
  /** Inputs that could not be read or decoded (the CLI exits 2). */
  readonly errors: readonly InputNotice[];
  /** Inputs skipped with the reason (not Kubernetes objects, symlink loops). */
  readonly skipped: readonly InputNotice[];
}

export interface Report {
  readonly packs: readonly string[];
  /** What the loader could not read or skipped; absent when objects were given directly. */
  readonly inputs?: ReportInputs;
  readonly pssVersion: string;
  readonly rules: readonly RuleInfo[];
  readonly results: readonly ObjectResult[];
  readonly summary: ReportSummary;
}

/** Renders segments as `spec.containers[0].image`. */
export function renderPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}
