/** docs/gateway.md's example is real code: it equals test/gateway/example.ts (tsc checks it) and synthesizes. */
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { appObjects } from '../helpers/synth';
import { build } from './example';
import { crdErrors, hasPinnedSchema } from './schemas';

const DOC = path.join(__dirname, '..', '..', 'docs', 'gateway.md');
const EXAMPLE = path.join(__dirname, 'example.ts');

describe('docs/gateway.md', () => {
  test('its first code block is test/gateway/example.ts with package imports', () => {
    const block = /```ts\n([\s\S]*?)```/.exec(fs.readFileSync(DOC, 'utf8'))?.[1];
    expect(block).toBeDefined();
    const asInRepo = block!.replace(/from 'agent-baseline\/([a-z-]+)'/g, "from '../../lib/$1'");
    expect(asInRepo).toBe(fs.readFileSync(EXAMPLE, 'utf8'));
  });

  test('the example synthesizes the agent behind OIDC, with valid gateway objects', () => {
    const app = build(Testing.app());
    app.synth();
    const objects = appObjects(app);
    const policy = objects.find((o) => o.kind === 'SecurityPolicy') as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(policy.metadata).toMatchObject({ name: 'researcher-edge-auth', namespace: 'research' });
    expect(policy.spec.oidc).toMatchObject({
      clientID: 'researcher-web',
      redirectURL: 'https://research.example.com/oauth2/callback',
      cookieConfig: { sameSite: 'Lax' },
    });
    for (const o of objects.filter(hasPinnedSchema)) expect([o.kind, crdErrors(o)]).toEqual([o.kind, []]);
  });
});
