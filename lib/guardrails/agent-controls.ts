import { invalidProp } from '../core';
import type { HardenedAgent } from '../workload/agent';
import { RUNS_GENERATED_CODE_LABEL, SandboxKind } from '../shared/guardrail-constants';
import { AgentGuardrails, AgentGuardrailsProps } from './guardrails';
import { sandboxRuntimeClassName } from './sandbox';

/** The agent props this module acts on. */
export interface AgentControlProps {
  readonly sandbox?: SandboxKind;
  readonly runsGeneratedCode?: boolean;
  readonly guardrails?: AgentGuardrailsProps;
}

/** Applies an agent's sandbox, generated-code marker and guardrails. Called by HardenedAgent. */
export function applyAgentControls(agent: HardenedAgent, props: AgentControlProps): AgentGuardrails | undefined {
  if (props.sandbox !== undefined) agent.setRuntimeClassName(sandboxRuntimeClassName(agent, 'sandbox', props.sandbox));
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
    agent.deployment.metadata.addLabel(RUNS_GENERATED_CODE_LABEL, 'true');
  }
  return props.guardrails ? new AgentGuardrails(agent, 'Guardrails', props.guardrails) : undefined;
}
