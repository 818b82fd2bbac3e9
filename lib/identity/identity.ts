import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { checkProps, invalidProp, requireDnsLabel, requireNonEmptyString } from '../core';
import { IDENTITY_PROPS_SCHEMA } from './schema';
import type { HardenedAgent } from '../workload/agent';
import { JwtIdentity, renderEdgeIdentity } from './render';

/** Who may call an agent: a JWT issuer, its keys, audiences and the claims a token must carry. */
export type EdgeIdentityProps = JwtIdentity;

const CLAIM_NAME = /^[A-Za-z0-9_.:-]{1,128}$/;
const CLAIM_VALUE = /^[^\s*]{1,256}$/;

/**
 * JWT authentication at the agent's edge. With Istio, a RequestAuthentication validates tokens and
 * a DENY AuthorizationPolicy refuses calls without a valid token from the issuer, from other
 * namespaces, or without the required claims and scopes. Without a mesh nothing in the cluster
 * could enforce it, so it is refused.
 */
export class AgentEdgeIdentity extends Construct {
  public readonly requestAuthentication: ApiObject;
  public readonly authorizationPolicy: ApiObject;

  constructor(agent: HardenedAgent, id: string, props: EdgeIdentityProps) {
    super(agent, id);
    checkProps(agent, IDENTITY_PROPS_SCHEMA, props, 'identity');
    if (agent.platform.settings.mesh !== 'istio') {
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
    this.requestAuthentication = new ApiObject(this, 'RequestAuthentication', ra);
    this.authorizationPolicy = new ApiObject(this, 'AuthorizationPolicy', ap);
  }
}

function checkHttpsUrl(scope: Construct, field: string, value: unknown): string {
  requireNonEmptyString(scope, field, value, 2048);
  if (!/^https:\/\/[^\s/]+(\/\S*)?$/.test(value as string)) {
    invalidProp(scope, field, value, 'an https:// URL', 'keys or issuers over plain HTTP can be forged in transit');
  }
  return value as string;
}

function checkValues(scope: Construct, field: string, values: unknown): string[] {
  if (!Array.isArray(values) || values.length === 0) invalidProp(scope, field, values, 'a non-empty list of values');
  values.forEach((v, i) => {
    if (typeof v !== 'string' || !CLAIM_VALUE.test(v))
      invalidProp(
        scope,
        `${field}[${i}]`,
        v,
        "a value without whitespace or '*'",
        'a wildcard would accept any token of the issuer',
      );
  });
  return values as string[];
}

function checkIdentity(scope: Construct, p: EdgeIdentityProps): JwtIdentity {
  const issuer = requireNonEmptyString(scope, 'identity.issuer', p.issuer, 2048);
  if (/[\s*]/.test(issuer)) invalidProp(scope, 'identity.issuer', issuer, "an issuer without whitespace or '*'");
  const requiredClaims: Record<string, string[]> = {};
  for (const [claim, values] of Object.entries(p.requiredClaims ?? {})) {
    if (!CLAIM_NAME.test(claim))
      invalidProp(
        scope,
        `identity.requiredClaims.${claim}`,
        claim,
        "a claim name of letters, digits, '_', '.', ':' and '-'",
      );
    requiredClaims[claim] = checkValues(scope, `identity.requiredClaims.${claim}`, values);
  }
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
