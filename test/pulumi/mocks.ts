import * as pulumi from '@pulumi/pulumi';

/** One resource registration as the Pulumi engine would see it. */
export interface Registered {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
  readonly provider?: string;
  /** Names of the resources it depends on (explicit dependsOn and input dependencies). */
  readonly dependsOn: string[];
  /** Name of the parent resource, or undefined for the stack. */
  readonly parent?: string;
}

interface MockRequest {
  getName(): string;
  getType(): string;
  getParent(): string;
  getDependenciesList(): string[];
}

type RegisterFn = (req: MockRequest, cb: unknown) => Promise<void>;

const nameOfUrn = (urn: string): string => urn.slice(urn.lastIndexOf('::') + 2);

/**
 * Installs Pulumi mocks that record every registration. Dependencies and parents are not passed
 * to `newResource`, so they are read off the mock monitor's requests.
 */
export async function recordRegistrations(project = 'agent-baseline', stack = 'test'): Promise<Registered[]> {
  const registered: Registered[] = [];
  const edges = new Map<string, { dependsOn: string[]; parent?: string }>();
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const edge = edges.get(`${args.type}::${args.name}`);
        registered.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs,
          provider: args.provider,
          dependsOn: edge?.dependsOn ?? [],
          parent: edge?.parent,
        });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) =>
        args.token === 'vault:index/getPolicyDocument:getPolicyDocument'
          ? { hcl: JSON.stringify(args.inputs) }
          : args.inputs,
    },
    project,
    stack,
    false,
  );
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource: RegisterFn };
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    const parent = req.getParent();
    edges.set(`${req.getType()}::${req.getName()}`, {
      dependsOn: req.getDependenciesList().map(nameOfUrn).sort(),
      parent: parent ? nameOfUrn(parent) : undefined,
    });
    return original(req, cb);
  };
  return registered;
}

/** Resolves once every output has settled, so every registration has reached the mocks. */
export function settled(resources: readonly pulumi.Resource[]): Promise<unknown> {
  return Promise.all(resources.map((r) => new Promise((resolve) => r.urn.apply(resolve))));
}
