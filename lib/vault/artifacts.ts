import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { IConstruct } from 'constructs';
import { compareText } from '../core';
import { VaultAgentPlan, roleDescription, vaultBaseName } from './plan';
import { AgentVaultSecrets } from './secrets';

/** The Vault plans of every agent under `scope` (an App, a platform, a namespace), sorted by namespace and agent. */
export function vaultPlans(scope: IConstruct): VaultAgentPlan[] {
  return scope.node
    .findAll()
    .filter(AgentVaultSecrets.isAgentVaultSecrets)
    .map((s) => s.plan)
    .sort((a, b) => compareText(`${a.namespace}/${a.agent}`, `${b.namespace}/${b.agent}`));
}

/** File names of one plan, relative to the `vault` directory. */
export function vaultArtifactNames(plan: VaultAgentPlan): { policy: string; role: string } {
  const base = vaultBaseName(plan.namespace, plan.agent);
  return { policy: `${base}.policy.hcl`, role: `${base}.role.json` };
}

/**
 * Writes `<outdir>/vault/<namespace>_<agent>.policy.hcl` and `.role.json` for every agent with
 * secrets, for teams that run Vault without the Pulumi path. Call it after `app.synth()`, which
 * empties the output directory. Returns the paths written.
 */
export function writeVaultArtifacts(scope: IConstruct, outdir: string): string[] {
  const plans = vaultPlans(scope);
  if (plans.length === 0) return [];
  const dir = join(outdir, 'vault');
  mkdirSync(dir, { recursive: true });
  return plans.flatMap((plan) => {
    const names = vaultArtifactNames(plan);
    const files: [string, string][] = [
      [join(dir, names.policy), plan.policyHcl],
      [join(dir, names.role), roleDescription(plan)],
    ];
    for (const [path, text] of files) writeFileSync(path, text);
    return files.map(([path]) => path);
  });
}
