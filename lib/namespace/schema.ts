/** Run-time shape of AgentNamespaceProps (see lib/core/schema.ts); kept equal to the interfaces by test/refuse/schemas.test.ts. */
import { z } from 'zod';

const quantities = z.record(z.string(), z.string());

export const AGENT_NAMESPACE_PROPS_SCHEMA = z.strictObject({
  name: z.string().optional(),
  quota: quantities.optional(),
  limitRange: z
    .strictObject({
      defaultRequest: quantities.optional(),
      defaultLimit: quantities.optional(),
      max: quantities.optional(),
    })
    .optional(),
  priorityClass: z
    .strictObject({ name: z.string().optional(), existing: z.boolean().optional(), value: z.number().optional() })
    .optional(),
  labels: z.record(z.string(), z.string()).optional(),
});
