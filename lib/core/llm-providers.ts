/**
 * DNS names of LLM provider APIs, one table: with an LLM gateway only the gateway may reach them,
 * so FQDN egress to any of them from another agent is a bypass. The constructs refuse it and the
 * rule engine flags it (Cilium toFQDNs matchName and matchPattern), from this list.
 */

/** Registrable domains whose every subdomain belongs to an LLM provider API. */
export const LLM_PROVIDER_DOMAINS: readonly string[] = [
  'openai.com',
  'anthropic.com',
  'claude.ai',
  'openai.azure.com',
  'services.ai.azure.com',
  'generativelanguage.googleapis.com',
  'aiplatform.googleapis.com',
  'mistral.ai',
  'cohere.ai',
  'cohere.com',
  'groq.com',
  'together.xyz',
  'together.ai',
  'deepseek.com',
  'x.ai',
  'openrouter.ai',
  'perplexity.ai',
  'huggingface.co',
  'fireworks.ai',
  'replicate.com',
];

/** Provider hosts that share a parent domain with other services (regional endpoints). */
const LLM_PROVIDER_HOSTS: readonly RegExp[] = [
  /^bedrock(-runtime|-agent-runtime|-agent)?(-fips)?\.[a-z0-9-]+\.amazonaws\.com$/,
  /^[a-z0-9-]+-aiplatform\.googleapis\.com$/,
];

/** Hosts a DNS pattern is tried on: one of each provider. */
const SAMPLE_HOSTS: readonly string[] = [
  ...LLM_PROVIDER_DOMAINS.map((d) => `api.${d}`),
  'bedrock-runtime.us-east-1.amazonaws.com',
  'us-central1-aiplatform.googleapis.com',
];

function normalize(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/** True when the DNS name is an LLM provider API (or a subdomain of one). */
export function isLlmProviderHost(name: string): boolean {
  const n = normalize(name);
  return (
    LLM_PROVIDER_DOMAINS.some((d) => n === d || n.endsWith(`.${d}`)) || LLM_PROVIDER_HOSTS.some((re) => re.test(n))
  );
}

/**
 * True when a DNS pattern (Cilium matchPattern: `*` is any run of DNS characters within a label,
 * `**.` any number of labels, `*` alone every name; an FQDN grant with `*.`) reaches an LLM
 * provider: it matches one of their hosts, or its fixed part is a provider domain.
 */
export function dnsPatternReachesLlmProvider(pattern: string): boolean {
  const p = normalize(pattern);
  if (p === '*') return true;
  if (!p.includes('*')) return isLlmProviderHost(p);
  const body = p
    .split(/(\*\*\.|\*)/)
    .map((part) =>
      part === '**.' ? '([a-z0-9-]+\\.)*' : part === '*' ? '[a-z0-9-]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  const re = new RegExp(`^${body}$`);
  if (SAMPLE_HOSTS.some((h) => re.test(h))) return true;
  const fixed = p.replace(/^(\*\*\.|\*\.)/, '');
  return !fixed.includes('*') && isLlmProviderHost(fixed);
}
