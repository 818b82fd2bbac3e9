/**
 * One zod schema per props type, kept in step with its TypeScript interface: a compile-time
 * equality of z.infer and the interface (tsc fails on drift), and a key-set comparison read from
 * the interface's source with the TypeScript compiler (jest fails on drift, naming the key).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import * as ts from 'typescript';
import { z } from 'zod';
import { checkProps, didYouMean } from '../../lib/core';
import type { AgentGuardrailsProps } from '../../lib/guardrails';
import { GUARDRAILS_PROPS_SCHEMA } from '../../lib/guardrails/schema';
import type { EdgeIdentityProps } from '../../lib/identity';
import { IDENTITY_PROPS_SCHEMA } from '../../lib/identity/schema';
import { ImagePolicy, ImagePolicyProps } from '../../lib/image-policy';
import { IMAGE_POLICY_PROPS_SCHEMA } from '../../lib/image-policy/schema';
import { AgentNamespace, AgentNamespaceProps } from '../../lib/namespace';
import { AGENT_NAMESPACE_PROPS_SCHEMA } from '../../lib/namespace/schema';
import type { AgentNetworkProps } from '../../lib/network';
import { NETWORK_PROPS_SCHEMA } from '../../lib/network/schema';
import { AgentPlatform, AgentPlatformProps } from '../../lib/platform';
import { AGENT_PLATFORM_PROPS_SCHEMA } from '../../lib/platform/schema';
import type { ApiGrant } from '../../lib/rbac';
import { API_GRANT_SCHEMA } from '../../lib/rbac/schema';
import type { AgentVaultSecretsProps } from '../../lib/vault';
import { VAULT_SECRETS_PROPS_SCHEMA } from '../../lib/vault/schema';
import {
  AgentTask,
  AgentTaskProps,
  HardenedAgent,
  HardenedAgentProps,
  ScheduledAgent,
  ScheduledAgentProps,
  StatefulAgent,
  StatefulAgentProps,
} from '../../lib/workload';
import {
  AGENT_TASK_PROPS_SCHEMA,
  HARDENED_AGENT_PROPS_SCHEMA,
  SCHEDULED_AGENT_PROPS_SCHEMA,
  STATEFUL_AGENT_PROPS_SCHEMA,
} from '../../lib/workload/schema';
import { AGENT_GATEWAY_PROPS_SCHEMA, AGENT_ROUTE_PROPS_SCHEMA } from '../../lib/gateway/schema';
import type { AgentGatewayProps, AgentRouteProps } from '../../lib/gateway';
import { refusal } from '../helpers/refusal';

// --- compile time: z.infer equals the interface (modulo readonly) -----------------------------

type DeepMutable<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends readonly (infer U)[]
    ? DeepMutable<U>[]
    : T extends object
      ? { -readonly [K in keyof T]: DeepMutable<T[K]> }
      : T;
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Same<S extends z.ZodType, P> = Equal<DeepMutable<z.infer<S>>, DeepMutable<P>>;

const compileTimeEqual: [
  Same<typeof HARDENED_AGENT_PROPS_SCHEMA, HardenedAgentProps>,
  Same<typeof AGENT_NAMESPACE_PROPS_SCHEMA, AgentNamespaceProps>,
  Same<typeof AGENT_PLATFORM_PROPS_SCHEMA, AgentPlatformProps>,
  Same<typeof NETWORK_PROPS_SCHEMA, AgentNetworkProps>,
  Same<typeof VAULT_SECRETS_PROPS_SCHEMA, AgentVaultSecretsProps>,
  Same<typeof GUARDRAILS_PROPS_SCHEMA, AgentGuardrailsProps>,
  Same<typeof IDENTITY_PROPS_SCHEMA, EdgeIdentityProps>,
  Same<typeof IMAGE_POLICY_PROPS_SCHEMA, ImagePolicyProps>,
  Same<typeof API_GRANT_SCHEMA, ApiGrant>,
  Same<typeof SCHEDULED_AGENT_PROPS_SCHEMA, ScheduledAgentProps>,
  Same<typeof AGENT_TASK_PROPS_SCHEMA, AgentTaskProps>,
  Same<typeof STATEFUL_AGENT_PROPS_SCHEMA, StatefulAgentProps>,
  Same<typeof AGENT_GATEWAY_PROPS_SCHEMA, AgentGatewayProps>,
  Same<typeof AGENT_ROUTE_PROPS_SCHEMA, AgentRouteProps>,
] = [true, true, true, true, true, true, true, true, true, true, true, true, true, true];

// --- run time: the keys of each interface, read from its source, equal the schema's ----------

const ROOT = path.join(__dirname, '../..');
const program = ts.createProgram(
  ['lib/index.ts'].map((f) => path.join(ROOT, f)),
  { target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.CommonJS, strict: true },
);
const checker = program.getTypeChecker();

function interfaceKeys(file: string, name: string): string[] {
  const source = program.getSourceFile(path.join(ROOT, file));
  if (!source) throw new Error(`no source ${file}`);
  let found: ts.Node | undefined;
  source.forEachChild((n) => {
    if ((ts.isInterfaceDeclaration(n) || ts.isTypeAliasDeclaration(n)) && n.name.text === name) found = n;
  });
  if (!found) throw new Error(`no interface ${name} in ${file}`);
  const type = checker.getTypeAtLocation(found);
  return checker
    .getPropertiesOfType(type)
    .map((p) => p.name)
    .sort();
}

function schemaKeys(schema: z.ZodType): string[] {
  const def = schema._zod.def as unknown as { type: string; shape?: object; innerType?: z.ZodType };
  if (def.type === 'optional' || def.type === 'readonly') return schemaKeys(def.innerType as z.ZodType);
  if (def.type !== 'object') throw new Error(`not an object schema: ${def.type}`);
  return Object.keys(def.shape as object).sort();
}

const shape = (s: z.ZodType, key: string): z.ZodType =>
  ((s._zod.def as unknown as { shape?: Record<string, z.ZodType>; innerType?: z.ZodType }).shape ??
    (
      (s._zod.def as unknown as { innerType: z.ZodType }).innerType._zod.def as unknown as {
        shape: Record<string, z.ZodType>;
      }
    ).shape)[key];
const element = (s: z.ZodType): z.ZodType => {
  let def = s._zod.def as unknown as { type: string; innerType?: z.ZodType; element?: z.ZodType };
  while (def.type !== 'array') def = (def.innerType as z.ZodType)._zod.def as unknown as typeof def;
  return def.element as z.ZodType;
};

const pairs: Array<[string, string, z.ZodType]> = [
  ['lib/workload/props.ts', 'HardenedAgentProps', HARDENED_AGENT_PROPS_SCHEMA],
  ['lib/agent-pod/props.ts', 'AgentResources', shape(HARDENED_AGENT_PROPS_SCHEMA, 'resources')],
  ['lib/agent-pod/props.ts', 'ResourceRange', shape(shape(HARDENED_AGENT_PROPS_SCHEMA, 'resources'), 'cpu')],
  ['lib/agent-pod/props.ts', 'AgentProbes', shape(HARDENED_AGENT_PROPS_SCHEMA, 'probes')],
  ['lib/agent-pod/props.ts', 'AgentProbe', shape(shape(HARDENED_AGENT_PROPS_SCHEMA, 'probes'), 'readiness')],
  ['lib/agent-pod/props.ts', 'AgentPort', element(shape(HARDENED_AGENT_PROPS_SCHEMA, 'ports'))],
  ['lib/agent-pod/props.ts', 'AgentInitContainer', element(shape(HARDENED_AGENT_PROPS_SCHEMA, 'initContainers'))],
  ['lib/namespace/namespace.ts', 'AgentNamespaceProps', AGENT_NAMESPACE_PROPS_SCHEMA],
  ['lib/namespace/namespace.ts', 'LimitRangeDefaults', shape(AGENT_NAMESPACE_PROPS_SCHEMA, 'limitRange')],
  ['lib/namespace/namespace.ts', 'AgentPriorityClass', shape(AGENT_NAMESPACE_PROPS_SCHEMA, 'priorityClass')],
  ['lib/platform/platform.ts', 'AgentPlatformProps', AGENT_PLATFORM_PROPS_SCHEMA],
  ['lib/core/settings.ts', 'VaultEndpoint', shape(AGENT_PLATFORM_PROPS_SCHEMA, 'vault')],
  ['lib/core/settings.ts', 'ApiServerEndpoints', shape(AGENT_PLATFORM_PROPS_SCHEMA, 'apiServerEndpoints')],
  ['lib/core/gateway-settings.ts', 'GatewaySettings', shape(AGENT_PLATFORM_PROPS_SCHEMA, 'gateway')],
  ['lib/gateway/types.ts', 'AgentGatewayProps', AGENT_GATEWAY_PROPS_SCHEMA],
  ['lib/gateway/types.ts', 'AgentRouteProps', AGENT_ROUTE_PROPS_SCHEMA],
  ['lib/gateway/types.ts', 'OidcSignInProps', shape(AGENT_ROUTE_PROPS_SCHEMA, 'people')],
  ['lib/gateway/types.ts', 'SessionCookieProps', shape(shape(AGENT_ROUTE_PROPS_SCHEMA, 'people'), 'cookies')],
  ['lib/gateway/types.ts', 'VaultClientSecret', shape(shape(AGENT_ROUTE_PROPS_SCHEMA, 'people'), 'clientSecret')],
  ['lib/gateway/types.ts', 'MachineCallerProps', element(shape(AGENT_ROUTE_PROPS_SCHEMA, 'machines'))],
  ['lib/gateway/types.ts', 'RequestLimitProps', shape(AGENT_ROUTE_PROPS_SCHEMA, 'limits')],
  ['lib/gateway/types.ts', 'RequestLimit', shape(shape(AGENT_ROUTE_PROPS_SCHEMA, 'limits'), 'perUser')],
  ['lib/network/intent.ts', 'AgentNetworkProps', NETWORK_PROPS_SCHEMA],
  ['lib/network/intent.ts', 'FqdnEgress', element(shape(NETWORK_PROPS_SCHEMA, 'fqdns'))],
  ['lib/network/intent.ts', 'InternetEgress', shape(NETWORK_PROPS_SCHEMA, 'internet')],
  ['lib/network/intent.ts', 'IngressIntent', element(shape(NETWORK_PROPS_SCHEMA, 'ingress'))],
  ['lib/network/intent.ts', 'EgressIntent', element(shape(NETWORK_PROPS_SCHEMA, 'egress'))],
  ['lib/vault/types.ts', 'AgentVaultSecretsProps', VAULT_SECRETS_PROPS_SCHEMA],
  ['lib/vault/types.ts', 'VaultSecret', element(shape(VAULT_SECRETS_PROPS_SCHEMA, 'items'))],
  ['lib/vault/types.ts', 'VaultRoleOptions', shape(VAULT_SECRETS_PROPS_SCHEMA, 'role')],
  ['lib/vault/types.ts', 'VaultConnectionOptions', shape(VAULT_SECRETS_PROPS_SCHEMA, 'connection')],
  ['lib/guardrails/guardrails.ts', 'AgentGuardrailsProps', GUARDRAILS_PROPS_SCHEMA],
  ['lib/identity/render.ts', 'JwtIdentity', IDENTITY_PROPS_SCHEMA],
  ['lib/image-policy/settings.ts', 'ImagePolicyProps', IMAGE_POLICY_PROPS_SCHEMA],
  ['lib/image-policy/settings.ts', 'SignatureVerification', shape(IMAGE_POLICY_PROPS_SCHEMA, 'signature')],
  ['lib/image-policy/settings.ts', 'ImagePolicyWaivers', shape(IMAGE_POLICY_PROPS_SCHEMA, 'waivers')],
  ['lib/rbac/grant.ts', 'ApiGrant', API_GRANT_SCHEMA],
  ['lib/workload/props.ts', 'ScheduledAgentProps', SCHEDULED_AGENT_PROPS_SCHEMA],
  ['lib/workload/props.ts', 'AgentTaskProps', AGENT_TASK_PROPS_SCHEMA],
  ['lib/workload/props.ts', 'StatefulAgentProps', STATEFUL_AGENT_PROPS_SCHEMA],
];

describe('props schemas stay in step with their interfaces', () => {
  it('z.infer of every schema equals its interface (checked by tsc)', () => {
    expect(compileTimeEqual.every(Boolean)).toBe(true);
  });
  it.each(pairs)('%s %s: same keys', (file, name, schema) => {
    expect(fs.existsSync(path.join(ROOT, file))).toBe(true);
    expect(schemaKeys(schema)).toEqual(interfaceKeys(file, name));
  });
});

// --- behaviour: typos and wrong types are refused with path, field, value, allowed, suggestion ---

const IMAGE = `ghcr.io/acme/agent:1.0.0@sha256:${'a'.repeat(64)}`;
const base = { image: IMAGE, ports: [{ name: 'http', port: 8080 }] };

function ns(): AgentNamespace {
  return new AgentNamespace(new AgentPlatform(Testing.app(), 'platform'), 'agents');
}
const agentRefusal = (props: Record<string, unknown>) =>
  refusal(() => new HardenedAgent(ns(), 'bot', { ...base, ...props } as unknown as HardenedAgentProps));

describe('mistyped agent props are refused, never dropped', () => {
  const typos: Array<[string, Record<string, unknown>, string]> = [
    [
      'replica',
      { replica: 3 },
      `[platform/agents/bot] replica: invalid value 3 (unknown field; did you mean 'replicas'?)`,
    ],
    [
      'network.egres',
      { network: { egres: [] } },
      `network.egres: invalid value [] (unknown field; did you mean 'egress'?)`,
    ],
    [
      'network.ingres',
      { network: { ingres: [] } },
      `network.ingres: invalid value [] (unknown field; did you mean 'ingress'?)`,
    ],
    [
      'resources.cpu.requests',
      { resources: { cpu: { requests: '1' } } },
      `resources.cpu.requests: invalid value "1" (unknown field; did you mean 'request'?)`,
    ],
    [
      'resources.mem',
      { resources: { mem: {} } },
      `resources.mem: invalid value {} (unknown field; did you mean 'memory'?)`,
    ],
    [
      'probes.readyness',
      { probes: { readyness: {} } },
      `probes.readyness: invalid value {} (unknown field; did you mean 'readiness'?)`,
    ],
    [
      'apiGrants[0].verb',
      { apiGrants: [{ apiGroups: [''], resources: ['pods'], verb: ['get'] }] },
      `apiGrants[0].verb: invalid value ["get"] (unknown field; did you mean 'verbs'?)`,
    ],
    [
      'guardrails.maxJob',
      { guardrails: { allowedRegistries: ['ghcr.io'], maxJob: 2 } },
      `guardrails.maxJob: invalid value 2 (unknown field; did you mean 'maxJobs'?)`,
    ],
    [
      'identity.audience',
      { identity: { issuer: 'https://i', jwksUri: 'https://j', audience: ['a'] } },
      `identity.audience: invalid value ["a"] (unknown field; did you mean 'audiences'?)`,
    ],
    [
      'network.egress[0].to.cidr exept',
      { network: { egress: [{ to: { cidr: '10.0.0.0/8', exept: [] }, ports: [443] }] } },
      `network.egress[0].to.exept: invalid value [] (unknown field; did you mean 'except'?)`,
    ],
    ['runAsUsr', { runAsUsr: 20000 }, `runAsUsr: invalid value 20000 (unknown field; did you mean 'runAsUser'?)`],
    [
      'something far from any field',
      { colour: 'blue' },
      `colour: invalid value "blue" (unknown field; it would be ignored)`,
    ],
  ];
  it.each(typos)('%s', (_, props, expected) => {
    const message = agentRefusal(props);
    expect(message).toContain(expected);
    expect(message).toMatch(/Allowed: one of the known fields '/);
  });

  // Vault props are screened by the resolver first (literal secrets are refused redacted), with the same suggestion.
  it.each([
    [
      'secrets.item',
      { secrets: { item: [] } },
      `secrets.item: invalid value "item" (unknown field; did you mean 'items'?)`,
    ],
    [
      'secrets.items[0].key',
      { secrets: { items: [{ name: 'x', mount: 'kv', path: 'a', key: ['k'] }] } },
      `secrets.items[0].key: invalid value "key" (unknown field; did you mean 'keys'?)`,
    ],
    [
      'secrets.items[0].versions as a string (caught by the schema after the resolver)',
      { secrets: { items: [{ name: 'x', mount: 'kv', path: 'a/b', keys: ['k'], versions: 'yes' }] } },
      `secrets.items[0].versions: invalid value "yes". Allowed: a boolean`,
    ],
    [
      'an unknown key whose name looks like a secret is redacted',
      { secrets: { items: [{ name: 'x', mount: 'kv', path: 'a/b', keys: ['k'], api_key: 'sk-live-123' }] } },
      `secrets.items[0].api_key: invalid value "<redacted>"`,
    ],
  ])('%s', (_, props, expected) => {
    const message = agentRefusal(props);
    expect(message).toContain(`[platform/agents/bot] ${expected}`);
    expect(message).not.toContain('sk-live-123');
  });

  it('a top-level unknown key whose name looks like a secret is redacted', () => {
    const message = agentRefusal({ OPENAI_API_KEY: 'sk-live-123' });
    expect(message).toContain(`OPENAI_API_KEY: invalid value "<redacted>" (unknown field; it would be ignored)`);
    expect(message).not.toContain('sk-live-123');
  });

  const wrongTypes: Array<[string, Record<string, unknown>, string]> = [
    // Bad values of known fields get the constructor's own message; the schema catches what it does not check.
    ['replicas as a string', { replicas: '3' }, `replicas: invalid value "3". Allowed: an integer from 1 to 1000`],
    [
      'ports as an object',
      { ports: { name: 'http', port: 8080 } },
      `ports: invalid value {"name":"http","port":8080}. Allowed: a list`,
    ],
    ['config value as a number', { config: { LOG_LEVEL: 3 } }, `config.LOG_LEVEL: invalid value 3. Allowed: a string`],
    [
      'runsGeneratedCode as a string',
      { runsGeneratedCode: 'yes', sandbox: 'gvisor' },
      `runsGeneratedCode: invalid value "yes". Allowed: a boolean`,
    ],
    [
      'sandbox unknown',
      { sandbox: 'firecracker' },
      `sandbox: invalid value "firecracker". Allowed: one of 'gvisor', 'kata'`,
    ],
    ['image missing', { image: undefined }, `image: invalid value undefined (the image reference is empty)`],
    ['writablePaths as a string', { writablePaths: '/tmp' }, `writablePaths: invalid value "/tmp". Allowed: a list`],
    ['network as a list', { network: [] }, `network: invalid value []. Allowed: an object`],
  ];
  it.each(wrongTypes)('%s', (_, props, expected) => {
    expect(agentRefusal(props)).toContain(`[platform/agents/bot] ${expected}`);
  });
});

describe('mistyped props of the other constructs', () => {
  it.each([
    [
      'platform',
      () => new AgentPlatform(Testing.app(), 'platform', { kubernetesVersio: '1.30' } as unknown as AgentPlatformProps),
      `[platform] kubernetesVersio: invalid value "1.30" (unknown field; did you mean 'kubernetesVersion'?)`,
    ],
    [
      'platform vault',
      () =>
        new AgentPlatform(Testing.app(), 'platform', {
          vault: { adress: 'https://v' },
        } as unknown as AgentPlatformProps),
      `[platform] vault.adress: invalid value "https://v" (unknown field; did you mean 'address'?)`,
    ],
    [
      'platform engines',
      () =>
        new AgentPlatform(Testing.app(), 'platform', { imagePolicyEngines: 'vap' } as unknown as AgentPlatformProps),
      `[platform] imagePolicyEngines: invalid value "vap". Allowed: a list`,
    ],
    [
      'namespace quota typo',
      () =>
        new AgentNamespace(new AgentPlatform(Testing.app(), 'platform'), 'agents', {
          quotas: {},
        } as unknown as AgentNamespaceProps),
      `[platform/agents] quotas: invalid value {} (unknown field; did you mean 'quota'?)`,
    ],
    [
      'namespace priorityClass value type',
      () =>
        new AgentNamespace(new AgentPlatform(Testing.app(), 'platform'), 'agents', {
          priorityClass: { value: 'high' },
        } as unknown as AgentNamespaceProps),
      `[platform/agents] priorityClass.value: invalid value "high". Allowed: a number`,
    ],
    [
      'image policy typo',
      () =>
        new ImagePolicy(ns().platform, 'ImagePolicy', { allowedPrefix: ['ghcr.io/'] } as unknown as ImagePolicyProps),
      `[platform/ImagePolicy] allowedPrefix: invalid value ["ghcr.io/"] (unknown field; did you mean 'allowedPrefixes'?)`,
    ],
    [
      'image policy waiver typo',
      () =>
        new ImagePolicy(ns().platform, 'ImagePolicy', {
          allowedPrefixes: ['ghcr.io/'],
          waivers: { nonEnforcing: { reason: 'x' } },
        } as unknown as ImagePolicyProps),
      `[platform/ImagePolicy] waivers.nonEnforcing: invalid value {"reason":"x"} (unknown field; did you mean 'nonEnforcingMode'?)`,
    ],
    [
      'grant through grantApiAccess',
      () => {
        const a = new HardenedAgent(ns(), 'bot', base);
        a.grantApiAccess({
          apiGroups: [''],
          resources: ['pods'],
          verbs: ['get'],
          clusterwide: true,
        } as unknown as ApiGrant);
      },
      `[platform/agents/bot] apiGrants[0].clusterwide: invalid value true (unknown field; did you mean 'clusterWide'?)`,
    ],
    [
      'secrets through addVaultSecrets',
      () => {
        const a = new HardenedAgent(ns(), 'bot', base);
        a.addVaultSecrets({ items: [], mod: 'csi' } as unknown as AgentVaultSecretsProps);
      },
      `[platform/agents/bot] secrets.mod: invalid value "mod" (unknown field; did you mean 'mode'?)`,
    ],
  ])('%s', (_, run, expected) => {
    expect(refusal(run)).toContain(expected);
  });
});

describe('checkProps and didYouMean', () => {
  it('suggests only close names', () => {
    expect(didYouMean('replica', ['replicas', 'resources'])).toBe('replicas');
    expect(didYouMean('Replicas', ['replicas'])).toBe('replicas');
    expect(didYouMean('xyz', ['replicas', 'resources'])).toBeUndefined();
  });
  it('accepts valid props unchanged and names a plain-string scope', () => {
    const props = { issuer: 'https://i', jwksUri: 'https://j', audiences: ['a'] };
    expect(checkProps('somewhere', IDENTITY_PROPS_SCHEMA, props)).toBe(props);
    expect(refusal(() => checkProps('somewhere', IDENTITY_PROPS_SCHEMA, 5, 'identity'))).toBe(
      '[somewhere] identity: invalid value 5. Allowed: an object',
    );
  });
});

describe('an entry check that passed spares only the closing check of the same construction', () => {
  const schema = z.strictObject({ name: z.string(), replicas: z.number().optional() });
  const bad = '[c] replicas: invalid value "3". Allowed: a number';

  it('the closing check after a clean entry check passes without parsing again', () => {
    const props: Record<string, unknown> = { name: 'a' };
    const parse = jest.spyOn(schema, 'safeParse');
    checkProps('c', schema, props, '', 'entry');
    expect(checkProps('c', schema, props)).toBe(props);
    expect(parse).toHaveBeenCalledTimes(1);
    // Used once: a second closing check parses.
    props.replicas = '3';
    expect(refusal(() => checkProps('c', schema, props))).toBe(bad);
    parse.mockRestore();
  });

  it('props changed after a construction that threw before its closing check are checked again', () => {
    const props: Record<string, unknown> = { name: 'a' };
    checkProps('c', schema, props, '', 'entry');
    // The construction throws here; the caller reuses the object with a value only the closing check refuses.
    props.replicas = '3';
    expect(checkProps('c', schema, props, '', 'entry')).toBe(props);
    expect(refusal(() => checkProps('c', schema, props))).toBe(bad);
  });

  it('a clean entry check of one schema does not spare the closing check of another', () => {
    const other = z.strictObject({ name: z.number() });
    const props = { name: 'a' };
    checkProps('c', schema, props, '', 'entry');
    expect(refusal(() => checkProps('c', other, props))).toBe('[c] name: invalid value "a". Allowed: a number');
  });
});

describe('mistyped props of the other agent shapes', () => {
  // An unknown key set to undefined drops nothing and is let through.
  const pod = { image: IMAGE, probes: undefined };
  it.each([
    [
      'ScheduledAgent schedul',
      () => new ScheduledAgent(ns(), 'job', { ...pod, schedul: '0 * * * *' } as unknown as ScheduledAgentProps),
      `[platform/agents/job] schedul: invalid value "0 * * * *" (unknown field; did you mean 'schedule'?)`,
    ],
    [
      'ScheduledAgent ports (a serving prop it does not take)',
      () =>
        new ScheduledAgent(ns(), 'job', {
          image: IMAGE,
          schedule: '0 * * * *',
          ports: [{ name: 'http', port: 8080 }],
        } as unknown as ScheduledAgentProps),
      `[platform/agents/job] ports: invalid value [{"name":"http","port":8080}] (unknown field; it would be ignored)`,
    ],
    [
      'AgentTask backofLimit',
      () => new AgentTask(ns(), 'task', { image: IMAGE, backofLimit: 2 } as unknown as AgentTaskProps),
      `[platform/agents/task] backofLimit: invalid value 2 (unknown field; did you mean 'backoffLimit'?)`,
    ],
    [
      'StatefulAgent storagesize',
      () =>
        new StatefulAgent(ns(), 'db', {
          ...base,
          storagesize: '1Gi',
        } as unknown as StatefulAgentProps),
      `[platform/agents/db] storagesize: invalid value "1Gi" (unknown field; did you mean 'storageSize'?)`,
    ],
    [
      'StatefulAgent accessMode',
      () =>
        new StatefulAgent(ns(), 'db', {
          ...base,
          storageSize: '1Gi',
          accessMode: 'ReadWriteMany',
        } as unknown as StatefulAgentProps),
      `[platform/agents/db] accessMode: invalid value "ReadWriteMany". Allowed: one of 'ReadWriteOnce', 'ReadWriteOncePod'`,
    ],
  ])('%s', (_, run, expected) => {
    expect(refusal(run)).toContain(expected);
  });
});
