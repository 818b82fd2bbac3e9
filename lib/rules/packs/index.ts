import { Pack } from '../rule';
import { AGENT } from './agent';
import { GDPR_PACK } from './gdpr';

export { GDPR_PACK };
import { API_VERSIONS } from './api-versions';
import { HARDENING } from './hardening';
import { PSS_BASELINE, PSS_RESTRICTED } from './pss';
import { RBAC } from './rbac';
import { SUPPLY_CHAIN_RUNTIME_RULES } from './supply-chain-runtime';

const registry = new Map<string, Pack>();

/** Adds a pack (other modules register theirs: audit, guardrails). A later pack with the same name replaces the earlier. */
export function registerPack(pack: Pack): void {
  registry.set(pack.name, pack);
}

export function packByName(name: string): Pack | undefined {
  return registry.get(name);
}

export function packNames(): string[] {
  return [...registry.keys()];
}

/** pss-restricted already contains every baseline check. */
export const DEFAULT_PACKS: readonly string[] = ['pss-restricted', 'hardening', 'rbac', 'agent', 'api-versions'];

registerPack(PSS_BASELINE);
registerPack(PSS_RESTRICTED);
registerPack(HARDENING);
registerPack(RBAC);
registerPack({ ...AGENT, rules: [...AGENT.rules, ...SUPPLY_CHAIN_RUNTIME_RULES] });
registerPack(API_VERSIONS);
// Not a default pack: it judges what operators declare about data, selected with --pack gdpr.
registerPack(GDPR_PACK);
