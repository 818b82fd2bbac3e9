/** Run-time shape of AgentGuardrailsProps (see lib/core/schema.ts); kept equal to the interface by test/refuse/schemas.test.ts. */
import { z } from 'zod';

export const GUARDRAILS_PROPS_SCHEMA = z.strictObject({
  allowedRegistries: z.array(z.string()).readonly(),
  maxJobs: z.number().optional(),
  serviceAccountNames: z.array(z.string()).readonly().optional(),
  maxActiveDeadlineSeconds: z.number().optional(),
  maxTtlSecondsAfterFinished: z.number().optional(),
  approval: z.strictObject({ approverGroup: z.string() }).optional(),
});
