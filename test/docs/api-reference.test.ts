/**
 * The API reference in docs/api is current, and every exported declaration has JSDoc (every
 * optional property an @default). Regenerate with `npm run docs:api`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { API_DIR, buildApiReference } from '../../scripts/api-docs';

const reference = buildApiReference();

test('every export is documented (JSDoc, and @default on optional props)', () => {
  expect(reference.gaps).toEqual([]);
});

test('docs/api is generated from the current sources (npm run docs:api)', () => {
  const onDisk = fs
    .readdirSync(API_DIR)
    .filter((f) => f.endsWith('.md'))
    .sort();
  expect(onDisk).toEqual([...reference.pages.keys()].sort());
  for (const [file, content] of reference.pages) {
    expect([file, fs.readFileSync(path.join(API_DIR, file), 'utf8')]).toEqual([file, content]);
  }
});

test('the reference covers every entry point and documents the main constructs', () => {
  expect(reference.pages.get('workload.md')).toMatch(/## HardenedAgent\n\nclass — /);
  expect(reference.pages.get('platform.md')).toMatch(/## AgentPlatform\n\nclass/);
  expect(reference.pages.get('README.md')).toMatch(/\| `agent-baseline\/pulumi` \| \[pulumi.md\]\(pulumi.md\) \|/);
});

test('a package name in a comment does not cut the description short (it is in backticks, not read as a tag)', () => {
  expect(reference.pages.get('pulumi.md')).toContain(
    'class — Registers a cdk8s App or Chart with Pulumi: one typed `@pulumi/kubernetes` resource per synthesized object',
  );
  expect(reference.pages.get('core.md')).toMatch(
    /## REGISTRATION_BATCH_SIZE\n\nconst — Resources a registration loop releases to `@pulumi\/pulumi` per event-loop turn/,
  );
});
