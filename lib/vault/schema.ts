/** Run-time shape of AgentVaultSecretsProps (see lib/core/schema.ts); kept equal to the interfaces by test/refuse/schemas.test.ts. */
import { z } from 'zod';

const strings = z.array(z.string()).readonly();

export const VAULT_DATABASE_ROLE_SCHEMA = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('dynamic'),
    dbName: z.string(),
    creationStatements: strings,
    revocationStatements: strings.optional(),
    defaultTtlSeconds: z.number().optional(),
    maxTtlSeconds: z.number().optional(),
  }),
  z.strictObject({
    type: z.literal('static'),
    dbName: z.string(),
    username: z.string(),
    rotationPeriodSeconds: z.number().optional(),
  }),
]);

export const VAULT_SECRET_SCHEMA = z.strictObject({
  name: z.string(),
  kind: z.enum(['kv-v2', 'database']).optional(),
  mount: z.string(),
  path: z.string(),
  keys: strings,
  fileName: z.string().optional(),
  versions: z.boolean().optional(),
  rotates: z.boolean().optional(),
  refreshAfter: z.string().optional(),
  delivery: z.enum(['file', 'env']).optional(),
  database: VAULT_DATABASE_ROLE_SCHEMA.optional(),
});

export const VAULT_SECRETS_PROPS_SCHEMA = z.strictObject({
  mode: z.enum(['injector', 'operator', 'csi']).optional(),
  role: z
    .strictObject({
      name: z.string().optional(),
      tokenTtlSeconds: z.number().optional(),
      tokenMaxTtlSeconds: z.number().optional(),
    })
    .optional(),
  connection: z.strictObject({ existing: z.string().optional(), caCertSecretRef: z.string().optional() }).optional(),
  items: z.array(VAULT_SECRET_SCHEMA).readonly(),
});
