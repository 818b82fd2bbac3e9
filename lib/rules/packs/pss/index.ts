/**
 * The Pod Security Standards, check by check, as kubernetes/pod-security-admission implements them
 * (policy/check_*.go): the same minimum versions, the same override of baseline checks by their
 * restricted replacements, and every container list including ephemeral containers.
 */
import { POD_TEMPLATES, Pack, Rule, RuleContext } from '../../rule';
import { ControlReference } from '../../types';
import { PssCheck } from './common';
import { BASELINE_HOST_CHECKS } from './baseline-host';
import { BASELINE_PROFILE_CHECKS } from './baseline-profiles';
import { RESTRICTED_CHECKS } from './restricted';

export { allowedSysctls } from './baseline-profiles';

const PSS_CHECKS: readonly PssCheck[] = [...BASELINE_HOST_CHECKS, ...BASELINE_PROFILE_CHECKS, ...RESTRICTED_CHECKS];

/** Baseline checks replaced by a restricted check at a version (OverrideCheckIDs). */
function overriders(checkId: string): readonly PssCheck[] {
  return PSS_CHECKS.filter((c) => c.overrides === checkId);
}

export const PSS_RULE_PREFIX = 'PSS-';

function pssRule(def: PssCheck): Rule {
  const references: ControlReference[] = [
    { framework: 'Pod Security Standards', control: `${def.level}/${def.id}`, title: def.title },
    ...(def.cis ?? []).map((control) => ({ framework: 'CIS Kubernetes', control })),
    { framework: 'NSA/CISA', control: 'Pod security', title: 'Kubernetes Pod security (Hardening Guide §2)' },
  ];
  const replacedBy = overriders(def.id);
  const overriddenAt = (minor: number) => replacedBy.some((c) => minor >= c.minMinor);
  return {
    id: PSS_RULE_PREFIX + def.id,
    title: def.title,
    severity: 'error',
    kinds: POD_TEMPLATES,
    description: `Pod Security Standards ${def.level} check \`${def.id}\` (from policy v1.${def.minMinor}).`,
    fix: def.fix,
    references,
    scanners: def.trivy,
    check: (ctx: RuleContext) => {
      if (!ctx.pod || ctx.pssMinor < def.minMinor) return undefined;
      if (def.level === 'baseline' && ctx.settings.pssLevel === 'restricted' && overriddenAt(ctx.pssMinor))
        return undefined;
      if (def.level === 'restricted' && ctx.settings.pssLevel !== 'restricted') return undefined;
      return def.check(ctx.pod, ctx.pssMinor);
    },
  };
}

const BASELINE_RULES = PSS_CHECKS.filter((c) => c.level === 'baseline').map(pssRule);
const RESTRICTED_RULES = PSS_CHECKS.filter((c) => c.level === 'restricted').map(pssRule);

export const PSS_BASELINE: Pack = {
  name: 'pss-baseline',
  description: 'Pod Security Standards, baseline level, version-aware.',
  rules: BASELINE_RULES,
};

export const PSS_RESTRICTED: Pack = {
  name: 'pss-restricted',
  description: 'Pod Security Standards, restricted level (includes baseline), version-aware.',
  rules: [...BASELINE_RULES, ...RESTRICTED_RULES],
};

export const PSS_CHECK_IDS: readonly string[] = PSS_CHECKS.map((c) => c.id);
