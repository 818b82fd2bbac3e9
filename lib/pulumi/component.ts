import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import * as vault from '@pulumi/vault';
import { IConstruct } from 'constructs';
import { vaultPlans } from '../vault';
import { VaultOwnSetup, VaultResources, createVaultResources } from '../vault/pulumi';
import { planDependencies, PlannedObject } from './dependencies';
import { BUILT_IN_KINDS } from './kinds';
import { classifyObjects, synthesizeObjects } from './objects';
import { CreatedOnReadMap, CreationQueue } from '../core';

/** Pulumi type token of {@link PulumiPlatform}. */
export const PLATFORM_COMPONENT_TYPE = 'agent-baseline:index:Platform';

/** Inputs of {@link PulumiPlatform}: the cdk8s App to register and the providers to use. */
export interface PulumiPlatformArgs {
  /** A cdk8s App or Chart built in memory. It is never synthesized to disk. */
  readonly app: IConstruct;
  /** Provider for every Kubernetes resource. @default the default provider (ambient kubeconfig) */
  readonly kubernetesProvider?: k8s.Provider;
  /** Provider for every Vault resource. @default the default provider (`vault:address` config) */
  readonly vaultProvider?: vault.Provider;
  /** Also create the Kubernetes auth backend and config, KV v2 mounts, database roles and audit devices. @default undefined: they exist already */
  readonly vaultOwnSetup?: VaultOwnSetup;
  /**
   * Resources created per event-loop turn after the constructor returns (see {@link CreationQueue}),
   * which bounds the registrations in flight and so the program's heap; 0 creates every resource in
   * the constructor. A test that fakes `setImmediate` must let it run or pass 0.
   * @default REGISTRATION_BATCH_SIZE (64)
   */
  readonly registrationBatchSize?: number;
}

/** Plans the Kubernetes side of an App or Chart: objects, resource names and dependency edges. */
export function planKubernetesObjects(scope: string, app: IConstruct): PlannedObject[] {
  return planDependencies(scope, classifyObjects(scope, synthesizeObjects(app)));
}

/** Pulumi name of an object's resource: stable as long as the component name and object identity are. */
export function resourceName(componentName: string, key: string): string {
  return `${componentName}/${key}`;
}

/**
 * Registers a cdk8s App or Chart with Pulumi: one typed `@pulumi/kubernetes` resource per
 * synthesized object (CustomResource for CRD kinds), registered in dependency order with
 * `dependsOn` edges, all parented to this component, plus the Vault policies and auth roles of
 * the agents with Vault secrets. The objects are taken from the same
 * synthesis as `cdk8s synth`, so nothing is described twice.
 *
 * The constructor plans and checks everything; the resources are created in plan order, a batch
 * per event-loop turn after it returns (`registrationBatchSize`), so that a stack of thousands of
 * objects never holds every registration's state at once. Reading them never sees a gap: `resources.get`
 * creates the resource asked for (and everything planned before it) at once, iterating
 * `resources` or reading `vault` creates them all. {@link PulumiPlatform.created} resolves once
 * every resource exists, and the component's outputs wait for it, so the program does not end
 * before.
 */
export class PulumiPlatform extends pulumi.ComponentResource {
  /** The plan the resources were registered from, in registration order. */
  public readonly plan: readonly PlannedObject[];
  /**
   * Registered resources by object key (`agents/Deployment/assistant`, `Namespace/agents`). Every
   * planned key is present (`has`, `size`, `keys`); reading a value creates it if its batch has
   * not come yet.
   */
  public readonly resources: ReadonlyMap<string, pulumi.CustomResource>;
  /** Resolves once every resource has been created (registrations may still be in flight); rejects with the error that stopped creation. */
  public readonly created: Promise<void>;
  private readonly queue: CreationQueue;
  private readonly vaultResources: VaultResources;

  constructor(name: string, args: PulumiPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super(PLATFORM_COMPONENT_TYPE, name, {}, opts);
    this.queue = new CreationQueue(args.registrationBatchSize, {
      scope: `PulumiPlatform ${name}`,
      field: 'registrationBatchSize',
    });
    this.plan = planKubernetesObjects(name, args.app);
    const created = new Map<string, pulumi.CustomResource>();
    const stepOf = new Map<string, number>();
    for (const planned of this.plan)
      stepOf.set(
        planned.key,
        this.queue.add(() => created.set(planned.key, this.createResource(name, planned, created, args))),
      );
    this.resources = new CreatedOnReadMap(created, stepOf, this.queue);
    this.vaultResources = createVaultResources(
      vaultPlans(args.app),
      { parent: this, provider: args.vaultProvider, namePrefix: `${name}/vault`, ownSetup: args.vaultOwnSetup },
      this.queue,
    );
    this.created = this.queue.created;
    this.queue.start();
    const objectKeys = this.plan.map((p) => p.key);
    // Outputs that wait for the last creation keep the program (its RPCs) alive until then.
    this.registerOutputs({ objectKeys: this.created.then(() => objectKeys) });
  }

  /** Vault policies and auth roles of every agent with Vault secrets (and the setup, when owned); reading them creates every resource not yet created. */
  public get vault(): VaultResources {
    this.queue.createAll();
    return this.vaultResources;
  }

  private createResource(
    name: string,
    planned: PlannedObject,
    created: ReadonlyMap<string, pulumi.CustomResource>,
    args: PulumiPlatformArgs,
  ): pulumi.CustomResource {
    const opts: pulumi.CustomResourceOptions = {
      parent: this,
      provider: args.kubernetesProvider,
      // Planned before this one, so already created.
      dependsOn: planned.dependsOn.map((key) => created.get(key) as pulumi.CustomResource),
    };
    const { apiVersion, kind, ...rest } = planned.object;
    const builtIn = BUILT_IN_KINDS[`${apiVersion}/${kind}`];
    const childName = resourceName(name, planned.key);
    return builtIn
      ? new builtIn.resource(childName, rest, opts)
      : new k8s.apiextensions.CustomResource(childName, { ...planned.object }, opts);
  }
}
