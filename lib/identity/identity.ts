import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { MESH_CAPABILITIES, checkProps, invalidProp, requireDnsLabel } from '../core';
import type { IAgentPod } from '../agent-pod/contract';
import { IDENTITY_PROPS_SCHEMA } from './schema';
import { checkHttpsUrl, checkIssuer, checkRequiredClaims, checkValues } from './jwt-checks';
import { JwtIdentity, renderEdgeIdentity } from './render';
import { AgentApiObject } from '../platform/api-object';

/** Who may call an agent: a JWT issuer, its keys, audiences and the claims a token must carry. */
export type EdgeIdentityProps = JwtIdentity;

/**
 * JWT authentication at the agent's edge. With Istio, a RequestAuthentication validates tokens and
 * a DENY AuthorizationPolicy refuses calls without a valid token from the issuer, from other
 * namespaces, or without the required claims and scopes. Without a mesh nothing in the cluster
 * could enforce it, so it is refused.
 */
export class AgentEdgeIdentity extends Construct {
  /** The RequestAuthentication that validates tokens of the issuer at the agent's sidecar. */
  public readonly requestAuthentication: ApiObject;
  /**
   * The DENY AuthorizationPolicy that refuses calls without a valid token, from other namespaces, or missing
   * required claims or scopes.
   */
  public readonly authorizationPolicy: ApiObject;

  constructor(agent: IAgentPod, id: string, props: EdgeIdentityProps) {
    super(agent, id);
    checkProps(agent, IDENTITY_PROPS_SCHEMA, props, 'identity');
    if (!MESH_CAPABILITIES[agent.platform.settings.mesh].jwtAtEdge) {
      invalidProp(
        this,
        'identity',
        props.issuer,
        "a platform with mesh: 'istio', or no identity here and an authenticating gateway (OIDC/JWT-validating ingress or API gateway) in front of the agent",
        'without a mesh nothing would check the tokens and the agent would accept anonymous calls',
      );
    }
    if (agent.ports.length === 0)
      invalidProp(
        this,
        'identity',
        props.issuer,
        'an agent that declares ports',
        'an agent without ports takes no calls',
      );
    const identity = checkIdentity(this, props);
    const [ra, ap] = renderEdgeIdentity(
      {
        agentName: agent.agentName,
        namespace: agent.namespace.name,
        selectorLabels: agent.selectorLabels,
        labels: agent.labels,
      },
      identity,
    );
    this.requestAuthentication = new AgentApiObject(this, 'RequestAuthentication', ra);
    this.authorizationPolicy = new AgentApiObject(this, 'AuthorizationPolicy', ap);
  }
}

function checkIdentity(scope: Construct, p: EdgeIdentityProps): JwtIdentity {
  const issuer = checkIssuer(scope, 'identity.issuer', p.issuer);
  const requiredClaims = checkRequiredClaims(scope, 'identity.requiredClaims', p.requiredClaims);
  return {
    issuer,
    jwksUri: checkHttpsUrl(scope, 'identity.jwksUri', p.jwksUri),
    audiences: checkValues(scope, 'identity.audiences', p.audiences),
    requiredClaims,
    requiredScopes:
      p.requiredScopes === undefined ? [] : checkValues(scope, 'identity.requiredScopes', p.requiredScopes),
    fromNamespaces: (p.fromNamespaces ?? []).map((n, i) => requireDnsLabel(scope, `identity.fromNamespaces[${i}]`, n)),
  };
}
