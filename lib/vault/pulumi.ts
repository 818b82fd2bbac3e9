/**
 * The Vault side of the agents as Pulumi resources (`@pulumi/vault` 7.x), rendered from the same
 * plans that synth writes to dist/vault. The Pulumi program only wires this in.
 */
import * as pulumi from '@pulumi/pulumi';
import * as vault from '@pulumi/vault';
import {
  CreationQueue,
  RegistrationPacer,
  firstDuplicate,
  invalidProp,
  requireNonEmptyString,
  withRegistrationStackTraces,
} from '../core';
import { MAX_VAULT_TOKEN_TTL_SECONDS } from './limits';
import { VaultAgentPlan, VaultKubernetesRole, checkVaultPlan, vaultBaseName } from './plan';

/** Vault setup a stack owns when it runs Vault itself rather than joining an existing one. */
export interface VaultOwnSetup {
  /** Kubernetes API address Vault reviews tokens against, e.g. `https://kubernetes.default.svc`. */
  readonly kubernetesHost: string;
  /** PEM CA of the Kubernetes API. @default none: Vault in the cluster uses its own pod's CA */
  readonly kubernetesCaCert?: pulumi.Input<string>;
  /** File the primary audit device writes to. @default '/vault/audit/audit.log' */
  readonly auditFilePath?: string;
}

/** How {@link createVaultResources} names, parents and provisions the Vault resources. */
export interface VaultResourcesOptions {
  /** Parent of every resource (the Pulumi ComponentResource). @default undefined (resources are stack-level) */
  readonly parent?: pulumi.Resource;
  /** Vault provider. @default the default provider */
  readonly provider?: vault.Provider;
  /** Prefix of resource names. @default 'vault' */
  readonly namePrefix?: string;
  /** Also create the auth backend, KV mounts, database roles and audit devices. @default undefined: they exist already */
  readonly ownSetup?: VaultOwnSetup;
  /**
   * Resources released to `@pulumi/pulumi` per event-loop turn (see {@link RegistrationPacer}); 0
   * releases all at once.
   * @default REGISTRATION_BATCH_SIZE (64)
   */
  readonly registrationBatchSize?: number;
}

/** Everything {@link createVaultResources} created; the own-setup lists are empty without `ownSetup`. */
export interface VaultResources {
  /** One Vault policy per agent plan, granting exactly the plan's paths. */
  readonly policies: vault.Policy[];
  /** One Kubernetes auth role per plan, binding the agent's ServiceAccount to its policy. */
  readonly roles: vault.kubernetes.AuthBackendRole[];
  /** One per Kubernetes auth mount the plans use (with `ownSetup`). */
  readonly authBackends: vault.AuthBackend[];
  /** The config (API host, CA) of each auth mount in `authBackends` (with `ownSetup`). */
  readonly authBackendConfigs: vault.kubernetes.AuthBackendConfig[];
  /** KV v2 mounts the plans read from (with `ownSetup`). */
  readonly kvMounts: vault.Mount[];
  /** Dynamic or static database roles the plans use (with `ownSetup`). */
  readonly databaseRoles: (vault.database.SecretBackendRole | vault.database.SecretBackendStaticRole)[];
  /** The file and stdout audit devices (with `ownSetup`). */
  readonly audits: vault.Audit[];
}

/** Where the primary audit device writes when `auditFilePath` is not set: on the audit volume. */
export const DEFAULT_AUDIT_FILE_PATH = '/vault/audit/audit.log';

/**
 * Two devices, because Vault refuses every request when all its audit devices are blocked: a file
 * on the audit volume, and stdout, which fails independently of that volume.
 */
export function auditDeviceArgs(filePath: string): { name: string; args: vault.AuditArgs }[] {
  return [
    { name: 'file', args: { type: 'file', path: 'file', options: { file_path: filePath, mode: '0600' } } },
    { name: 'stdout', args: { type: 'file', path: 'stdout', options: { file_path: 'stdout' } } },
  ];
}

type OwnSetup = ReturnType<typeof createOwnSetup>;

function createOwnSetup(
  plans: readonly VaultAgentPlan[],
  setup: VaultOwnSetup,
  name: (suffix: string) => string,
  opts: pulumi.CustomResourceOptions,
) {
  const authMounts = [...new Set(plans.map((p) => p.role.backend))].sort();
  const authBackends = authMounts.map(
    (path) =>
      new vault.AuthBackend(
        name(`auth-${path}`),
        {
          type: 'kubernetes',
          path,
          tune: { defaultLeaseTtl: `${MAX_VAULT_TOKEN_TTL_SECONDS}s`, maxLeaseTtl: `${MAX_VAULT_TOKEN_TTL_SECONDS}s` },
        },
        opts,
      ),
  );
  const authConfigs = authBackends.map(
    (backend, i) =>
      new vault.kubernetes.AuthBackendConfig(
        name(`auth-${authMounts[i]}-config`),
        { backend: backend.path, kubernetesHost: setup.kubernetesHost, kubernetesCaCert: setup.kubernetesCaCert },
        opts,
      ),
  );
  const kvMounts = [...new Set(plans.flatMap((p) => p.kvMounts))]
    .sort()
    .map((path) => new vault.Mount(name(`kv-${path}`), { path, type: 'kv', options: { version: '2' } }, opts));
  const databaseRoles = plans
    .flatMap((p) => p.databaseRoles)
    .map((r) =>
      r.type === 'dynamic'
        ? new vault.database.SecretBackendRole(
            name(`db-${r.backend}-${r.name}`),
            {
              backend: r.backend,
              name: r.name,
              dbName: r.dbName,
              creationStatements: [...r.creationStatements],
              revocationStatements: r.revocationStatements ? [...r.revocationStatements] : undefined,
              defaultTtl: r.defaultTtlSeconds,
              maxTtl: r.maxTtlSeconds,
            },
            opts,
          )
        : new vault.database.SecretBackendStaticRole(
            name(`db-${r.backend}-${r.name}`),
            {
              backend: r.backend,
              name: r.name,
              dbName: r.dbName,
              username: r.username,
              rotationPeriod: r.rotationPeriodSeconds,
            },
            opts,
          ),
    );
  const audits = auditDeviceArgs(setup.auditFilePath ?? DEFAULT_AUDIT_FILE_PATH).map(
    (a) => new vault.Audit(name(`audit-${a.name}`), a.args, opts),
  );
  return { authMounts, authBackends, authConfigs, kvMounts, databaseRoles, audits };
}

/**
 * The inputs of an agent's `vault.kubernetes.AuthBackendRole`: its planned role on `backend` (the
 * plan's own, or the auth mount created beside it), issuing tokens with `policyName` only.
 */
export function authBackendRoleArgs(
  role: VaultKubernetesRole,
  backend: pulumi.Input<string>,
  policyName: pulumi.Input<string>,
): vault.kubernetes.AuthBackendRoleArgs {
  return {
    backend,
    roleName: role.roleName,
    boundServiceAccountNames: [...role.boundServiceAccountNames],
    boundServiceAccountNamespaces: [...role.boundServiceAccountNamespaces],
    audience: role.audience,
    tokenTtl: role.tokenTtl,
    tokenMaxTtl: role.tokenMaxTtl,
    tokenPolicies: [policyName],
  };
}

/**
 * Creates a `vault.Policy` and a `vault.kubernetes.AuthBackendRole` per plan; with `ownSetup`,
 * also the Kubernetes auth backend and its config, the KV v2 mounts, the database roles and two
 * audit devices. Plans are re-checked, so hand-built plans cannot bind wildcards or long TTLs.
 *
 * With a `queue`, every check still runs now, but the resources are created when the queue runs
 * its steps, in the same order (as `PulumiPlatform` does): the returned lists fill as it
 * runs, so read them after `queue.created` or call `queue.createAll()` first. The queue's batch
 * size then applies, and `registrationBatchSize` is refused.
 */
export function createVaultResources(
  plans: readonly VaultAgentPlan[],
  options: VaultResourcesOptions = {},
  queue?: CreationQueue,
): VaultResources {
  checkVaultResources(plans, options);
  if (queue) {
    if (options.registrationBatchSize !== undefined)
      invalidProp(
        'createVaultResources',
        'registrationBatchSize',
        options.registrationBatchSize,
        'unset when a queue is given (the queue creates the resources in its own batches)',
      );
    const { resources, steps } = vaultResourceSteps(plans, options, (dependsOn) => [...dependsOn]);
    for (const step of steps) queue.add(step);
    return resources;
  }
  const pacer = new RegistrationPacer(options.registrationBatchSize, {
    scope: 'createVaultResources',
    field: 'registrationBatchSize',
  });
  const { resources, steps } = vaultResourceSteps(plans, options, (dependsOn) => pacer.dependsOn(dependsOn));
  // Everything is checked: registration without stack traces (lib/core/registration.ts).
  withRegistrationStackTraces(() => {
    for (const step of steps) step();
  });
  return resources;
}

/** What createVaultResources refuses, before anything is created. */
function checkVaultResources(plans: readonly VaultAgentPlan[], options: VaultResourcesOptions): void {
  // Exactly the constructs' checks, so a hand-built plan cannot open more than a synthesized one.
  for (const plan of plans) checkVaultPlan(plan, MAX_VAULT_TOKEN_TTL_SECONDS);
  const duplicate = firstDuplicate(plans, (p) => vaultBaseName(p.namespace, p.agent));
  if (duplicate)
    invalidProp('createVaultResources', 'plans', `${duplicate.namespace}/${duplicate.agent}`, 'one plan per agent');
  for (const key of ['policyName', 'roleName'] as const) {
    const dup = firstDuplicate(plans, (p) =>
      key === 'policyName' ? p.policyName : `${p.role.backend}/${p.role.roleName}`,
    );
    if (dup)
      invalidProp(
        `${dup.namespace}/${dup.agent}`,
        key === 'policyName' ? 'policyName' : 'role.roleName',
        key === 'policyName' ? dup.policyName : dup.role.roleName,
        'a name no other plan uses',
        'two agents with one Vault name overwrite each other',
      );
  }
  if (options.ownSetup) requireNonEmptyString('ownSetup', 'kubernetesHost', options.ownSetup.kubernetesHost);
}

/**
 * The Vault resources as creation steps in registration order: the own setup (one step), then
 * each agent's policy and role (one step each). The lists of `resources` fill as the steps run;
 * `dependsOn` turns each registration's own dependencies into its `dependsOn` option.
 */
function vaultResourceSteps(
  plans: readonly VaultAgentPlan[],
  options: VaultResourcesOptions,
  dependsOn: (resources: readonly pulumi.Resource[]) => pulumi.Input<pulumi.Resource>[],
): { resources: VaultResources; steps: (() => void)[] } {
  const prefix = options.namePrefix ?? 'vault';
  const name = (suffix: string) => `${prefix}-${suffix.replace(/\//g, '-')}`;
  const opts: pulumi.CustomResourceOptions = { parent: options.parent, provider: options.provider };
  const resources: VaultResources = {
    policies: [],
    roles: [],
    authBackends: [],
    authBackendConfigs: [],
    kvMounts: [],
    databaseRoles: [],
    audits: [],
  };
  const steps: (() => void)[] = [];
  let own: OwnSetup | undefined;
  const setup = options.ownSetup;
  if (setup)
    steps.push(() => {
      own = createOwnSetup(plans, setup, name, opts);
      resources.authBackends.push(...own.authBackends);
      resources.authBackendConfigs.push(...own.authConfigs);
      resources.kvMounts.push(...own.kvMounts);
      resources.databaseRoles.push(...own.databaseRoles);
      resources.audits.push(...own.audits);
    });
  for (const plan of plans) {
    const base = vaultBaseName(plan.namespace, plan.agent);
    steps.push(() => {
      resources.policies.push(
        new vault.Policy(
          name(`policy-${base}`),
          { name: plan.policyName, policy: plan.policyHcl },
          { ...opts, dependsOn: dependsOn([]) },
        ),
      );
    });
    steps.push(() => {
      const policy = resources.policies[resources.policies.length - 1];
      const authIndex = own ? own.authMounts.indexOf(plan.role.backend) : -1;
      resources.roles.push(
        new vault.kubernetes.AuthBackendRole(
          name(`role-${base}`),
          authBackendRoleArgs(
            plan.role,
            authIndex >= 0 && own ? own.authBackends[authIndex].path : plan.role.backend,
            policy.name,
          ),
          { ...opts, dependsOn: dependsOn(own ? own.authConfigs : []) },
        ),
      );
    });
  }
  return { resources, steps };
}
