/** Hardening, probes: readiness and liveness probes that probe something real. */
import { Rule } from '../../rule';
import { FindingDraft } from '../../types';
import { isRecord, rec, recs } from '../../util';
import { at, containerRule } from '../helpers';
import { REGULAR, LONG_RUNNING } from './common';

/** Deepest nesting sameJson walks before it leaves the answer to JSON.stringify. */
const MAX_WALK_DEPTH = 32;

/**
 * `JSON.stringify(a) === JSON.stringify(b)` (key order counts) by walking both: true when every
 * value on the way is plain JSON data and equal, false at the first difference, undefined when
 * the walk meets anything JSON.stringify treats specially (undefined, functions, symbols, toJSON,
 * non-finite numbers, class instances, key counts that differ), which is left to the texts.
 */
function plainJsonEqual(a: unknown, b: unknown, depth: number): boolean | undefined {
  if (typeof a === 'string' || typeof a === 'boolean') return a === b ? true : plainScalar(b) ? false : undefined;
  if (typeof a === 'number') {
    if (!Number.isFinite(a)) return undefined;
    return a === b ? true : plainScalar(b) ? false : undefined;
  }
  if (a === null) return b === null ? true : plainScalar(b) ? false : undefined;
  if (typeof a !== 'object' || typeof b !== 'object' || b === null || depth > MAX_WALK_DEPTH) return undefined;
  if (!plainContainer(a) || !plainContainer(b)) return undefined;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  if (Array.isArray(a)) {
    const bs = b as unknown[];
    if (a.length !== bs.length) return false;
    for (let i = 0; i < a.length; i++) {
      const r = plainJsonEqual(a[i], bs[i], depth + 1);
      if (r !== true) return r;
    }
    return true;
  }
  const xk = Object.keys(x);
  const yk = Object.keys(y);
  // A key whose value JSON leaves out would shift the comparison: counts must match to walk.
  if (xk.length !== yk.length) return undefined;
  for (let i = 0; i < xk.length; i++) {
    const va = x[xk[i]];
    const vb = y[yk[i]];
    if (xk[i] !== yk[i]) return omittable(va) || omittable(vb) ? undefined : false;
    const r = plainJsonEqual(va, vb, depth + 1);
    if (r !== true) return r;
  }
  return true;
}

function plainScalar(v: unknown): boolean {
  return typeof v === 'string' || typeof v === 'boolean' || v === null || (typeof v === 'number' && Number.isFinite(v));
}

/** JSON.stringify leaves the key out (or, for BigInt, throws). */
function omittable(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint';
}

function plainContainer(v: object): boolean {
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return false;
  if (Array.isArray(v)) return true;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Whether JSON.stringify can serialize v without calling user code or throwing (no BigInt, toJSON,
 * class instances or nesting past MAX_WALK_DEPTH), so a difference found by the walk is the answer.
 */
function jsonSafe(v: unknown, depth: number): boolean {
  if (typeof v === 'bigint') return false;
  if (typeof v !== 'object' || v === null) return true;
  if (depth > MAX_WALK_DEPTH || !plainContainer(v)) return false;
  if (Array.isArray(v)) {
    for (const x of v) if (!jsonSafe(x, depth + 1)) return false;
    return true;
  }
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!jsonSafe(o[k], depth + 1)) return false;
  return true;
}

/** Whether two values serialize to the same JSON text (and throw where JSON.stringify would). */
function sameJson(a: unknown, b: unknown): boolean {
  const walked = plainJsonEqual(a, b, 0);
  if (walked === true) return true;
  if (walked === false && jsonSafe(a, 0) && jsonSafe(b, 0)) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

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
    else if (sameJson(c.spec.livenessProbe, c.spec.readinessProbe)) {
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
