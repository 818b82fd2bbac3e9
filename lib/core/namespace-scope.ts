/**
 * What modules below lib/namespace (lib/network) need of an agent namespace, as an interface, so
 * they find the namespace they live in without importing AgentNamespace (which imports them).
 */
import { IConstruct } from 'constructs';
import { invalidProp } from './errors';

/** An agent namespace as seen from inside it. `AgentNamespace` implements it. */
export interface IAgentNamespace extends IConstruct {
  /** The Kubernetes namespace name. */
  readonly name: string;
  /** The labels of an object the namespace owns, for one component (`mesh`, `quota`, ...). */
  commonLabels(component: string): Record<string, string>;
}

/**
 * Set on every AgentNamespace. A registered symbol, not `instanceof`: cdk8s makes `instanceof`
 * true for any Chart, and two copies of this library in one app must still recognise each other.
 */
export const AGENT_NAMESPACE_BRAND = Symbol.for('agent-baseline.AgentNamespace');

/** True for AgentNamespace instances. */
export function isAgentNamespaceScope(x: unknown): x is IAgentNamespace {
  return typeof x === 'object' && x !== null && AGENT_NAMESPACE_BRAND in x;
}

/** The nearest agent namespace above `scope`; throws when there is none. */
export function findAgentNamespace(scope: IConstruct): IAgentNamespace {
  for (const s of [...scope.node.scopes].reverse()) {
    if (isAgentNamespaceScope(s)) return s;
  }
  return invalidProp(
    scope,
    'scope',
    scope.node.path,
    'a construct nested inside an AgentNamespace',
    'agents live in an agent namespace',
  );
}
