/**
 * Labels and annotations of the guardrails, as plain data: the rule engine imports them without
 * depending on cdk8s.
 */
import { ANNOTATION_PREFIX } from '../core/baseline';

/** Label every workload an agent creates must carry, naming the agent. */
export const CREATED_BY_LABEL = `${ANNOTATION_PREFIX}created-by`;

/** Annotation an approver adds to an agent-created Job; its value is the approver's username. */
export const APPROVAL_ANNOTATION = `${ANNOTATION_PREFIX}approved-by`;

/**
 * Label on an agent that runs generated or untrusted code. Such an agent must run in a sandbox
 * (gVisor or Kata); the `agent` rule pack checks that `runtimeClassName` is set wherever it is present.
 */
export const RUNS_GENERATED_CODE_LABEL = `${ANNOTATION_PREFIX}runs-generated-code`;

/** Label on the agent that is the platform's LLM gateway. */
export const LLM_GATEWAY_LABEL = `${ANNOTATION_PREFIX}llm-gateway`;

/** A sandboxed container runtime: gVisor or Kata Containers. */
export type SandboxKind = 'gvisor' | 'kata';
/** Every {@link SandboxKind}, for validating props. */
export const SANDBOX_KINDS: readonly SandboxKind[] = ['gvisor', 'kata'];

/** RuntimeClass name and CRI handler of each sandbox (the names GKE Sandbox and Kata's Helm chart use). */
export const SANDBOX_RUNTIME_CLASSES: Readonly<
  Record<SandboxKind, { readonly name: string; readonly handler: string }>
> = {
  gvisor: { name: 'gvisor', handler: 'runsc' },
  kata: { name: 'kata', handler: 'kata' },
};

/** Upper bounds an agent's Job may declare unless the agent's guardrails say otherwise. */
export const DEFAULT_MAX_ACTIVE_DEADLINE_SECONDS = 3600;
/** Default bound on a created Job's `ttlSecondsAfterFinished`: one day. */
export const DEFAULT_MAX_TTL_SECONDS_AFTER_FINISHED = 86400;
/** Default number of Jobs an agent may have at once. */
export const DEFAULT_MAX_JOBS = 5;
