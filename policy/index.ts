/** CrossGuard entry: `pulumi preview --policy-pack policy` enforces the rule engine's packs on any stack. */
import { PolicyPack } from '@pulumi/policy';
import { policies } from './policies';

new PolicyPack('agent-baseline', { policies });
