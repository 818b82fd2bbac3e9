import { Construct } from 'constructs';
import { AgentPod, AgentPodShape } from '../agent-pod/pod';
import { AgentPodProps, AgentServingProps } from '../agent-pod/props';
import { applyAgentControls } from '../guardrails/agent-controls';
import { AgentGuardrails } from '../guardrails/guardrails';
import { AgentEdgeIdentity } from '../identity/identity';
import { invalidProp } from '../core';
import { AgentVaultSecrets } from '../vault/secrets';
import { AgentVaultSecretsProps } from '../vault/types';
import { AgentServingFeatureProps } from './props';

/**
 * An AgentPod with the features wired in through the pod contract: sandbox and guardrails, the
 * identity check at its edge, and Vault secrets. Every agent shape extends it.
 */
export abstract class AgentWorkload extends AgentPod {
  private agentGuardrails?: AgentGuardrails;

  protected constructor(scope: Construct, id: string, props: AgentPodProps & AgentServingProps, shape: AgentPodShape) {
    super(scope, id, props, shape);
  }

  /** Bounds on what the agent creates, when it declares `guardrails`. */
  public get guardrails(): AgentGuardrails | undefined {
    return this.agentGuardrails;
  }

  /**
   * Delivers secrets from Vault as read-only files under /vault/secrets, through the injector, the
   * Vault Secrets Operator or the CSI driver; see lib/vault. One declaration per agent.
   */
  public addVaultSecrets(props: AgentVaultSecretsProps): AgentVaultSecrets {
    const existing = AgentVaultSecrets.of(this);
    if (existing)
      invalidProp(this, 'secrets', props, 'one Vault declaration per agent: list every secret in its items');
    return new AgentVaultSecrets(this, 'VaultSecrets', props);
  }

  /** Last step of a shape's constructor: sandbox, guardrails, identity, then Vault secrets. */
  protected applyFeatures(props: AgentServingFeatureProps): void {
    this.agentGuardrails = applyAgentControls(this, props);
    if (props.identity) new AgentEdgeIdentity(this, 'Identity', props.identity);
    if (props.secrets) this.addVaultSecrets(props.secrets);
  }
}
