/**
 * The data declaration of an agent (what personal data it processes, why, on which lawful basis,
 * for how long and where it may be sent) and the one key set that carries it on manifests, so the
 * constructs enforce it at synth and the `gdpr` rule pack judges it on any manifest.
 *
 * Validated by hand here: the runtime props schemas (zod) of the `refuse` work were not on this
 * branch; the integrator may fold {@link resolveDataDeclaration} into them.
 */
import { IConstruct } from 'constructs';
import { invalidProp } from './errors';
import { requireInteger } from './validate';

type Scope = IConstruct | string;

/** Kinds of data an agent handles. `personal` and `special-category` are personal data (GDPR Art. 4(1), 9). */
export type DataCategory = 'none' | 'public' | 'telemetry' | 'credentials' | 'personal' | 'special-category';
export const DATA_CATEGORIES: readonly DataCategory[] = [
  'none',
  'public',
  'telemetry',
  'credentials',
  'personal',
  'special-category',
];
/** Categories that are personal data: they need purposes, a lawful basis, retention and regions. */
export const PERSONAL_DATA_CATEGORIES: readonly DataCategory[] = ['personal', 'special-category'];

/** The lawful bases of GDPR Art. 6(1)(a)-(f). */
export type LawfulBasis =
  'consent' | 'contract' | 'legal-obligation' | 'vital-interests' | 'public-task' | 'legitimate-interests';
export const LAWFUL_BASES: readonly LawfulBasis[] = [
  'consent',
  'contract',
  'legal-obligation',
  'vital-interests',
  'public-task',
  'legitimate-interests',
];

/** Longest retention accepted: ten years. */
export const MAX_RETENTION_DAYS = 3650;

/**
 * What data an agent processes. An agent that declares `personal` or `special-category` must also
 * declare `purposes`, `lawfulBasis`, `retentionDays` and `regions`; synth refuses it otherwise.
 */
export interface DataDeclaration {
  /** Kinds of data the agent handles; `['none']` for an agent that handles no data worth declaring. */
  readonly categories: readonly DataCategory[];
  /** Why the data is processed (Art. 5(1)(b), 30(1)(b)). Required with personal data. @default none */
  readonly purposes?: readonly string[];
  /** The lawful basis (Art. 6(1)). Required with personal data. @default none */
  readonly lawfulBasis?: LawfulBasis;
  /**
   * Days the agent's personal data may be kept (Art. 5(1)(e)). Enforced on finished Jobs (TTL) and
   * stated for the operator where Kubernetes cannot (volumes, logs). Required with personal data.
   * @default none
   */
  readonly retentionDays?: number;
  /**
   * Regions the data may be sent to (`'eu'`, `'eu-west-1'`, `'ch'`): every egress endpoint of a
   * personal-data agent must carry one of them (Chapter V, Art. 44-49). Required with personal data.
   * @default none
   */
  readonly regions?: readonly string[];
}

/** A declaration after validation: sorted, deduplicated, with what it implies. */
export interface ResolvedDataDeclaration {
  readonly categories: readonly DataCategory[];
  readonly purposes: readonly string[];
  readonly lawfulBasis?: LawfulBasis;
  readonly retentionDays?: number;
  readonly regions: readonly string[];
  /** Declares `personal` or `special-category`. */
  readonly personal: boolean;
  readonly specialCategory: boolean;
}

/** The key set on every object of an agent (labels) and on its workload and pods (annotations). */
export const PRIVACY_PREFIX = 'privacy.agent-baseline.dev';
export const PRIVACY_KEYS = {
  /** Label: `'true'` when the agent declares its data. */
  declared: `${PRIVACY_PREFIX}/declared`,
  /** Label: categories, sorted, joined by `.` (`personal.telemetry`). */
  categories: `${PRIVACY_PREFIX}/categories`,
  /** Label: `'true'` when the categories include personal data. */
  personalData: `${PRIVACY_PREFIX}/personal-data`,
  /** Label: `'true'` when the categories include special-category data (Art. 9). */
  specialCategory: `${PRIVACY_PREFIX}/special-category`,
  /** Label: retention in days. */
  retentionDays: `${PRIVACY_PREFIX}/retention-days`,
  /** Label: allowed regions, sorted, joined by `.` (`ch.eu`). */
  regions: `${PRIVACY_PREFIX}/regions`,
  /** Annotation: purposes, as a JSON list. */
  purposes: `${PRIVACY_PREFIX}/purposes`,
  /** Annotation: the lawful basis. */
  lawfulBasis: `${PRIVACY_PREFIX}/lawful-basis`,
  /**
   * Annotation on NetworkPolicies and CiliumNetworkPolicies: a JSON map from each egress CIDR or
   * FQDN to its region. An endpoint missing from the map has an undeclared region.
   */
  egressRegions: `${PRIVACY_PREFIX}/egress-regions`,
} as const;

/** Separator of list label values: allowed in label values, never in a category or region. */
export const PRIVACY_LIST_SEPARATOR = '.';

const REGION = /^[a-z]([a-z0-9-]{0,30}[a-z0-9])?$/;
const LABEL_VALUE_MAX = 63;

/** A region name: lower-case letters, digits and dashes, such as `eu`, `eu-west-1`, `ch`. */
export function requireRegion(scope: Scope, field: string, value: unknown): string {
  if (typeof value !== 'string' || !REGION.test(value))
    invalidProp(
      scope,
      field,
      value,
      "a region name of lower-case letters, digits and dashes, such as 'eu' or 'eu-west-1'",
    );
  return value;
}

const PERSONAL_REASON = 'the agent declares personal data';

/** Validates a declaration; personal data needs purposes, lawful basis, retention and regions. */
export function resolveDataDeclaration(scope: Scope, field: string, data: unknown): ResolvedDataDeclaration {
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    invalidProp(scope, field, data, '{ categories, purposes, lawfulBasis, retentionDays, regions }');
  const d = data as DataDeclaration;
  if (!Array.isArray(d.categories) || d.categories.length === 0)
    invalidProp(
      scope,
      `${field}.categories`,
      d.categories,
      `a non-empty list of ${DATA_CATEGORIES.map((c) => `'${c}'`).join(', ')}`,
    );
  d.categories.forEach((c, i) => {
    if (!DATA_CATEGORIES.includes(c))
      invalidProp(scope, `${field}.categories[${i}]`, c, `one of ${DATA_CATEGORIES.map((k) => `'${k}'`).join(', ')}`);
  });
  const categories = DATA_CATEGORIES.filter((c) => d.categories.includes(c));
  if (categories.includes('none') && categories.length > 1)
    invalidProp(scope, `${field}.categories`, d.categories, "'none' alone, or the categories without 'none'");
  const personal = categories.some((c) => PERSONAL_DATA_CATEGORIES.includes(c));

  const purposes = d.purposes ?? [];
  if (!Array.isArray(purposes)) invalidProp(scope, `${field}.purposes`, purposes, 'a list of purposes');
  purposes.forEach((p, i) => {
    if (typeof p !== 'string' || p.trim().length === 0 || p.length > 200)
      invalidProp(scope, `${field}.purposes[${i}]`, p, 'a purpose of 1 to 200 characters');
  });
  if (personal && purposes.length === 0)
    invalidProp(
      scope,
      `${field}.purposes`,
      d.purposes,
      'at least one purpose (GDPR Art. 5(1)(b), 30(1)(b))',
      PERSONAL_REASON,
    );

  if (d.lawfulBasis !== undefined && !LAWFUL_BASES.includes(d.lawfulBasis))
    invalidProp(scope, `${field}.lawfulBasis`, d.lawfulBasis, `one of ${LAWFUL_BASES.map((b) => `'${b}'`).join(', ')}`);
  if (personal && d.lawfulBasis === undefined)
    invalidProp(
      scope,
      `${field}.lawfulBasis`,
      undefined,
      `one of ${LAWFUL_BASES.map((b) => `'${b}'`).join(', ')} (GDPR Art. 6(1))`,
      PERSONAL_REASON,
    );

  if (personal && d.retentionDays === undefined)
    invalidProp(
      scope,
      `${field}.retentionDays`,
      undefined,
      `an integer from 1 to ${MAX_RETENTION_DAYS} (GDPR Art. 5(1)(e))`,
      PERSONAL_REASON,
    );
  const retentionDays =
    d.retentionDays === undefined
      ? undefined
      : requireInteger(scope, `${field}.retentionDays`, d.retentionDays, 1, MAX_RETENTION_DAYS);

  const given = d.regions ?? [];
  if (!Array.isArray(given)) invalidProp(scope, `${field}.regions`, given, 'a list of region names');
  given.forEach((r, i) => requireRegion(scope, `${field}.regions[${i}]`, r));
  if (personal && given.length === 0)
    invalidProp(
      scope,
      `${field}.regions`,
      d.regions,
      "at least one region the data may be sent to, such as ['eu'] (GDPR Art. 44-49)",
      PERSONAL_REASON,
    );
  const regions = [...new Set(given)].sort();
  if (regions.join(PRIVACY_LIST_SEPARATOR).length > LABEL_VALUE_MAX)
    invalidProp(
      scope,
      `${field}.regions`,
      d.regions,
      `regions that fit a label value: ${LABEL_VALUE_MAX} characters joined`,
    );

  return {
    categories,
    purposes: [...purposes],
    lawfulBasis: d.lawfulBasis,
    retentionDays,
    regions,
    personal,
    specialCategory: categories.includes('special-category'),
  };
}

/** The labels that carry a declaration on every object of the agent. */
export function privacyLabels(data: ResolvedDataDeclaration): Record<string, string> {
  return {
    [PRIVACY_KEYS.declared]: 'true',
    [PRIVACY_KEYS.categories]: data.categories.join(PRIVACY_LIST_SEPARATOR),
    [PRIVACY_KEYS.personalData]: String(data.personal),
    [PRIVACY_KEYS.specialCategory]: String(data.specialCategory),
    ...(data.retentionDays === undefined ? {} : { [PRIVACY_KEYS.retentionDays]: String(data.retentionDays) }),
    ...(data.regions.length === 0 ? {} : { [PRIVACY_KEYS.regions]: data.regions.join(PRIVACY_LIST_SEPARATOR) }),
  };
}

/** The annotations that carry what labels cannot (free text) on the workload and its pods. */
export function privacyAnnotations(data: ResolvedDataDeclaration): Record<string, string> {
  return {
    ...(data.purposes.length === 0 ? {} : { [PRIVACY_KEYS.purposes]: JSON.stringify(data.purposes) }),
    ...(data.lawfulBasis === undefined ? {} : { [PRIVACY_KEYS.lawfulBasis]: data.lawfulBasis }),
  };
}

/**
 * The transfer check: an agent with personal data may only send it to an endpoint whose region
 * is one of its declared regions; an endpoint without a region is refused, as undeclared.
 */
export function requireEgressRegion(
  scope: Scope,
  field: string,
  data: ResolvedDataDeclaration | undefined,
  endpoint: string,
  region: string | undefined,
): void {
  if (!data?.personal) return;
  if (region !== undefined && data.regions.includes(region)) return;
  invalidProp(
    scope,
    `${field}.region`,
    region,
    `one of the agent's data regions: ${data.regions.map((r) => `'${r}'`).join(', ')}`,
    region === undefined
      ? `'${endpoint}' has no declared region and the agent processes personal data (GDPR Art. 44-49)`
      : `'${endpoint}' is in '${region}', outside the regions the agent's personal data may go to (GDPR Art. 44-49)`,
  );
}
