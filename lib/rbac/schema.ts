/** Run-time shape of ApiGrant (see lib/core/schema.ts); kept equal to the interface by test/refuse/schemas.test.ts. */
import { z } from 'zod';

const strings = z.array(z.string()).readonly();

export const API_GRANT_SCHEMA = z.strictObject({
  apiGroups: strings,
  resources: strings,
  verbs: strings,
  resourceNames: strings.optional(),
  clusterWide: z.boolean().optional(),
  acknowledgeRisks: z
    .array(z.strictObject({ risk: z.string(), reason: z.string() }))
    .readonly()
    .optional(),
});
