/** Run-time shape of AgentNetworkProps (see lib/core/schema.ts); kept equal to the interfaces by test/refuse/schemas.test.ts. */
import { z } from 'zod';
import type { AgentPeerRef } from './intent';

const protocol = z.enum(['TCP', 'UDP', 'SCTP']);

/** An agent passed as a peer: any object with the agent's network identity (a HardenedAgent). */
export const AGENT_PEER_REF_SCHEMA = z.custom<AgentPeerRef>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { agentName?: unknown }).agentName === 'string' &&
    typeof (v as { selectorLabels?: unknown }).selectorLabels === 'object',
  {
    message:
      'an agent (a HardenedAgent or an object with agentName, namespace, selectorLabels, serviceAccountName, ports)',
  },
);

export const PORT_REF_SCHEMA = z.union([
  z.number(),
  z.string(),
  z.strictObject({
    port: z.union([z.number(), z.string()]),
    protocol: protocol.optional(),
    endPort: z.number().optional(),
  }),
]);

export const NETWORK_PEER_SCHEMA = z.union([
  z.strictObject({ agent: AGENT_PEER_REF_SCHEMA }),
  z.strictObject({
    pods: z.record(z.string(), z.string()),
    namespace: z.string().optional(),
    serviceAccount: z.string().optional(),
  }),
  z.strictObject({ namespace: z.string() }),
  z.strictObject({
    cidr: z.string(),
    except: z.array(z.string()).readonly().optional(),
    region: z.string().optional(),
  }),
]);

const peer = z.union([AGENT_PEER_REF_SCHEMA, NETWORK_PEER_SCHEMA]);
const ports = z.array(PORT_REF_SCHEMA).readonly().optional();

export const NETWORK_PROPS_SCHEMA = z.strictObject({
  ingress: z
    .array(z.strictObject({ from: peer, ports }))
    .readonly()
    .optional(),
  egress: z
    .array(z.strictObject({ to: peer, ports }))
    .readonly()
    .optional(),
  fqdns: z
    .array(z.strictObject({ fqdn: z.string(), ports, region: z.string().optional() }))
    .readonly()
    .optional(),
  vault: z.boolean().optional(),
  internet: z.strictObject({ ports, ipv6: z.boolean().optional() }).optional(),
});
