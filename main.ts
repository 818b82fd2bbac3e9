import { AgentApp } from 'agent-baseline/platform';
import { writeAuditPolicy } from 'agent-baseline/audit';
import { writeVaultArtifacts } from 'agent-baseline/vault';
import { buildDefaultPlatform } from './stacks/platform';

const app = new AgentApp();
buildDefaultPlatform(app);
app.synth();
// API-server configuration, not objects to apply: written after synth, which empties dist/ first.
writeAuditPolicy(app, app.outdir);
writeVaultArtifacts(app, app.outdir);
