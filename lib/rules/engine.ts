/** Runs packs of rules over a set of objects and returns a report. Pure: no I/O, no clock unless given. */
import { RuleOptionError } from '../core/errors';
import { packNames as registeredPacks } from './packs';
import { ObjectSet } from './object-set';
import { GroupVersionKind, POD_TEMPLATE_KINDS, PodTemplateLocator, locatorTable } from './pod-template';
import { releasePod } from './resolved-pod';
import { PSS_VERSION_LABEL, formatPssVersion, parsePssVersion, PSS_LATEST_MINOR } from './pss-version';
import { ALL_KINDS, POD_TEMPLATES, Pack, Rule, RuleContext, RunSettings, ruleInfo } from './rule';
import { findSuppression, parseSuppressions } from './suppressions';
import {
  Finding,
  FindingDraft,
  KubeObject,
  ObjectResult,
  ObjectSource,
  Problem,
  Report,
  ReportSummary,
  RuleInfo,
  Severity,
  SourcedObject,
  Suppression,
} from './types';
import { rec } from './util';
import { FindingNames } from './finding-names';
import { SUPPORTED_KUBERNETES_MINORS, parseKubernetesMinor } from '../core/settings';
import { EXEMPTIONS, applyExemptions, mergeFindings } from './problems';
import { packByName, DEFAULT_PACKS } from './packs';

/** Options of {@link runRules}. */
export interface RunOptions {
  /** Pack names. @default DEFAULT_PACKS */
  readonly packs?: readonly string[];
  /** Pod Security policy version (`v1.N` or `latest`). @default the namespace's enforce-version label, else latest */
  readonly pssVersion?: string;
  /** Agents must run under a sandbox RuntimeClass. @default false (a namespace annotation can still require it) */
  readonly requireSandbox?: boolean;
  /** RuntimeClass names or handlers that count as sandboxes. @default gvisor, runsc, kata* */
  readonly sandboxRuntimeClasses?: readonly string[];
  /** Clock for suppression expiry. @default new Date() */
  readonly now?: Date;
  /** Pod-template locators for CRDs. @default none (only registered locators) */
  readonly locators?: readonly { readonly gvk: GroupVersionKind; readonly locator: PodTemplateLocator }[];
  /**
   * Kubernetes version the manifests target (`1.N`); removed API versions and Pod Security version
   * pins are judged against it. @default the oldest supported minor (SUPPORTED_KUBERNETES_MINORS[0])
   */
  readonly kubernetesVersion?: string;
  /** DNS is served at the metadata address (GKE Cloud DNS): allow 169.254.169.254/32 port 53 only. @default false */
  readonly metadataDns?: boolean;
  /** Extra rules run alongside the packs (reported under pack 'custom'). @default none */
  readonly rules?: readonly Rule[];
}

/** RuntimeClass names or handlers accepted as sandboxes (gVisor, Kata) when none are given. */
export const DEFAULT_SANDBOX_RUNTIME_CLASSES: readonly string[] = [
  'gvisor',
  'runsc',
  'kata',
  'kata-qemu',
  'kata-clh',
  'kata-fc',
];

export { RuleOptionError };

function isSourced(item: KubeObject | SourcedObject): item is SourcedObject {
  return typeof (item as SourcedObject).object === 'object' && (item as KubeObject).kind === undefined;
}

interface SelectedRule {
  readonly rule: Rule;
  readonly pack: string;
}

function selectRules(packs: readonly Pack[], extra: readonly Rule[]): SelectedRule[] {
  const seen = new Set<string>();
  const out: SelectedRule[] = [];
  const add = (rule: Rule, pack: string) => {
    if (seen.has(rule.id)) return;
    seen.add(rule.id);
    out.push({ rule, pack });
  };
  for (const pack of packs) pack.rules.forEach((r) => add(r, pack.name));
  extra.forEach((r) => add(r, 'custom'));
  return out;
}

function resolveSettings(options: RunOptions, packNames: readonly string[]): RunSettings {
  let pssMinor: number | undefined;
  if (options.pssVersion !== undefined) {
    pssMinor = parsePssVersion(options.pssVersion);
    if (pssMinor === undefined)
      throw new RuleOptionError(`pssVersion '${options.pssVersion}' is not 'latest' or 'v1.<minor>'`);
  }
  const pssLevel = packNames.includes('pss-restricted')
    ? 'restricted'
    : packNames.includes('pss-baseline')
      ? 'baseline'
      : undefined;
  let kubernetesMinor = SUPPORTED_KUBERNETES_MINORS[0];
  if (options.kubernetesVersion !== undefined) {
    const minor = parseKubernetesMinor(options.kubernetesVersion);
    if (minor === undefined)
      throw new RuleOptionError(
        `kubernetesVersion '${options.kubernetesVersion}' is not a supported 1.<minor> (${SUPPORTED_KUBERNETES_MINORS.map((m) => `1.${m}`).join(', ')})`,
      );
    kubernetesMinor = minor;
  }
  return {
    pssMinor,
    pssLevel,
    kubernetesMinor,
    metadataDns: options.metadataDns ?? false,
    requireSandbox: options.requireSandbox ?? false,
    sandboxRuntimeClasses: options.sandboxRuntimeClasses ?? DEFAULT_SANDBOX_RUNTIME_CLASSES,
    now: options.now ?? new Date(),
  };
}

function pssMinorFor(set: ObjectSet, namespace: string, settings: RunSettings): number {
  if (settings.pssMinor !== undefined) return settings.pssMinor;
  const label = set.namespace(namespace)?.labels[PSS_VERSION_LABEL];
  return (label ? parsePssVersion(label) : undefined) ?? PSS_LATEST_MINOR;
}

/**
 * {@link pssMinorFor} of the previous object's namespace, kept for the next: objects come file by
 * file, mostly in one namespace, so comparing the name spares the namespace lookup. A function of
 * the run's set and settings, which never change.
 */
class PssMinors {
  private namespace: string | undefined = undefined;
  private minor = 0;

  constructor(
    private readonly set: ObjectSet,
    private readonly settings: RunSettings,
  ) {}

  public of(namespace: string): number {
    if (namespace !== this.namespace) {
      this.minor = pssMinorFor(this.set, namespace, this.settings);
      this.namespace = namespace;
    }
    return this.minor;
  }
}

function applies(rule: Rule, kind: string, hasPod: boolean): boolean {
  if (rule.kinds === POD_TEMPLATES) return hasPod;
  if (rule.kinds === ALL_KINDS) return true;
  return rule.kinds.includes(kind);
}

/** The rules that apply to one kind (with or without a pod template). */
interface RuleList {
  readonly rules: readonly Rule[];
  /**
   * The last `checked` list made for objects of this kind: objects of a kind mostly have the same
   * rules apply, so their results share one frozen array instead of a copy per object.
   */
  checked?: readonly string[];
}

/** The rules that apply to each kind (with and without a pod template), worked out once per kind in a run. */
class Dispatch {
  private readonly withPod = new Map<string, RuleList>();
  private readonly withoutPod = new Map<string, RuleList>();

  constructor(private readonly rules: readonly SelectedRule[]) {}

  public rulesFor(kind: string, hasPod: boolean): RuleList {
    const table = hasPod ? this.withPod : this.withoutPod;
    let list = table.get(kind);
    if (!list) {
      list = { rules: this.rules.filter(({ rule }) => applies(rule, kind, hasPod)).map(({ rule }) => rule) };
      table.set(kind, list);
    }
    return list;
  }
}

/** Metadata path of an object's own suppressions annotation. */
const METADATA_PATH: readonly string[] = ['metadata'];

/** Suppressions and annotation problems of one metadata block; most objects have none. */
const NO_SUPPRESSIONS: ReturnType<typeof parseSuppressions> = { active: [], problems: [] };

const NO_FINDINGS: readonly Finding[] = Object.freeze([]);
const NO_PROBLEMS: readonly Problem[] = Object.freeze([]);

function runRule(rule: Rule, ctx: RuleContext): readonly FindingDraft[] | undefined {
  try {
    return rule.check(ctx);
  } catch (err) {
    // A rule that throws must never read as a pass.
    return [
      {
        message: `rule failed to evaluate: ${err instanceof Error ? err.message : String(err)}`,
        path: [],
        severity: 'error',
      },
    ];
  }
}

function toFinding(
  rule: string,
  severity: Severity,
  fix: string,
  draft: FindingDraft,
  suppressions: readonly Suppression[],
  source: ObjectSource | undefined,
  names: FindingNames,
): Finding {
  const suppression = suppressions.length === 0 ? undefined : findSuppression(suppressions, rule, draft.container);
  // Rendered path, segments and message are the run's shared copies (equal to the draft's).
  const path = names.path(draft.path);
  return {
    rule,
    severity: draft.severity ?? severity,
    message: typeof draft.message === 'string' ? names.message(draft.message) : draft.message,
    path: path.rendered,
    pathSegments: path.segments,
    fix: draft.fix ?? fix,
    container: draft.container,
    suppressed: suppression !== undefined,
    suppression,
    line: source?.locate?.(path.segments) ?? source?.line,
  };
}

function evaluateObject(
  set: ObjectSet,
  index: number,
  dispatch: Dispatch,
  settings: RunSettings,
  source: ObjectSource | undefined,
  infos: ReadonlyMap<string, RuleInfo>,
  names: FindingNames,
  minors: PssMinors,
): ObjectResult {
  const item = set.items[index];
  const object = item.object;
  const own = parseSuppressions(rec(object.metadata).annotations, METADATA_PATH, settings.now);
  const tmpl =
    item.pod && item.pod.template.metadataPath.length > 1
      ? parseSuppressions(item.pod.template.metadata.annotations, item.pod.template.metadataPath, settings.now)
      : NO_SUPPRESSIONS;
  const suppressions = tmpl.active.length === 0 ? own.active : [...own.active, ...tmpl.active];
  // Made on the first finding: most objects have none. Indexed loops throughout: for-of over the
  // shared frozen empties allocates an iterator per loop (V8 has no fast path for frozen arrays).
  let findings: Finding[] | undefined;
  const annotationProblems = own.problems.length + tmpl.problems.length === 0 ? [] : [own.problems, tmpl.problems];
  for (const problems of annotationProblems)
    for (let i = 0; i < problems.length; i++) {
      const p = problems[i];
      (findings ??= []).push(
        toFinding(p.rule, p.severity ?? 'error', p.fix ?? '', p, NO_SUPPRESSIONS.active, source, names),
      );
    }
  const ctx: RuleContext = {
    object,
    index,
    pod: item.pod,
    set,
    settings,
    pssMinor: minors.of(item.namespace),
  };
  const list = dispatch.rulesFor(item.kind, item.pod !== undefined);
  // `checked` follows the kind's last list while it matches; a copy starts at the first difference.
  const shared = list.checked;
  let same = 0;
  let ownChecked: string[] | undefined;
  const rules = list.rules;
  for (let r = 0; r < rules.length; r++) {
    const rule = rules[r];
    const drafts = runRule(rule, ctx);
    if (drafts === undefined) continue;
    if (ownChecked) ownChecked.push(rule.id);
    else if (shared !== undefined && same < shared.length && shared[same] === rule.id) same++;
    else {
      ownChecked = shared === undefined ? [] : shared.slice(0, same);
      ownChecked.push(rule.id);
    }
    for (let i = 0; i < drafts.length; i++)
      (findings ??= []).push(toFinding(rule.id, rule.severity, rule.fix, drafts[i], suppressions, source, names));
  }
  // The pod's resolved containers are this object's alone: let them go before the next object.
  releasePod(item.pod);
  let checked: readonly string[];
  if (ownChecked === undefined && shared !== undefined && same === shared.length) checked = shared;
  else checked = list.checked = Object.freeze(ownChecked ?? (shared === undefined ? [] : shared.slice(0, same)));
  // Most objects pass every rule: they share one frozen empty list of findings and of problems
  // (the results live until the report is rendered, so per-object empties are all promoted).
  // The engine owns `findings`: used as they are unless an exemption covers the object (rare).
  const final = findings === undefined ? NO_FINDINGS : exempt(object) ? applyExemptions(object, findings) : findings;
  return {
    index,
    apiVersion: object.apiVersion ?? '',
    kind: item.kind,
    namespace: object.metadata?.namespace,
    name: item.name,
    source,
    findings: final,
    checked,
    problems: final.length === 0 ? NO_PROBLEMS : mergeFindings(final, infos),
  };
}

/** Whether any known-necessary exemption covers the object. */
function exempt(object: KubeObject): boolean {
  for (let i = 0; i < EXEMPTIONS.length; i++) if (EXEMPTIONS[i].applies(object)) return true;
  return false;
}

/** Counts problems (findings merged per field); baselined problems count as accepted, not failing. */
export function summarize(results: readonly ObjectResult[]): ReportSummary {
  const bySeverity: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  let findings = 0;
  let ruleFindings = 0;
  let suppressed = 0;
  let baselined = 0;
  // Indexed: most results hold the shared frozen empties, which for-of would iterate slowly.
  for (let i = 0; i < results.length; i++) {
    const r = results[i];
    ruleFindings += r.findings.length;
    const problems = r.problems;
    for (let j = 0; j < problems.length; j++) {
      const f = problems[j];
      findings++;
      if (f.suppressed) suppressed++;
      else if (f.baseline !== undefined) baselined++;
      else bySeverity[f.severity]++;
    }
  }
  return {
    objects: results.length,
    findings,
    ruleFindings,
    failing: bySeverity.error,
    suppressed,
    baselined,
    bySeverity,
  };
}

/** Runs the selected packs over the objects. Throws RuleOptionError for unknown packs or versions. */
export function runRules(input: readonly (KubeObject | SourcedObject)[], options: RunOptions = {}): Report {
  const packNames = options.packs && options.packs.length ? options.packs : DEFAULT_PACKS;
  const packs = packNames.map((name) => {
    const pack = packByName(name);
    if (!pack) throw new RuleOptionError(`unknown pack '${name}'; known packs: ${registeredPacks().join(', ')}`);
    return pack;
  });
  const settings = resolveSettings(options, packNames);
  const sourced = input.map((item) => (isSourced(item) ? item : { object: item }));
  const locators = locatorTable(options.locators);
  const set = new ObjectSet(
    sourced.map((s) => s.object),
    locators,
  );
  const selected = selectRules(packs, options.rules ?? []);
  const podKinds = [...POD_TEMPLATE_KINDS, ...(options.locators ?? []).map((l) => l.gvk.kind)];
  const rules: RuleInfo[] = selected.map(({ rule, pack }) => ruleInfo(rule, pack, podKinds));
  const infos = new Map(rules.map((r) => [r.id, r]));
  const dispatch = new Dispatch(selected);
  const names = new FindingNames();
  const minors = new PssMinors(set, settings);
  const results = sourced.map((s, i) => evaluateObject(set, i, dispatch, settings, s.source, infos, names, minors));
  return {
    packs: packNames,
    pssVersion: formatPssVersion(settings.pssMinor),
    rules,
    results,
    summary: summarize(results),
  };
}
