import { k8s } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { MANAGED_BY, requireOneOf } from '../core';
import { AgentPlatform } from '../platform/platform';
import { SANDBOX_KINDS, SANDBOX_RUNTIME_CLASSES, SandboxKind } from '../common/guardrail-constants';
import { KubeRuntimeClass } from '../platform/api-object';

/** Checks a sandbox name and returns the RuntimeClass name an agent runs under. */
export function sandboxRuntimeClassName(scope: IConstruct | string, field: string, sandbox: unknown): string {
  return SANDBOX_RUNTIME_CLASSES[requireOneOf<SandboxKind>(scope, field, sandbox, SANDBOX_KINDS)].name;
}

/**
 * Emits the sandbox's RuntimeClass (`node.k8s.io/v1`) in the platform chart, once. Skip it where
 * the provider installs its own (GKE Sandbox ships `gvisor`).
 */
export function addSandboxRuntimeClass(platform: AgentPlatform, sandbox: SandboxKind): k8s.KubeRuntimeClass {
  const { name, handler } =
    SANDBOX_RUNTIME_CLASSES[requireOneOf<SandboxKind>(platform, 'sandbox', sandbox, SANDBOX_KINDS)];
  const id = `RuntimeClass-${name}`;
  const existing = platform.node.tryFindChild(id);
  if (existing) return existing as k8s.KubeRuntimeClass;
  return new KubeRuntimeClass(platform, id, {
    metadata: {
      name,
      labels: { 'app.kubernetes.io/managed-by': MANAGED_BY, 'app.kubernetes.io/component': 'sandbox' },
    },
    handler,
  });
}
