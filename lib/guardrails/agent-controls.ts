import { invalidProp } from '../core';
import type { IAgentPod } from '../agent-pod/contract';
import { podPlumbing } from '../agent-pod/plumbing';
import { RUNS_GENERATED_CODE_LABEL, SandboxKind } from '../common/guardrail-constants';
import { AgentGuardrails, AgentGuardrailsProps } from './guardrails';
import { sandboxRuntimeClassName } from './sandbox';

/** The agent props this module acts on. */
export interface AgentControlProps {
  /**
   * Sandboxed runtime (gVisor or Kata) the agent's pods run under, via their RuntimeClass. @default undefined
   * (meaning the cluster's default runtime)
   */
  readonly sandbox?: SandboxKind;
  /** The agent runs generated or untrusted code: labels it, and requires `sandbox`. @default false */
  readonly runsGeneratedCode?: boolean;
  /**
   * Bounds on the Jobs the agent may create. @default undefined (meaning no guardrails: no admission policy
   * or Job quota share)
   */
  readonly guardrails?: AgentGuardrailsProps;
}

/** Applies an agent's sandbox, generated-code marker and guardrails. Called by every agent shape. */
export function applyAgentControls(agent: IAgentPod, props: AgentControlProps): AgentGuardrails | undefined {
  const plumbing = podPlumbing(agent);
  if (props.sandbox !== undefined)
    plumbing.setRuntimeClassName(sandboxRuntimeClassName(agent, 'sandbox', props.sandbox));
  if (props.runsGeneratedCode) {
    if (props.sandbox === undefined) {
      invalidProp(
        agent,
        'sandbox',
        props.sandbox,
        "'gvisor' or 'kata' for an agent with runsGeneratedCode",
        'generated code would share the node kernel with a plain container runtime',
      );
    }
    plumbing.addWorkloadLabel(RUNS_GENERATED_CODE_LABEL, 'true');
  }
  return props.guardrails ? new AgentGuardrails(agent, 'Guardrails', props.guardrails) : undefined;
}
