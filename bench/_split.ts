import { readManifests } from '../lib/cli/load';
import { runRules, toJson } from '../lib/rules';
const dir = process.argv[2];
let t = performance.now();
const r = readManifests([dir]);
const load = performance.now() - t;
const rss1 = process.memoryUsage().rss / 2 ** 20;
t = performance.now();
const rep = runRules(r.objects);
const rules = performance.now() - t;
t = performance.now();
const s = toJson(rep);
const out = performance.now() - t;
console.log({
  objects: r.objects.length,
  load,
  rules,
  out,
  len: s.length,
  rss1,
  peak: process.resourceUsage().maxRSS / 1024,
});
