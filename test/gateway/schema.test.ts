import { synthDefaultPlatform } from '../helpers/synth';
import { crdErrors, hasPinnedSchema } from './schemas';

describe('gateway objects validate against the pinned upstream CRDs', () => {
  const { objects } = synthDefaultPlatform();
  const pinned = objects.filter(hasPinnedSchema);

  test('the default platform emits every pinned kind', () => {
    expect([...new Set(pinned.map((o) => o.kind))].sort()).toEqual([
      'BackendTrafficPolicy',
      'Certificate',
      'Gateway',
      'HTTPRoute',
      'SecurityPolicy',
    ]);
  });

  test.each(pinned.map((o) => [`${o.kind} ${o.metadata.namespace}/${o.metadata.name}`, o] as const))(
    '%s',
    (_name, obj) => {
      expect(crdErrors(obj)).toEqual([]);
    },
  );

  test('the validator catches what the API server refuses', () => {
    const policy = pinned.find((o) => o.kind === 'SecurityPolicy')!;
    const spec = policy.spec as Record<string, unknown>;
    const oidc = spec.oidc as Record<string, unknown>;
    expect(
      crdErrors({ ...policy, spec: { ...spec, oidc: { ...oidc, cookieConfig: { sameSite: 'Sometimes' } } } }),
    ).toEqual([expect.stringContaining('/spec/oidc/cookieConfig/sameSite must be equal to one of the allowed values')]);
    expect(
      crdErrors({ ...policy, spec: { ...spec, targetRefs: [{ group: 'apps', kind: 'Deployment', name: 'x' }] } }),
    ).toEqual(expect.arrayContaining([expect.stringContaining('targetRefs[*].group of gateway.networking.k8s.io')]));
    const certificate = pinned.find((o) => o.kind === 'Certificate')!;
    const noIssuer: Record<string, unknown> = { ...(certificate.spec as Record<string, unknown>) };
    delete noIssuer.issuerRef;
    expect(crdErrors({ ...certificate, spec: noIssuer })).toEqual([
      expect.stringContaining("must have required property 'issuerRef'"),
    ]);
    const gateway = pinned.find((o) => o.kind === 'Gateway')!;
    const gspec = gateway.spec as { listeners: Record<string, unknown>[] };
    const httpWithTls = {
      ...gateway,
      spec: { ...gspec, listeners: [gspec.listeners[0], { ...gspec.listeners[1], tls: gspec.listeners[0].tls }] },
    };
    expect(crdErrors(httpWithTls)).toEqual(
      expect.arrayContaining([expect.stringContaining('tls must not be specified for protocols')]),
    );
  });
});
