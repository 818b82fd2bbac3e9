/** Run-time shape of EdgeIdentityProps (see lib/core/schema.ts); kept equal to the interface by test/refuse/schemas.test.ts. */
import { z } from 'zod';

const strings = z.array(z.string()).readonly();

export const IDENTITY_PROPS_SCHEMA = z.strictObject({
  issuer: z.string(),
  jwksUri: z.string(),
  audiences: strings,
  requiredClaims: z.record(z.string(), strings).readonly().optional(),
  requiredScopes: strings.optional(),
  fromNamespaces: strings.optional(),
});
