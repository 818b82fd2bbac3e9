/** Run-time shape of ImagePolicyProps (see lib/core/schema.ts); kept equal to the interfaces by test/refuse/schemas.test.ts. */
import { z } from 'zod';
import type { ImagePolicyAttestations } from './settings';

const waiver = z.strictObject({ reason: z.string() });

export const IMAGE_POLICY_PROPS_SCHEMA = z.strictObject({
  allowedPrefixes: z.array(z.string()).readonly(),
  requireDigest: z.boolean().optional(),
  forbidLatest: z.boolean().optional(),
  signature: z
    .strictObject({
      publicKey: z.string().optional(),
      keyless: z
        .strictObject({ issuer: z.string(), subject: z.string().optional(), subjectRegExp: z.string().optional() })
        .optional(),
      fulcioUrl: z.string().optional(),
      rekorUrl: z.string().optional(),
    })
    .optional(),
  // Checked field by field by the image policy's own resolver (lib/image-policy/settings.ts).
  attestations: z
    .custom<ImagePolicyAttestations>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), {
      message: 'an object',
    })
    .optional(),
  namespaces: z.array(z.string()).readonly().optional(),
  mode: z.enum(['enforce', 'audit', 'warn']).optional(),
  engines: z
    .array(z.enum(['vap', 'kyverno', 'sigstore']))
    .readonly()
    .optional(),
  name: z.string().optional(),
  waivers: z
    .strictObject({
      nonEnforcingMode: waiver.optional(),
      uncoveredNamespaces: waiver.optional(),
      anySigner: waiver.optional(),
    })
    .optional(),
});
