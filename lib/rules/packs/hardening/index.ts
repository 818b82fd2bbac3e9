/**
 * The scanner-consensus hardening profile (REFERENCE.md §2): what kube-score, Polaris, kubesec,
 * kube-linter, Checkov and Trivy check beyond Pod Security, resolved to one verdict each.
 */
import { Pack } from '../../rule';
import { RESOURCE_RULES } from './resources';
import { PROBE_RULES } from './probes';
import { SECURITY_CONTEXT_RULES } from './security-context';
import { IMAGE_RULES } from './images';
import { IDENTITY_RULES } from './identity';
import { NETWORK_RULES } from './network';
import { NAMESPACE_RULES } from './namespaces';
import { AVAILABILITY_RULES } from './availability';
import { METADATA_RULES } from './metadata';
import { PLACEMENT_RULES } from './placement';

export const HARDENING: Pack = {
  name: 'hardening',
  description: 'The scanner-consensus hardening profile (kube-score, Polaris, kubesec, kube-linter, Checkov, Trivy).',
  rules: [
    ...RESOURCE_RULES,
    ...PROBE_RULES,
    ...SECURITY_CONTEXT_RULES,
    ...IMAGE_RULES,
    ...IDENTITY_RULES,
    ...NETWORK_RULES,
    ...NAMESPACE_RULES,
    ...AVAILABILITY_RULES,
    ...METADATA_RULES,
    ...PLACEMENT_RULES,
  ],
};
