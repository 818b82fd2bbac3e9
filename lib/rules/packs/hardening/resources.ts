/** Hardening, resources: requests and limits, so one agent cannot starve the node. */
import { ResolvedContainer } from '../../pod-template';
import { Rule } from '../../rule';
import { NSA, OWASP } from '../../references';
import { FindingDraft } from '../../types';
import { rec } from '../../util';
import { at, containerRule } from '../helpers';
import { RUNNABLE } from './common';

const RESOURCE_KINDS = ['requests', 'limits'] as const;

function missingResources(c: ResolvedContainer, names: readonly string[]): FindingDraft[] {
  // Runs twice per container of every pod: loops, no intermediate arrays.
  const res = rec(c.spec.resources);
  const out: FindingDraft[] = [];
  for (const kind of RESOURCE_KINDS) {
    const given = rec(res[kind]);
    for (const n of names)
      if (given[n] === undefined)
        out.push(at(`container ${c.name} has no ${n} ${kind.slice(0, -1)}`, [...c.path, 'resources', kind, n], c));
  }
  return out;
}

const resources = containerRule(
  {
    id: 'HRD-ContainerResources',
    title: 'CPU and memory requests and limits',
    severity: 'error',
    description:
      'Every container declares CPU and memory requests and limits, so one agent cannot starve the node or its neighbours.',
    fix: 'Set resources.requests and resources.limits for cpu and memory.',
    references: [NSA.resources, OWASP.consumption],
    scanners: [
      'CKV_K8S_10',
      'CKV_K8S_11',
      'CKV_K8S_12',
      'CKV_K8S_13',
      'KSV-0011',
      'KSV-0015',
      'KSV-0016',
      'KSV-0018',
      'kube-score container-resources',
    ],
  },
  (c) => missingResources(c, ['cpu', 'memory']),
  RUNNABLE,
);

const ephemeralStorage = containerRule(
  {
    id: 'HRD-EphemeralStorage',
    title: 'Ephemeral-storage request and limit',
    severity: 'warning',
    description:
      'Writable emptyDir paths and logs count against ephemeral storage; without a limit one pod can fill the node disk.',
    fix: 'Set resources.requests and resources.limits for ephemeral-storage.',
    references: [NSA.resources, OWASP.consumption],
    scanners: ['kube-score container-ephemeral-storage-request-and-limit'],
  },
  (c) => missingResources(c, ['ephemeral-storage']),
  RUNNABLE,
);

export const RESOURCE_RULES: readonly Rule[] = [resources, ephemeralStorage];
