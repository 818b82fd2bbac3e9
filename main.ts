import { App } from 'cdk8s';
import { buildDefaultPlatform } from './stacks/platform';

const app = new App();
buildDefaultPlatform(app);
app.synth();
