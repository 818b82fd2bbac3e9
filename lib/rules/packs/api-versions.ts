/**
 * API versions the target cluster no longer serves (what Pluto and kubent report). The objects are
 * still judged by every other rule under their old version (see WORKLOAD_GROUPS in pod-template.ts):
 * a removed version is a deployment that fails, or a converter that rewrites it, never a pass.
 */
import { REMOVED_API_VERSIONS, removedApiVersion } from '../../core/api-versions';
import { Pack } from '../rule';
import { SOC2 } from '../references';
import { at, objectRule } from './helpers';

const KINDS = [...new Set(REMOVED_API_VERSIONS.map((e) => e.kind))].sort();

export const removedVersion = objectRule(
  {
    id: 'API-RemovedVersion',
    kinds: KINDS,
    title: 'No removed or deprecated API versions',
    severity: 'error',
    description:
      'An apiVersion the target Kubernetes release no longer serves is refused by the API server (or silently rewritten by a converter), so what is reviewed is not what runs. Removed at or before the target minor: error; deprecated but still served: warning. Data: the upstream deprecation guide, as Pluto and kubent report it.',
    fix: 'Move the object to the replacement apiVersion named in the finding.',
    references: [SOC2.configuration],
    scanners: ['Pluto', 'kubent'],
  },
  (ctx) => {
    const entry = removedApiVersion(ctx.object.apiVersion, ctx.object.kind);
    if (!entry) return [];
    const removed = ctx.settings.kubernetesMinor >= entry.removedIn;
    const target = `1.${ctx.settings.kubernetesMinor}`;
    const message = `${entry.apiVersion} ${entry.kind} was deprecated in 1.${entry.deprecatedIn} and removed in 1.${entry.removedIn}; ${
      removed ? `the target ${target} does not serve it` : `the target ${target} still serves it`
    }; use ${entry.replacement}`;
    return [{ ...at(message, ['apiVersion']), severity: removed ? 'error' : 'warning' }];
  },
);

export const API_VERSIONS: Pack = {
  name: 'api-versions',
  description: 'API versions the target Kubernetes release removed or deprecated (Pluto/kubent data).',
  rules: [removedVersion],
};
