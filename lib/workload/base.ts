import { Construct } from 'constructs';
import { AgentPod, AgentPodShape } from '../agent-pod/pod';
import { AgentPodProps, AgentServingProps } from '../agent-pod/props';
import { applyAgentControls } from '../guardrails/agent-controls';
import { AgentGuardrails } from '../guardrails/guardrails';
import { AgentEdgeIdentity } from '../identity/identity';
import { invalidProp, privacyAnnotations } from '../core';
import { podPlumbing } from '../agent-pod/plumbing';
import { recordBaselinePieces } from '../platform/records';
import { AgentVaultSecrets } from '../vault/secrets';
import { AgentVaultSecretsProps } from '../vault/types';
import { AgentServingFeatureProps } from './props';

/**
 * An AgentPod with the features wired in through the pod contract: sandbox and guardrails, the
 * identity check at its edge, and Vault secrets. Every agent shape extends it.
 */
const SECONDS_PER_DAY = 86400;

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
    this.annotateDataDeclaration();
    if (this.dataDeclaration?.specialCategory && props.sandbox === undefined) {
      invalidProp(
        this,
        'sandbox',
        props.sandbox,
        "'gvisor' or 'kata' for an agent with special-category data",
        'special-category data (GDPR Art. 9) needs protection beyond a plain container runtime (Art. 32)',
      );
    }
    this.agentGuardrails = applyAgentControls(this, props);
    if (props.identity) new AgentEdgeIdentity(this, 'Identity', props.identity);
    if (props.secrets) this.addVaultSecrets(props.secrets);
    // Removing any object the agent has now (node.tryRemoveChild) fails synth.
    recordBaselinePieces(this);
  }

  /**
   * Retention enforced on a finished run: its TTL is the declared retention, and an explicit TTL
   * longer than it is refused. Without personal data, `ttl` as given.
   */
  protected retentionTtl(field: string, ttl: number | undefined): number | undefined {
    const days = this.dataDeclaration?.personal ? this.dataDeclaration.retentionDays : undefined;
    if (days === undefined) return ttl;
    const max = days * SECONDS_PER_DAY;
    if (ttl !== undefined && ttl > max)
      invalidProp(
        this,
        field,
        ttl,
        `at most ${max} seconds: the declared data.retentionDays (${days})`,
        'a finished run keeps its pod and logs, with the personal data they hold, until the TTL',
      );
    return ttl ?? max;
  }

  /** Free-text parts of the declaration (purposes, lawful basis) on the workload object and its pods; labels carry the rest. */
  private annotateDataDeclaration(): void {
    if (!this.dataDeclaration) return;
    const annotations = privacyAnnotations(this.dataDeclaration);
    if (Object.keys(annotations).length === 0) return;
    podPlumbing(this).addPodAnnotations(annotations);
    for (const [key, value] of Object.entries(annotations)) this.escapeHatch().metadata.addAnnotation(key, value);
  }
}
