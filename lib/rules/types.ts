/**
 * The rule engine's data model. Everything here is plain data over plain Kubernetes objects, so
 * the engine runs the same on synthesized constructs, raw YAML and admission-style JSON.
 */

/** A Kubernetes object as parsed from YAML or JSON. Only the envelope is typed. */
export interface KubeObject {
  /** `group/version`, or `v1` for core. @default undefined (the object is reported with apiVersion '') */
  readonly apiVersion?: string;
  /** Object kind; it selects which rules apply. @default undefined (reported as kind '') */
  readonly kind?: string;
  /** Name, namespace, labels and annotations (suppressions live in the annotations). @default undefined (no metadata) */
  readonly metadata?: ObjectMeta;
  readonly [field: string]: unknown;
}

/** The standard object metadata; only the fields the rules read are typed. */
export interface ObjectMeta {
  /** Object name, as reported. @default undefined (reported as name '') */
  readonly name?: string;
  /** Namespace; its Namespace object's labels (PSS version) apply. @default undefined (indexed as namespace '') */
  readonly namespace?: string;
  /** Labels; selectors and Namespace PSS labels are read from them. @default none */
  readonly labels?: Record<string, string>;
  /** Annotations, including the suppressions annotation. @default none */
  readonly annotations?: Record<string, string>;
  readonly [field: string]: unknown;
}

/** Where an object came from; the engine passes it through to the report. */
export interface ObjectSource {
  /** File the object was read from, or a construct path. @default undefined (objects given directly) */
  readonly file?: string;
  /** 1-based line of the object's first field. @default undefined (unknown) */
  readonly line?: number;
  /** Construct path, when the object was synthesized by cdk8s. @default undefined (not from a construct) */
  readonly constructPath?: string;
  /**
   * Line of a JSON path inside the object, when the source can tell (YAML with positions).
   * @default undefined (findings fall back to `line`)
   */
  readonly locate?: (path: readonly PathSegment[]) => number | undefined;
}

/** An input object with its source. A bare KubeObject is accepted too. */
export interface SourcedObject {
  /** The object the rules check. */
  readonly object: KubeObject;
  /** Where it came from, copied to the object's result. @default undefined (no file or line in the report) */
  readonly source?: ObjectSource;
}

/** How bad a finding is: errors fail by default, warnings with `failOn: warning`, info never. */
export type Severity = 'error' | 'warning' | 'info';
/** Every severity, most severe first. */
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/** One step of a JSON path: a field name, or an array index. */
export type PathSegment = string | number;

/**
 * A framework control a rule implements. Frameworks are open strings so other packs can add
 * their own; the well-known ones are listed in {@link FRAMEWORKS}.
 */
export interface ControlReference {
  /** Framework name, e.g. one of {@link FRAMEWORKS}. */
  readonly framework: string;
  /** Control ID within the framework, e.g. `5.2.2`, `hostNamespaces`, `LLM06`, `CC6.1`. */
  readonly control: string;
  /** Short title of the control. @default undefined (the ID alone is shown) */
  readonly title?: string;
}

/** Rules of other scanners that check the same thing (for equivalence, not for reporting). */
export type ScannerIds = readonly string[];

/** One problem found by a rule, before suppressions are applied. */
export interface FindingDraft {
  /** What is wrong with this object, in one sentence. */
  readonly message: string;
  /** JSON path into the object, as segments (`['spec', 'containers', 0, 'image']`). */
  readonly path: readonly PathSegment[];
  /** How to fix it. @default the rule's fix */
  readonly fix?: string;
  /** Container name, so suppressions can target one container. @default undefined (not about one container) */
  readonly container?: string;
  /** Overrides the rule's severity for this finding. @default the rule's severity */
  readonly severity?: Severity;
}

/** An accepted finding: a rule switched off for one object, with the reason someone gave. */
export interface Suppression {
  /** ID of the rule it silences. */
  readonly rule: string;
  /** Why the finding is accepted; required so every exception is explained. */
  readonly reason: string;
  /** Only this container's findings. @default undefined (every container of the object) */
  readonly container?: string;
  /** Date (`YYYY-MM-DD`) after which it stops applying and becomes a SUP-Expired finding. @default undefined (never expires) */
  readonly expires?: string;
  /**
   * Where it came from: the object's annotation or the engine's exemption list.
   * @default undefined (the annotation)
   */
  readonly source?: 'annotation' | 'exemption';
}

/** One problem a rule found on one object, after suppressions were applied. */
export interface Finding {
  /** ID of the rule that found it. */
  readonly rule: string;
  /** The draft's severity, else the rule's. */
  readonly severity: Severity;
  /** What is wrong, in one sentence. */
  readonly message: string;
  /** Rendered JSON path, e.g. `spec.template.spec.containers[0].image`. */
  readonly path: string;
  /** The same path as segments, for locating the line and for matching exemptions. */
  readonly pathSegments: readonly PathSegment[];
  /** How to fix it: the draft's fix, else the rule's. */
  readonly fix: string;
  /** Container the finding is about. @default undefined (not about one container) */
  readonly container?: string;
  /** A suppression matched: shown in reports, never failing. */
  readonly suppressed: boolean;
  /** The suppression that matched. @default undefined (not suppressed) */
  readonly suppression?: Suppression;
  /** 1-based line of the path in the source file, when known. @default undefined (no source positions) */
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
  /** Set when a baseline report accepted this problem: the baseline file. Not failing. @default undefined (not baselined) */
  readonly baseline?: string;
}

/** Everything the rules found on one input object. */
export interface ObjectResult {
  /** Position of the object in the input, so results map back to it. */
  readonly index: number;
  /** The object's apiVersion, `''` when it had none. */
  readonly apiVersion: string;
  /** The object's kind. */
  readonly kind: string;
  /** The object's metadata.namespace. @default undefined (none set) */
  readonly namespace?: string;
  /** The object's name. */
  readonly name: string;
  /** Where the object came from. @default undefined (objects given directly) */
  readonly source?: ObjectSource;
  /** Every finding, one per rule and field, suppressed ones included. */
  readonly findings: readonly Finding[];
  /** IDs of the rules that were evaluated on this object (pass, fail or suppressed). */
  readonly checked: readonly string[];
  /** {@link findings} merged per field: what reports show and exit codes count. */
  readonly problems: readonly Problem[];
}

/** A rule as listed in reports and `agent-baseline rules`: its metadata, without the check. */
export interface RuleInfo {
  /** Rule ID, e.g. `AB-Privileged`. */
  readonly id: string;
  /** Pack the rule ran in (`custom` for extra rules). */
  readonly pack: string;
  /** One-line summary. */
  readonly title: string;
  /** Default severity of its findings. */
  readonly severity: Severity;
  /** Kinds it checks; pod-template rules list every kind with a pod template. */
  readonly kinds: readonly string[];
  /** Default fix shown with its findings. */
  readonly fix: string;
  /** What it checks and why it matters. */
  readonly description: string;
  /** Framework controls it implements. */
  readonly references: readonly ControlReference[];
  /** The same check in other scanners. */
  readonly scanners: ScannerIds;
}

/** Counts over the whole report. */
export interface ReportSummary {
  /** Objects checked. */
  readonly objects: number;
  /** Problems (findings merged per field); {@link ruleFindings} counts them per rule. */
  readonly findings: number;
  /** Findings before merging, one per rule and field. */
  readonly ruleFindings: number;
  /** Unsuppressed, unbaselined error problems: what fails with the default `failOn`. */
  readonly failing: number;
  /** Problems a suppression accepted. */
  readonly suppressed: number;
  /** Problems a baseline report accepted (shown, not failing). */
  readonly baselined: number;
  /** Unsuppressed, unbaselined problems per severity. */
  readonly bySeverity: Record<Severity, number>;
}

/** An input the loader could not read, or left out on purpose. */
export interface InputNotice {
  /** The input file. */
  readonly file: string;
  /** 1-based line in the file. @default undefined (about the whole file) */
  readonly line?: number;
  /** What went wrong, or why the input was skipped. */
  readonly message: string;
}

/** What the loader could not use, reported alongside the results. */
export interface ReportInputs {
  /** Inputs that could not be read or decoded (the CLI exits 2). */
  readonly errors: readonly InputNotice[];
  /** Inputs skipped with the reason (not Kubernetes objects, symlink loops). */
  readonly skipped: readonly InputNotice[];
}

/** The outcome of one run: what ran, against which objects, and what it found. */
export interface Report {
  /** Packs that ran. */
  readonly packs: readonly string[];
  /**
   * What the loader could not read or skipped.
   * @default undefined (objects were given directly)
   */
  readonly inputs?: ReportInputs;
  /** Pod Security version the run pinned (`v1.N`), else a note that each namespace's label decided. */
  readonly pssVersion: string;
  /** Every rule that ran, with its metadata. */
  readonly rules: readonly RuleInfo[];
  /** One result per input object, in input order. */
  readonly results: readonly ObjectResult[];
  /** Counts over all results. */
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
