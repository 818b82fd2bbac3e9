import {
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from '@pulumi/policy';
import { App } from 'cdk8s';
import { synthesizeObjects, typeToken } from '../../lib/pulumi';
import { DEFAULT_PACKS, packNames } from '../../lib/rules';
import { buildDefaultPlatform } from '../../stacks/platform';
import { POLICY_PREFIX, kubernetesObjectOf, policies } from '../../policy/policies';

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } } & Record<
  string,
  unknown
>;

function defaultObjects(): Obj[] {
  const app = new App();
  buildDefaultPlatform(app);
  return synthesizeObjects(app) as Obj[];
}

/** What CrossGuard passes for a resource, without the PolicyPack server. */
function resourceArgs(o: Obj, type = typeToken(o.apiVersion, o.kind)): ResourceValidationArgs {
  const { apiVersion: _a, kind: _k, ...props } = o;
  void _a;
  void _k;
  const args = {
    type,
    props: { ...props, apiVersion: o.apiVersion, kind: o.kind },
    urn: `urn:pulumi:test::agent-baseline::${type}::${o.metadata.name}`,
    name: o.metadata.name,
    opts: {},
    isType: (cls: { __pulumiType?: string }) => cls.__pulumiType === type,
    asType: () => undefined,
    getConfig: () => ({}),
    notApplicable: () => undefined,
  };
  return args as unknown as ResourceValidationArgs;
}

function stackArgs(objects: Obj[]): StackValidationArgs {
  return { resources: objects.map((o) => resourceArgs(o)), getConfig: () => ({}) } as unknown as StackValidationArgs;
}

const policy = (pack: string) => policies.find((p) => p.name === `${POLICY_PREFIX}${pack}`);

type Validate = (a: ResourceValidationArgs, r: (m: string) => void) => void;

function runResource(pack: string, o: Obj): string[] {
  const messages: string[] = [];
  const validate = (policy(pack) as ResourceValidationPolicy).validateResource as Validate;
  validate(resourceArgs(o), (m) => messages.push(m));
  return messages;
}

function runStack(pack: string, objects: Obj[]): { message: string; urn?: string }[] {
  const out: { message: string; urn?: string }[] = [];
  (policy(pack) as StackValidationPolicy).validateStack(stackArgs(objects), (message, urn) =>
    out.push({ message, urn }),
  );
  return out;
}

const badDeployment = (): Obj => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'bad', namespace: 'elsewhere' },
  spec: {
    selector: { matchLabels: { app: 'bad' } },
    template: {
      metadata: { labels: { app: 'bad' } },
      spec: { hostNetwork: true, containers: [{ name: 'c', image: 'nginx', securityContext: { privileged: true } }] },
    },
  },
});

describe('CrossGuard policies', () => {
  test('one policy per registered pack; the default packs are mandatory, the others disabled', () => {
    expect(policies.map((p) => p.name).sort()).toEqual(
      packNames()
        .map((n) => `${POLICY_PREFIX}${n}`)
        .sort(),
    );
    for (const p of policies)
      expect(p.enforcementLevel).toBe(
        DEFAULT_PACKS.includes(p.name.slice(POLICY_PREFIX.length)) ? 'mandatory' : 'disabled',
      );
  });

  test('Pod Security runs per resource and passes every default-platform object', () => {
    for (const o of defaultObjects()) expect(runResource('pss-restricted', o)).toEqual([]);
  });

  test('Pod Security reports a privileged host-network Deployment from any stack', () => {
    const messages = runResource('pss-restricted', badDeployment());
    expect(messages.some((m) => m.startsWith('PSS-hostNamespaces: '))).toBe(true);
    expect(messages.some((m) => m.startsWith('PSS-privileged: '))).toBe(true);
    for (const m of messages) expect(m).toMatch(/^[\w-]+: .+ \(at [^)]+\)\. Fix: .+/);
  });

  test('non-Kubernetes and partial resources are not applicable', () => {
    const messages: string[] = [];
    const validate = (policy('pss-restricted') as ResourceValidationPolicy).validateResource as (
      a: ResourceValidationArgs,
      r: (m: string) => void,
    ) => void;
    validate(resourceArgs(badDeployment(), 'vault:index/policy:Policy'), (m) => messages.push(m));
    validate(resourceArgs(badDeployment(), 'kubernetes:apps/v1:DeploymentPatch'), (m) => messages.push(m));
    expect(messages).toEqual([]);
  });

  test('the cross-object packs pass the whole default platform as a stack', () => {
    for (const pack of DEFAULT_PACKS.filter((p) => !p.startsWith('pss-')))
      expect(runStack(pack, defaultObjects())).toEqual([]);
  });

  test('the cross-object packs report against the failing resource URN', () => {
    const out = runStack('hardening', [...defaultObjects(), badDeployment()]);
    expect(out.length).toBeGreaterThan(0);
    for (const v of out) expect(v.urn).toBe('urn:pulumi:test::agent-baseline::kubernetes:apps/v1:Deployment::bad');
  });

  test('the object a resource stands for comes from its type token and props', () => {
    expect(
      kubernetesObjectOf({
        type: 'kubernetes:core/v1:ConfigMap',
        props: { metadata: { name: 'x' }, data: { a: 'b' }, status: {} },
      }),
    ).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x' },
      data: { a: 'b' },
    });
  });
});
