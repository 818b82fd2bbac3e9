import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { auditPolicyFor, renderAuditPolicy, writeAuditPolicy } from '../../lib/audit';
import { synthDefaultPlatform } from '../helpers/synth';

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'update', 'patch', 'delete', 'deletecollection'];

describe('audit policy', () => {
  test('the default platform: exact rules, in order', () => {
    const { app } = synthDefaultPlatform();
    expect(auditPolicyFor(app)).toEqual({
      apiVersion: 'audit.k8s.io/v1',
      kind: 'Policy',
      omitStages: ['RequestReceived'],
      omitManagedFields: true,
      rules: [
        // 1. Credentials first, without bodies: an agent reading a Secret must not fall through to rule 7.
        {
          level: 'Metadata',
          resources: [
            { group: '', resources: ['secrets', 'configmaps', 'serviceaccounts/token'] },
            { group: 'authentication.k8s.io', resources: ['tokenreviews'] },
          ],
        },
        // 2-5. Read-only system noise.
        { level: 'None', nonResourceURLs: ['/healthz*', '/livez*', '/readyz*', '/version', '/openapi*'] },
        { level: 'None', users: ['system:kube-proxy'], verbs: READ },
        { level: 'None', userGroups: ['system:nodes'], verbs: READ },
        {
          level: 'None',
          users: ['system:kube-scheduler', 'system:kube-controller-manager', 'system:apiserver'],
          verbs: READ,
        },
        // 6. Interactive pod access.
        {
          level: 'RequestResponse',
          resources: [{ group: '', resources: ['pods/exec', 'pods/attach', 'pods/portforward'] }],
        },
        // 7. RBAC and policy changes.
        {
          level: 'RequestResponse',
          verbs: WRITE,
          resources: [
            { group: 'rbac.authorization.k8s.io' },
            { group: 'admissionregistration.k8s.io' },
            { group: '', resources: ['namespaces', 'resourcequotas', 'limitranges', 'serviceaccounts'] },
            { group: 'networking.k8s.io', resources: ['networkpolicies'] },
            { group: 'security.istio.io' },
            { group: 'node.k8s.io', resources: ['runtimeclasses'] },
          ],
        },
        // 8. Everything the agents do.
        {
          level: 'RequestResponse',
          users: ['system:serviceaccount:agents:assistant', 'system:serviceaccount:agents:tool-runner'],
        },
        // 9. Namespaces where agents declare personal data (GDPR Art. 30, 32).
        { level: 'Metadata', namespaces: ['agents'] },
        // 10. Catch-all.
        { level: 'Metadata' },
      ],
    });
  });

  test('without agents there is no agent rule, and usernames are deduplicated and sorted', () => {
    expect(renderAuditPolicy({ agentUsernames: [] }).rules.map((r) => r.level)).toEqual([
      'Metadata',
      'None',
      'None',
      'None',
      'None',
      'RequestResponse',
      'RequestResponse',
      'Metadata',
    ]);
    const rules = renderAuditPolicy({
      agentUsernames: ['system:serviceaccount:b:x', 'system:serviceaccount:a:y', 'system:serviceaccount:b:x'],
    }).rules;
    expect(rules[rules.length - 2]).toEqual({
      level: 'RequestResponse',
      users: ['system:serviceaccount:a:y', 'system:serviceaccount:b:x'],
    });
  });

  test('is written to <outdir>/audit/audit-policy.yaml as plain YAML', () => {
    const { app } = synthDefaultPlatform();
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-'));
    const file = writeAuditPolicy(app, outdir);
    expect(file).toBe(path.join(outdir, 'audit', 'audit-policy.yaml'));
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toMatch(/[&*]a\d/); // no YAML anchors or aliases
    expect(parse(text)).toEqual(auditPolicyFor(app));
  });
});
