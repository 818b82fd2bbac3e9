/**
 * Dumps full rule reports over every fixture, the default platform and a scale platform, so that a
 * change to the rule engine can be checked finding for finding against another commit:
 *   npx tsx bench/equivalence.ts OUT.json   (run on both commits, then compare the files)
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Testing } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { DEFAULT_PACKS, KubeObject, packNames, runRules } from '../lib/rules';
import { buildScalePlatform } from './fixture';
import { buildDefaultPlatform } from '../stacks/platform';
import { DEFAULT_PLATFORM_CONFIG } from '../stacks/config';
import { writeScanRepo } from './scan-repo-fixture';

const now = new Date('2026-06-01T00:00:00Z');
const objectsOf = (app: App): KubeObject[] => app.charts.flatMap((c) => c.toJson() as KubeObject[]);

function yamlFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) return yamlFiles(p);
      return /\.ya?ml$/.test(e.name) ? [p] : [];
    });
}

const inputs: [string, KubeObject[]][] = [];
const fixtures = yamlFiles(path.join(__dirname, '..', 'test', 'fixtures'));
for (const file of fixtures) {
  try {
    const docs = parseAllDocuments(fs.readFileSync(file, 'utf8'));
    const objs = (Array.isArray(docs) ? docs : [docs])
      .map((d) => d.toJS() as unknown)
      .filter((o): o is KubeObject => typeof o === 'object' && o !== null && !Array.isArray(o));
    if (objs.length) inputs.push([path.relative(path.join(__dirname, '..'), file), objs]);
  } catch {
    // not YAML we can read: skipped alike on both commits
  }
}
// All fixtures together, so cross-object rules see many objects.
inputs.push(['all-fixtures', inputs.flatMap(([, o]) => o)]);
{
  const app = Testing.app();
  buildDefaultPlatform(app, DEFAULT_PLATFORM_CONFIG);
  inputs.push(['default-platform', objectsOf(app)]);
}
{
  const app = Testing.app();
  buildScalePlatform(app, 60);
  inputs.push(['scale-60', objectsOf(app)]);
}
{
  const dir = fs.mkdtempSync('/tmp/eqrepo-');
  writeScanRepo(dir, 400_000);
  const objs = yamlFiles(dir).flatMap((f) =>
    parseAllDocuments(fs.readFileSync(f, 'utf8')).map((d) => d.toJS() as KubeObject),
  );
  inputs.push(['scan-repo', objs]);
  fs.rmSync(dir, { recursive: true });
}

// One line per report (the whole file would not fit in one string).
const fd = fs.openSync(process.argv[2], 'w');
let count = 0;
const emit = (key: string, run: () => unknown): void => {
  let report: unknown;
  try {
    report = run();
  } catch (err) {
    report = { error: String(err) };
  }
  fs.writeSync(fd, `${JSON.stringify({ key, report })}\n`);
  count++;
};
for (const [name, objs] of inputs) {
  for (const packs of [DEFAULT_PACKS, packNames()])
    emit(`${name} [${packs.join(',')}]`, () => runRules(objs, { packs, now }));
  emit(`${name} [pss v1.24, sandbox]`, () => runRules(objs, { now, pssVersion: 'v1.24', requireSandbox: true }));
}
fs.closeSync(fd);
process.stdout.write(`${count} reports\n`);
