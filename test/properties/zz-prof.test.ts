import { Testing } from 'cdk8s';
import fc from 'fast-check';
import { packNames, runRules } from '../../lib/rules';
import { appObjects } from '../helpers/synth';
import { openApiErrors } from '../helpers/openapi';
import { buildScenario, scenario } from './scenario';
test('prof', () => {
  const samples = fc.sample(scenario, { numRuns: 100, seed: 3 });
  const t = { build: 0, objs: 0, yaml: 0, rules: 0, openapi: 0 };
  let n = 0;
  for (const s of samples) {
    let t0 = Date.now();
    const app = Testing.app(); buildScenario(app, s); t.build += Date.now() - t0; t0 = Date.now();
    const objs = appObjects(app); n += objs.length; t.objs += Date.now() - t0; t0 = Date.now();
    require('cdk8s').Yaml.stringify(...objs); t.yaml += Date.now() - t0; t0 = Date.now();
    runRules(objs, { packs: packNames() }); t.rules += Date.now() - t0; t0 = Date.now();
    objs.forEach(openApiErrors); t.openapi += Date.now() - t0;
  }
  console.log(t, n);
});
