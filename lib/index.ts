/**
 * The library's public face, one namespace per concern. Import a folder directly
 * (`agent-baseline/lib/workload`) for flat names; `lib/pulumi` is left out here so the cdk8s path
 * never loads the Pulumi SDK.
 */
export * as core from './core';
export * as platform from './platform';
export * as namespace from './namespace';
export * as agentPod from './agent-pod';
export * as workload from './workload';
export * as network from './network';
export * as rbac from './rbac';
export * as vault from './vault';
export * as imagePolicy from './image-policy';
export * as guardrails from './guardrails';
export * as identity from './identity';
export * as audit from './audit';
export * as rules from './rules';
export * as gateway from './gateway';
export * as privacy from './privacy';
