/** Hardening, metadata and batch: labels and Job/CronJob lifecycle. */
import { Rule } from '../../rule';
import { OWASP } from '../../references';
import { FindingDraft } from '../../types';
import { rec } from '../../util';
import { at, indexedOf, objectRule, podRule } from '../helpers';

const instanceLabel = podRule(
  {
    id: 'HRD-InstanceLabel',
    title: 'app.kubernetes.io/instance matches the name',
    severity: 'warning',
    description:
      'Polaris flags an instance label that differs from the object name: tooling that groups by instance then mislabels it.',
    fix: 'Set app.kubernetes.io/instance to metadata.name, or remove it.',
    references: [],
    scanners: ['Polaris metadataAndInstanceMismatched'],
  },
  (_pod, ctx) => {
    const item = indexedOf(ctx);
    const instance = item.labels['app.kubernetes.io/instance'];
    return instance === undefined || instance === item.name
      ? []
      : [
          at(`app.kubernetes.io/instance ${instance} differs from name ${item.name}`, [
            'metadata',
            'labels',
            'app.kubernetes.io/instance',
          ]),
        ];
  },
);

const jobTtl = objectRule(
  {
    id: 'HRD-JobLifecycle',
    kinds: ['Job', 'CronJob'],
    title: 'Job TTL and CronJob deadline',
    severity: 'warning',
    description:
      'Finished Jobs linger without ttlSecondsAfterFinished; a CronJob without startingDeadlineSeconds can start a burst of missed runs.',
    fix: 'Set ttlSecondsAfterFinished on standalone Jobs; on CronJobs set startingDeadlineSeconds and leave ttlSecondsAfterFinished out of the jobTemplate.',
    references: [OWASP.consumption],
    scanners: ['kube-linter job-ttl-seconds-after-finished', 'kube-score cronjob-has-deadline'],
  },
  (ctx) => {
    const spec = rec(ctx.object.spec);
    if (ctx.object.kind === 'Job') {
      return typeof spec.ttlSecondsAfterFinished === 'number'
        ? []
        : [at('Job has no ttlSecondsAfterFinished', ['spec', 'ttlSecondsAfterFinished'])];
    }
    const out: FindingDraft[] = [];
    if (typeof spec.startingDeadlineSeconds !== 'number')
      out.push(at('CronJob has no startingDeadlineSeconds', ['spec', 'startingDeadlineSeconds']));
    if (rec(rec(spec.jobTemplate).spec).ttlSecondsAfterFinished !== undefined) {
      out.push(
        at('CronJob jobTemplate sets ttlSecondsAfterFinished', [
          'spec',
          'jobTemplate',
          'spec',
          'ttlSecondsAfterFinished',
        ]),
      );
    }
    return out;
  },
);

export const METADATA_RULES: readonly Rule[] = [instanceLabel, jobTtl];
