import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import * as vault from '@pulumi/vault';
import { IConstruct } from 'constructs';
import { vaultPlans } from '../vault';
import { VaultOwnSetup, VaultResources, createVaultResources } from '../vault/pulumi';
import { planDependencies, PlannedObject } from './dependencies';
import { BUILT_IN_KINDS } from './kinds';
import { classifyObjects, synthesizeObjects } from './objects';
import { REGISTRATION_STACK_TRACE_LIMIT, RegistrationPacer } from '../core';

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
   * Resources released to @pulumi/pulumi per event-loop turn, which bounds the registrations in
   * flight and so the program's heap (see {@link RegistrationPacer}); 0 releases all at once. A
   * test that fakes `setImmediate` must let it run or pass 0.
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
 * Registers a cdk8s App or Chart with Pulumi: one typed @pulumi/kubernetes resource per
 * synthesized object (CustomResource for CRD kinds), registered in dependency order with
 * `dependsOn` edges, all parented to this component, plus the Vault policies and auth roles of
 * the agents with Vault secrets. The objects are taken from the same
 * synthesis as `cdk8s synth`, so nothing is described twice.
 */
export class PulumiPlatform extends pulumi.ComponentResource {
  /** The plan the resources were registered from, in registration order. */
  public readonly plan: readonly PlannedObject[];
  /** Registered resources by object key (`agents/Deployment/assistant`, `Namespace/agents`). */
  public readonly resources: ReadonlyMap<string, pulumi.CustomResource>;
  /** Vault policies and auth roles of every agent with Vault secrets (and the setup, when owned). */
  public readonly vault: VaultResources;

  constructor(name: string, args: PulumiPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super(PLATFORM_COMPONENT_TYPE, name, {}, opts);
    const pacer = new RegistrationPacer(args.registrationBatchSize, {
      scope: `PulumiPlatform ${name}`,
      field: 'registrationBatchSize',
    });
    this.plan = planKubernetesObjects(name, args.app);
    const resources = new Map<string, pulumi.CustomResource>();
    // Registration without stack traces (see lib/core/registration.ts), set here rather than through
    // withRegistrationStackTraces and with the resources created in this loop's body rather than in a
    // helper: @pulumi/pulumi records every resource's source position from an unlimited stack
    // capture, whose cost grows with every frame between `new Resource` and the program, so this
    // loop keeps that stack as short as the program's own call would be. createVaultResources does
    // the same around its own registrations, after its checks.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = REGISTRATION_STACK_TRACE_LIMIT;
    try {
      for (const planned of this.plan) {
        const opts: pulumi.CustomResourceOptions = {
          parent: this,
          provider: args.kubernetesProvider,
          dependsOn: pacer.dependsOn(planned.dependsOn.map((key) => resources.get(key) as pulumi.CustomResource)),
        };
        const { apiVersion, kind, ...rest } = planned.object;
        const builtIn = BUILT_IN_KINDS[`${apiVersion}/${kind}`];
        const childName = resourceName(name, planned.key);
        resources.set(
          planned.key,
          builtIn
            ? new builtIn.resource(childName, rest, opts)
            : new k8s.apiextensions.CustomResource(childName, { ...planned.object }, opts),
        );
      }
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
    this.resources = resources;
    this.vault = createVaultResources(vaultPlans(args.app), {
      parent: this,
      provider: args.vaultProvider,
      namePrefix: `${name}/vault`,
      ownSetup: args.vaultOwnSetup,
      registrationBatchSize: args.registrationBatchSize,
    });
    this.registerOutputs({ objectKeys: this.plan.map((p) => p.key) });
  }
}
