/** Run-time shape of HardenedAgentProps (see lib/core/schema.ts); kept equal to the interfaces by test/refuse/schemas.test.ts. */
import { z } from 'zod';
import { GUARDRAILS_PROPS_SCHEMA } from '../guardrails/schema';
import { IDENTITY_PROPS_SCHEMA } from '../identity/schema';
import { NETWORK_PROPS_SCHEMA } from '../network/schema';
import { API_GRANT_SCHEMA } from '../rbac/schema';
import type { AgentVaultSecretsProps } from '../vault/types';
import { DATA_CATEGORIES, DataCategory, LAWFUL_BASES, LawfulBasis } from '../core';

const strings = z.array(z.string()).readonly();
const range = z.strictObject({ request: z.string().optional(), limit: z.string().optional() });

export const AGENT_RESOURCES_SCHEMA = z.strictObject({
  cpu: range.optional(),
  memory: range.optional(),
  ephemeralStorage: range.optional(),
});

export const AGENT_PROBE_SCHEMA = z.strictObject({
  httpGet: z.strictObject({ path: z.string(), port: z.string().optional() }).optional(),
  tcpSocket: z.strictObject({ port: z.string().optional() }).optional(),
  exec: z.strictObject({ command: strings }).optional(),
  initialDelaySeconds: z.number().optional(),
  periodSeconds: z.number().optional(),
  failureThreshold: z.number().optional(),
  timeoutSeconds: z.number().optional(),
});

/** DataDeclaration (lib/core/privacy.ts); values are checked in depth by resolveDataDeclaration. */
export const DATA_DECLARATION_SCHEMA = z.strictObject({
  categories: z.array(z.enum(DATA_CATEGORIES as [DataCategory, ...DataCategory[]])).readonly(),
  purposes: strings.optional(),
  lawfulBasis: z.enum(LAWFUL_BASES as [LawfulBasis, ...LawfulBasis[]]).optional(),
  retentionDays: z.number().optional(),
  regions: strings.optional(),
});

export const HARDENED_AGENT_PROPS_SCHEMA = z.strictObject({
  name: z.string().optional(),
  image: z.string(),
  allowUnpinnedImage: z.strictObject({ reason: z.string() }).optional(),
  command: strings.optional(),
  args: strings.optional(),
  ports: z
    .array(
      z.strictObject({
        name: z.string(),
        port: z.number(),
        protocol: z.enum(['TCP', 'UDP', 'SCTP']).optional(),
      }),
    )
    .readonly()
    .optional(),
  replicas: z.number().optional(),
  resources: AGENT_RESOURCES_SCHEMA.optional(),
  config: z.record(z.string(), z.string()).optional(),
  probes: z
    .strictObject({ readiness: AGENT_PROBE_SCHEMA.optional(), liveness: AGENT_PROBE_SCHEMA.optional() })
    .optional(),
  writablePaths: strings.optional(),
  runAsUser: z.number().optional(),
  runAsGroup: z.number().optional(),
  fsGroup: z.number().optional(),
  initContainers: z
    .array(
      z.strictObject({
        name: z.string(),
        image: z.string(),
        command: strings.optional(),
        args: strings.optional(),
        resources: AGENT_RESOURCES_SCHEMA.optional(),
      }),
    )
    .readonly()
    .optional(),
  labels: z.record(z.string(), z.string()).optional(),
  network: NETWORK_PROPS_SCHEMA.optional(),
  apiGrants: z.array(API_GRANT_SCHEMA).readonly().optional(),
  sandbox: z.enum(['gvisor', 'kata']).optional(),
  runsGeneratedCode: z.boolean().optional(),
  data: DATA_DECLARATION_SCHEMA.optional(),
  identity: IDENTITY_PROPS_SCHEMA.optional(),
  guardrails: GUARDRAILS_PROPS_SCHEMA.optional(),
  // Checked in depth by AgentVaultSecrets, after its own screening for literal secret values.
  secrets: z
    .custom<AgentVaultSecretsProps>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), {
      message: 'an object',
    })
    .optional(),
});

/** The pod props every shape shares, without the serving ones (ports, probes, identity) and replicas. */
const AGENT_POD_FEATURE_PROPS_SCHEMA = HARDENED_AGENT_PROPS_SCHEMA.omit({
  replicas: true,
  ports: true,
  probes: true,
  identity: true,
});

export const SCHEDULED_AGENT_PROPS_SCHEMA = AGENT_POD_FEATURE_PROPS_SCHEMA.extend({
  schedule: z.string(),
  timeZone: z.string().optional(),
  concurrencyPolicy: z.enum(['Forbid', 'Replace']).optional(),
  startingDeadlineSeconds: z.number().optional(),
  activeDeadlineSeconds: z.number().optional(),
  backoffLimit: z.number().optional(),
  successfulJobsHistoryLimit: z.number().optional(),
  failedJobsHistoryLimit: z.number().optional(),
  suspend: z.boolean().optional(),
});

export const AGENT_TASK_PROPS_SCHEMA = AGENT_POD_FEATURE_PROPS_SCHEMA.extend({
  activeDeadlineSeconds: z.number().optional(),
  ttlSecondsAfterFinished: z.number().optional(),
  backoffLimit: z.number().optional(),
});

export const STATEFUL_AGENT_PROPS_SCHEMA = HARDENED_AGENT_PROPS_SCHEMA.extend({
  storageSize: z.string(),
  storageClassName: z.string().optional(),
  dataPath: z.string().optional(),
  accessMode: z.enum(['ReadWriteOnce', 'ReadWriteOncePod']).optional(),
});
