/** Hardening, probes: readiness and liveness probes that probe something real. */
import { Rule } from '../../rule';
import { FindingDraft } from '../../types';
import { isRecord, rec, recs } from '../../util';
import { at, containerRule } from '../helpers';
import { REGULAR, LONG_RUNNING } from './common';

const probes = containerRule(
  {
    id: 'HRD-Probes',
    kinds: LONG_RUNNING,
    title: 'Readiness and a distinct liveness probe',
    severity: 'warning',
    description:
      'A readinessProbe keeps traffic away from pods that are not ready; a livenessProbe that differs from it restarts hung pods without cascading restarts.',
    fix: 'Add a readinessProbe and a livenessProbe that checks something different (another path or port).',
    references: [],
    scanners: [
      'CKV_K8S_8',
      'CKV_K8S_9',
      'kube-score pod-probes',
      'kube-score pod-probes-identical',
      'Polaris readinessProbeMissing',
    ],
  },
  (c) => {
    const out: FindingDraft[] = [];
    if (!isRecord(c.spec.readinessProbe))
      out.push(at(`container ${c.name} has no readinessProbe`, [...c.path, 'readinessProbe'], c));
    if (!isRecord(c.spec.livenessProbe))
      out.push(at(`container ${c.name} has no livenessProbe`, [...c.path, 'livenessProbe'], c));
    else if (JSON.stringify(c.spec.livenessProbe) === JSON.stringify(c.spec.readinessProbe)) {
      out.push(
        at(`container ${c.name} livenessProbe is identical to its readinessProbe`, [...c.path, 'livenessProbe'], c),
      );
    }
    return out;
  },
  REGULAR,
);

function probePort(probe: unknown): unknown {
  const p = rec(probe);
  return rec(p.httpGet).port ?? rec(p.tcpSocket).port ?? rec(p.grpc).port;
}

const probePorts = containerRule(
  {
    id: 'HRD-ProbePort',
    title: 'Probe ports are declared',
    severity: 'warning',
    description:
      'A probe on a port the container does not declare usually probes nothing (kube-linter liveness-port/readiness-port).',
    fix: 'Declare the probe port in the container ports[] (by number or name).',
    references: [],
    scanners: ['kube-linter liveness-port', 'kube-linter readiness-port', 'kube-linter startup-port'],
  },
  (c) => {
    const ports = recs(c.spec.ports);
    return ['livenessProbe', 'readinessProbe', 'startupProbe'].flatMap((probe) => {
      const port = probePort(c.spec[probe]);
      if (port === undefined) return [];
      const declared = ports.some((p) => p.containerPort === port || (typeof port === 'string' && p.name === port));
      return declared
        ? []
        : [at(`container ${c.name} ${probe} port ${String(port)} is not declared in ports[]`, [...c.path, probe], c)];
    });
  },
  REGULAR,
);

export const PROBE_RULES: readonly Rule[] = [probes, probePorts];
