/**
 * The Pulumi program (Pulumi.yaml's `main`): the same construct tree main.ts synthesizes, built in
 * memory from the stack config and registered through `@pulumi/kubernetes` and `@pulumi/vault`.
 */
import * as pulumi from '@pulumi/pulumi';
import { App } from 'cdk8s';
import { PulumiPlatform } from 'agent-baseline/pulumi';
import { buildDefaultPlatform } from './platform';
import { readPlatformConfig, readVaultOwnSetup } from './pulumi-config';

const stackConfig = new pulumi.Config();
const config = readPlatformConfig(stackConfig);
// An App writes nothing until synth(), which this program never calls.
const app = new App();
buildDefaultPlatform(app, config);
const platform = new PulumiPlatform('agent-baseline', { app, vaultOwnSetup: readVaultOwnSetup(stackConfig) });

/** Keys of the Kubernetes objects the stack manages. */
export const kubernetesObjects = platform.plan.map((p) => p.key);
/**
 * Names of the Vault policies the stack manages, read once every resource exists: reading
 * `platform.vault` at once would create every resource in this turn (see PulumiPlatform).
 */
export const vaultPolicies = pulumi.output(platform.created.then(() => platform.vault.policies.map((p) => p.name)));
