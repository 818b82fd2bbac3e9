import { AgentApp } from './lib/platform';
import { auditPolicyFor, writeAuditPolicy } from './lib/audit';
import { writeRecordOfProcessing } from './lib/privacy';
import { writeVaultArtifacts } from './lib/vault';
import { writeRuntimeArtifacts } from './lib/runtime';
import { buildDefaultPlatform } from './stacks/platform';

const app = new AgentApp();
buildDefaultPlatform(app);
app.synth();
// API-server configuration, not objects to apply: written after synth, which empties dist/ first.
// Checked here in memory, so the cdk8s plugin need not parse the file again (lib/rules/plugin).
app.validateArtifact(writeAuditPolicy(app, app.outdir), [{ ...auditPolicyFor(app) }]);
writeVaultArtifacts(app, app.outdir);
// Falco rules files hold no Kubernetes objects: recorded as checked, so the plugin's pass skips them.
for (const file of writeRuntimeArtifacts(app, app.outdir)) app.validateArtifact(file, []);
// The record of processing (Markdown and JSON, no manifests): the cdk8s plugin never reads it.
writeRecordOfProcessing(app, app.outdir);
