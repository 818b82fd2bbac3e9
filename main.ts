import { AgentApp } from './lib/platform';
import { writeAuditPolicy } from './lib/audit';
import { writeVaultArtifacts } from './lib/vault';
import { writeRuntimeArtifacts } from './lib/runtime';
import { buildDefaultPlatform } from './stacks/platform';

const app = new AgentApp();
buildDefaultPlatform(app);
app.synth();
// API-server configuration, not objects to apply: written after synth, which empties dist/ first.
writeAuditPolicy(app, app.outdir);
writeVaultArtifacts(app, app.outdir);
writeRuntimeArtifacts(app, app.outdir);
