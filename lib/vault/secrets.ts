import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { ANNOTATION_PREFIX, INJECTOR_DEFAULT_AGENT_IMAGE, VaultDeliveryMode, checkProps, invalidProp } from '../core';
import { IAgentPod, WORKLOAD_KIND_TRAITS } from '../agent-pod/contract';
import { podPlumbing } from '../agent-pod/plumbing';
import { VAULT_SECRETS_PROPS_SCHEMA } from './schema';
import { SECRET_PROVIDER_CLASS_API_VERSION, csiVolume, secretProviderClassSpec } from './csi';
import { recordVaultAnnotations } from '../platform/records';
import { injectorAnnotations } from './injector';
import {
  MAX_VAULT_TOKEN_TTL_SECONDS,
  VAULT_AUDIENCE,
  VAULT_LOGIN_TOKEN_EXPIRATION_SECONDS,
  VAULT_SECRETS_DIR,
  VAULT_SECRETS_VOLUME,
  VAULT_TOKEN_VOLUME,
  VAULT_AGENT_QUOTA_RESOURCES,
} from './limits';
import {
  VAULT_CONNECTION_NAME,
  VSO_API_VERSION,
  operatorVolume,
  vaultAuthSpec,
  vaultConnectionSpec,
  vaultSecretObject,
} from './operator';
import { VAULT_BASE_NAME_SHAPE, VaultAgentPlan, buildVaultPlan, claimVaultNames, vaultBaseName } from './plan';
import { ResolvedVaultSecrets, resolveVaultSecrets } from './resolve';
import { AgentVaultSecretsProps } from './types';
import { AgentApiObject } from '../platform/api-object';

/** Annotation on a SecretProviderClass whose secrets rotate: the driver must run with rotation enabled. */
export const REQUIRES_ROTATION_ANNOTATION = `${ANNOTATION_PREFIX}requires-csi-secret-rotation`;

const BRAND = Symbol.for('agent-baseline.AgentVaultSecrets');
const CONNECTION_ID = 'VaultConnection';

/**
 * VaultConnections created here, with the text of their spec as written once computed. Their spec
 * is plain data only this module holds, so only a JSON patch can change what is written.
 */
const ownConnections = new WeakMap<ApiObject, { text?: string }>();

/** The namespace connection's spec as written (every operator-mode agent compares its own with it). */
function connectionSpecText(connection: ApiObject): string {
  const own = ownConnections.get(connection);
  if (!own || (connection as AgentApiObject).hasJsonPatches) return JSON.stringify(connection.toJson().spec);
  return (own.text ??= JSON.stringify(connection.toJson().spec));
}

/**
 * The Vault secrets of one agent: validates the declaration, wires the chosen delivery mode into
 * the agent's pod (annotations, token, volume, egress) and holds the Vault side as a plan.
 * Created by an agent shape from its `secrets` prop or `addVaultSecrets()`.
 */
export class AgentVaultSecrets extends Construct {
  /** True when `x` is an AgentVaultSecrets, also one from another copy of the library (checked by brand, not instanceof). */
  public static isAgentVaultSecrets(x: unknown): x is AgentVaultSecrets {
    return typeof x === 'object' && x !== null && BRAND in x;
  }

  /** The Vault declaration of `agent`, if it has one. */
  public static of(agent: IConstruct): AgentVaultSecrets | undefined {
    const child = agent.node.tryFindChild('VaultSecrets');
    return AgentVaultSecrets.isAgentVaultSecrets(child) ? child : undefined;
  }

  /** The validated declaration, every default filled in. */
  public readonly resolved: ResolvedVaultSecrets;
  /** What Vault must hold for this agent: policy, Kubernetes auth role, database roles. */
  public readonly plan: VaultAgentPlan;
  /** The Kubernetes objects this mode adds (VSO resources or the SecretProviderClass). */
  public readonly objects: ApiObject[] = [];

  constructor(agent: IAgentPod, id: string, props: AgentVaultSecretsProps) {
    super(agent, id);
    Object.defineProperty(this, BRAND, { value: true });
    const settings = agent.platform.settings;
    const namespace = agent.namespace.name;
    const baseName = vaultBaseName(namespace, agent.agentName);
    this.resolved = resolveVaultSecrets(agent, props, settings.vaultDeliveryModes, baseName);
    // After the resolver's own screening (literal secret values are refused redacted), the full shape.
    checkProps(agent, VAULT_SECRETS_PROPS_SCHEMA, props, 'secrets');
    if (this.resolved.roleName !== baseName && VAULT_BASE_NAME_SHAPE.test(this.resolved.roleName))
      invalidProp(
        agent,
        'secrets.role.name',
        this.resolved.roleName,
        `this agent's own default '${baseName}', or a name not of the form <namespace>_<agent>`,
        'names of that form are the default role names of other agents',
      );
    this.plan = buildVaultPlan(
      {
        namespace,
        agent: agent.agentName,
        serviceAccountName: agent.serviceAccountName,
        authMount: settings.vault.authMount,
        resolved: this.resolved,
      },
      MAX_VAULT_TOKEN_TTL_SECONDS,
    );
    claimVaultNames(agent.node.root, this.plan, agent.node.path);
    // One wiring per delivery mode: a mode added to VaultDeliveryMode without one does not compile.
    const wiring: Record<VaultDeliveryMode, (agent: IAgentPod) => void> = {
      injector: (a) => this.wireInjector(a),
      operator: (a) => this.wireOperator(a),
      csi: (a) => this.wireCsi(a),
    };
    wiring[this.resolved.mode](agent);
    const plumbing = podPlumbing(agent);
    for (const obj of this.objects) plumbing.addWorkloadDependency(obj);
  }

  private wireInjector(agent: IAgentPod): void {
    const settings = agent.platform.settings;
    const plumbing = podPlumbing(agent);
    if (WORKLOAD_KIND_TRAITS[agent.workloadKind].runsToCompletion) {
      const rotating = this.resolved.secrets.find((s) => s.rotates);
      if (rotating)
        invalidProp(
          agent,
          'secrets.mode',
          'injector',
          `secrets that do not rotate in injector mode ('${rotating.name}' does), or mode 'csi' or 'operator', for a ${agent.workloadKind}`,
          'a rotating secret keeps the Vault Agent sidecar running, so the pod would never complete',
        );
    }
    // Only the injected Vault Agent reads this token (at /var/run/secrets/vault.hashicorp.com/serviceaccount).
    const tokenVolumeName = plumbing.addProjectedServiceAccountToken({
      audience: VAULT_AUDIENCE,
      expirationSeconds: VAULT_LOGIN_TOKEN_EXPIRATION_SECONDS,
      volumeName: VAULT_TOKEN_VOLUME,
      mount: false,
    });
    const annotations = injectorAnnotations({
      roleName: this.resolved.roleName,
      authMount: settings.vault.authMount,
      vaultAddress: settings.vault.address,
      runAsUser: agent.runAsUser,
      runAsGroup: agent.runAsGroup,
      tokenVolumeName,
      agentImage: settings.vault.agentImage,
      kubernetesMinor: settings.kubernetesMinor,
      secrets: this.resolved.secrets,
    });
    plumbing.addPodAnnotations(annotations);
    // The whole-App validation refuses every other vault.hashicorp.com/* annotation on the pod.
    recordVaultAnnotations(agent, annotations);
    // Admission sees the injected containers, so image policies must judge their image too.
    plumbing.addInjectedImage(settings.vault.agentImage ?? INJECTOR_DEFAULT_AGENT_IMAGE, 'vault.agentImage');
    plumbing.addSidecarResources(VAULT_AGENT_QUOTA_RESOURCES);
    // In this mode the pod itself talks to Vault.
    agent.allowEgressToVault();
  }

  private wireOperator(agent: IAgentPod): void {
    const connection = this.resolved.connection.existing === undefined ? this.ensureConnection(agent) : undefined;
    const connectionRef = this.resolved.connection.existing ?? VAULT_CONNECTION_NAME;
    const authName = `${agent.agentName}-vault`;
    const auth = new AgentApiObject(this, 'VaultAuth', {
      apiVersion: VSO_API_VERSION,
      kind: 'VaultAuth',
      metadata: { name: authName, labels: agent.labels },
      spec: vaultAuthSpec({
        connectionRef,
        authMount: agent.platform.settings.vault.authMount,
        roleName: this.resolved.roleName,
        serviceAccount: agent.serviceAccountName,
      }),
    });
    if (connection) auth.addDependency(connection);
    this.objects.push(auth);
    for (const secret of this.resolved.secrets) {
      const { kind, spec } = vaultSecretObject({
        agent: agent.agentName,
        authName,
        labels: agent.labels,
        secret,
        restartTarget: WORKLOAD_KIND_TRAITS[agent.workloadKind].rolloutRestart ? agent.workloadKind : undefined,
      });
      this.objects.push(
        new AgentApiObject(this, `Secret-${secret.name}`, {
          apiVersion: VSO_API_VERSION,
          kind,
          metadata: { name: `${agent.agentName}-${secret.name}`, labels: agent.labels },
          spec,
        }),
      );
    }
    agent.addVolume(operatorVolume(VAULT_SECRETS_VOLUME, agent.agentName, this.resolved.secrets), {
      mountPath: VAULT_SECRETS_DIR,
      readOnly: true,
    });
  }

  /** One VaultConnection per namespace, shared by its operator-mode agents. */
  private ensureConnection(agent: IAgentPod): ApiObject {
    const ns = agent.namespace;
    const caCertSecretRef = this.resolved.connection.caCertSecretRef;
    const spec = vaultConnectionSpec(agent.platform.settings.vault.address, caCertSecretRef);
    const existing = ns.node.tryFindChild(CONNECTION_ID) as ApiObject | undefined;
    if (existing) {
      const current = connectionSpecText(existing);
      if (current !== JSON.stringify(spec))
        invalidProp(
          agent,
          'secrets.connection.caCertSecretRef',
          caCertSecretRef,
          `the settings of the namespace's VaultConnection '${VAULT_CONNECTION_NAME}' (${current}), or connection.existing`,
        );
      return existing;
    }
    const connection = new AgentApiObject(ns, CONNECTION_ID, {
      apiVersion: VSO_API_VERSION,
      kind: 'VaultConnection',
      metadata: { name: VAULT_CONNECTION_NAME, labels: ns.commonLabels('vault') },
      spec,
    });
    ownConnections.set(connection, {});
    return connection;
  }

  private wireCsi(agent: IAgentPod): void {
    const settings = agent.platform.settings;
    const name = `${agent.agentName}-vault`;
    const rotates = this.resolved.secrets.some((s) => s.rotates);
    this.objects.push(
      new AgentApiObject(this, 'SecretProviderClass', {
        apiVersion: SECRET_PROVIDER_CLASS_API_VERSION,
        kind: 'SecretProviderClass',
        metadata: {
          name,
          labels: agent.labels,
          annotations: rotates ? { [REQUIRES_ROTATION_ANNOTATION]: 'true' } : undefined,
        },
        spec: secretProviderClassSpec({
          roleName: this.resolved.roleName,
          vaultAddress: settings.vault.address,
          authMount: settings.vault.authMount,
          secrets: this.resolved.secrets,
        }),
      }),
    );
    agent.addVolume(csiVolume(VAULT_SECRETS_VOLUME, name), { mountPath: VAULT_SECRETS_DIR, readOnly: true });
  }
}
