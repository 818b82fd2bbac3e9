/** docs/gdpr.md's example is real code: it equals test/gdpr/example.ts (tsc checks it) and synthesizes. */
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { recordOfProcessing } from '../../lib/privacy';
import { GDPR_PACK } from '../../lib/rules/packs/gdpr';
import { appObjects, findObject } from '../helpers/synth';
import { build } from './example';

const DOC = path.join(__dirname, '..', '..', 'docs', 'gdpr.md');
const EXAMPLE = path.join(__dirname, 'example.ts');

describe('docs/gdpr.md', () => {
  test('its first code block is test/gdpr/example.ts with package imports', () => {
    const block = /```ts\n([\s\S]*?)```/.exec(fs.readFileSync(DOC, 'utf8'))?.[1];
    expect(block).toBeDefined();
    expect(block!.replace(/from 'agent-baseline\/lib\//g, "from '../../lib/")).toBe(fs.readFileSync(EXAMPLE, 'utf8'));
  });

  test('the example synthesizes with the declaration on its objects and in the record', () => {
    const app = build(Testing.app());
    const objects = appObjects(app);
    expect(findObject(objects, 'Deployment', 'support-bot').metadata.labels).toMatchObject({
      'privacy.agent-baseline.dev/personal-data': 'true',
      'privacy.agent-baseline.dev/retention-days': '90',
    });
    expect(recordOfProcessing(app).entries[0].recipients).toEqual([
      { kind: 'cidr', endpoint: '203.0.113.0/24', region: 'eu', ports: ['TCP/443'] },
    ]);
  });

  test('documents every gdpr rule', () => {
    const doc = fs.readFileSync(DOC, 'utf8');
    for (const rule of GDPR_PACK.rules) expect(doc).toContain(`\`${rule.id}\``);
  });
});
