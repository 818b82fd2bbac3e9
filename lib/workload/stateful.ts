import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import {
  PROJECTED_TOKEN_MOUNT_DIR,
  QUANTITY_FORMAT_HINT,
  invalidProp,
  parseQuantity,
  requireAbsolutePath,
  requireDnsSubdomain,
  requireInteger,
  requireOneOf,
  checkProps,
  childPath,
} from '../core';
import { STATEFUL_AGENT_PROPS_SCHEMA } from './schema';
import { PodBudgetShape } from '../agent-pod/pod';
import { AgentWorkload } from './base';
import { createPdb, servicePorts } from './objects';
import { AgentVolumeAccessMode, StatefulAgentProps } from './props';
import { AgentApiObject, KubeService } from '../platform/api-object';

/** Name of the volume claim template, and so of each replica's claim prefix (`data-<agent>-<ordinal>`). */
export const STATEFUL_DATA_VOLUME = 'data';
/** Where each replica's volume is mounted when `dataPath` is not given. */
export const DEFAULT_DATA_PATH = '/data';
const ACCESS_MODES: readonly AgentVolumeAccessMode[] = ['ReadWriteOnce', 'ReadWriteOncePod'];
/** Paths where the pod gets credentials; a writable volume there could shadow or capture them. */
const RESERVED_PATHS = [PROJECTED_TOKEN_MOUNT_DIR, '/var/run/secrets', '/vault/secrets'];

/**
 * An AI agent with durable memory (a vector store, conversation memory), as a hardened StatefulSet:
 * each replica gets its own persistent volume from `volumeClaimTemplates`, mounted read-write at
 * `dataPath`, the only place it may write (the root filesystem stays read-only and, unless given,
 * there are no other writable paths). A headless Service gives replicas stable names; files on the
 * volume are re-owned only when the volume's root does not already belong to the pod's fsGroup
 * (`fsGroupChangePolicy: OnRootMismatch`). The raw StatefulSet is reachable through `escapeHatch()`.
 *
 * ```ts
 * new StatefulAgent(ns, 'memory', {
 *   image: 'ghcr.io/acme/memory:3.2.0@sha256:…',
 *   ports: [{ name: 'grpc', port: 6334 }],
 *   storageSize: '20Gi',
 *   storageClassName: 'encrypted-ssd',
 * });
 * ```
 */
export class StatefulAgent extends AgentWorkload {
  public readonly workloadKind = 'StatefulSet' as const;
  /** Number of replicas, each with its own volume. */
  public readonly replicas: number;
  /** Where each replica's volume is mounted. */
  public readonly dataPath: string;
  /** Size of each replica's volume, a Kubernetes quantity. */
  public readonly storageSize: string;
  /** StorageClass of the volumes. @default undefined (meaning the cluster's default StorageClass) */
  public readonly storageClassName?: string;
  /** The headless Service that names the replicas (`<agent>-0.<agent>`). */
  public readonly service: ApiObject;
  /** Keeps at least one replica up during voluntary disruptions. @default undefined (meaning fewer than 2 replicas) */
  public readonly podDisruptionBudget?: ApiObject;
  private readonly storageBytes: number;

  constructor(scope: Construct, id: string, props: StatefulAgentProps) {
    super(scope, id, checkProps(childPath(scope, id), STATEFUL_AGENT_PROPS_SCHEMA, props, '', 'entry'), {
      serving: true,
      defaultWritablePaths: [],
    });
    this.replicas = requireInteger(this, 'replicas', props.replicas ?? 1, 1, 100);
    this.storageSize = props.storageSize;
    this.storageBytes = this.checkStorageSize(props.storageSize);
    this.storageClassName =
      props.storageClassName === undefined
        ? undefined
        : requireDnsSubdomain(this, 'storageClassName', props.storageClassName);
    const accessMode = requireOneOf(this, 'accessMode', props.accessMode ?? 'ReadWriteOnce', ACCESS_MODES);
    this.dataPath = this.checkDataPath(props.dataPath ?? DEFAULT_DATA_PATH, props.writablePaths ?? []);
    this.addClaimMount(STATEFUL_DATA_VOLUME, { mountPath: this.dataPath, readOnly: false });

    const statefulSet = new AgentApiObject(this, 'StatefulSet', {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: this.agentName, labels: this.labels },
      spec: {
        replicas: this.replicas,
        serviceName: this.agentName,
        revisionHistoryLimit: 5,
        podManagementPolicy: 'OrderedReady',
        updateStrategy: { type: 'RollingUpdate' },
        selector: { matchLabels: this.selectorLabels },
        template: this.podTemplate({ fsGroupChangePolicy: 'OnRootMismatch', spread: this.replicas > 1 }),
        volumeClaimTemplates: [
          {
            metadata: { name: STATEFUL_DATA_VOLUME, labels: this.labels },
            spec: {
              accessModes: [accessMode],
              storageClassName: this.storageClassName,
              resources: { requests: { storage: this.storageSize } },
            },
          },
        ],
      },
    });
    this.attachWorkload(statefulSet);
    this.service = new KubeService(this, 'Service', {
      metadata: { name: this.agentName, labels: this.labels },
      spec: {
        type: 'ClusterIP',
        clusterIp: 'None',
        // Replicas are addressable while they start, so peers of a replicated store can find each other.
        publishNotReadyAddresses: this.replicas > 1 ? true : undefined,
        selector: this.selectorLabels,
        ports: this.ports.length > 0 ? servicePorts(this.ports) : undefined,
      },
    });
    statefulSet.addDependency(this.service);
    this.podDisruptionBudget = createPdb(this, this.replicas);
    this.finishPod(props);
    this.applyFeatures(props);
    // Last: every value the constructor's own checks did not already judge (booleans, enums, types).
    checkProps(this, STATEFUL_AGENT_PROPS_SCHEMA, props);
  }

  /**
   * Every replica (a StatefulSet's rolling update replaces pods one by one, without surge), and one
   * claim of `storageSize` per replica.
   */
  protected budgetShape(): PodBudgetShape {
    return {
      maxPods: this.replicas,
      storage: {
        claims: this.replicas,
        bytes: this.replicas * this.storageBytes,
        storageClassName: this.storageClassName,
      },
    };
  }

  private checkStorageSize(size: unknown): number {
    const bytes = typeof size === 'string' ? parseQuantity(size) : undefined;
    if (bytes === undefined || bytes <= 0)
      invalidProp(this, 'storageSize', size, `a positive Kubernetes quantity such as '10Gi' (${QUANTITY_FORMAT_HINT})`);
    return bytes;
  }

  private checkDataPath(path: string, writablePaths: readonly string[]): string {
    requireAbsolutePath(this, 'dataPath', path);
    const norm = (p: string) => p.replace(/\/+$/, '');
    const data = norm(path);
    if (data === '') invalidProp(this, 'dataPath', path, 'a sub-directory, not the root filesystem');
    const within = (a: string, b: string) => a === b || a.startsWith(`${b}/`);
    const reserved = RESERVED_PATHS.find((r) => within(data, r) || within(r, data));
    if (reserved)
      invalidProp(
        this,
        'dataPath',
        path,
        `a path outside ${RESERVED_PATHS.join(', ')}`,
        'a writable volume there would shadow or capture the credentials mounted in it',
      );
    writablePaths.forEach((w, i) => {
      if (within(norm(w), data) || within(data, norm(w)))
        invalidProp(
          this,
          `writablePaths[${i}]`,
          w,
          `a path that neither contains nor lies inside dataPath '${path}'`,
          'nested writable mounts would hide part of the durable volume behind a scratch one',
        );
    });
    return path;
  }
}
