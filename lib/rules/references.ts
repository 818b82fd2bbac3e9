/**
 * Framework controls, cited by rules and grouped by the compliance report. Only mappings that hold
 * up are listed: a rule cites a control when passing it is evidence for that control.
 */
import { ControlReference } from './types';

export const FRAMEWORKS = {
  pss: 'Pod Security Standards',
  nsa: 'NSA/CISA',
  cis: 'CIS Kubernetes',
  owasp: 'OWASP LLM',
  soc2: 'SOC 2',
  gdpr: 'GDPR',
} as const;

const nsa = (control: string, title: string): ControlReference => ({ framework: FRAMEWORKS.nsa, control, title });
const cis = (control: string, title: string): ControlReference => ({ framework: FRAMEWORKS.cis, control, title });
const owasp = (control: string, title: string): ControlReference => ({ framework: FRAMEWORKS.owasp, control, title });
const gdpr = (control: string, title: string): ControlReference => ({ framework: FRAMEWORKS.gdpr, control, title });
const soc2 = (control: string, title: string): ControlReference => ({ framework: FRAMEWORKS.soc2, control, title });

/** NSA/CISA Kubernetes Hardening Guide v1.2 sections. */
export const NSA = {
  nonRoot: nsa('Pod security: non-root containers', 'Use containers built to run as non-root users'),
  immutable: nsa('Pod security: immutable file systems', 'Run containers with immutable file systems'),
  images: nsa('Pod security: secure images', 'Build secure container images; scan and sign them'),
  podSecurity: nsa('Pod security: enforcement', 'Enforce pod security (privileges, host access, capabilities)'),
  tokens: nsa('Pod security: service account tokens', 'Protect pod service account tokens'),
  sandbox: nsa('Pod security: hardened runtimes', 'Harden container environments (sandboxed runtimes)'),
  namespaces: nsa('Network separation: namespaces', 'Separate resources with namespaces'),
  netpol: nsa('Network separation: network policies', 'Isolate pods with default-deny network policies'),
  resources: nsa('Network separation: resource policies', 'Limit resources with LimitRanges, quotas and limits'),
  rbac: nsa('Authentication and authorization', 'Least-privilege RBAC'),
  secrets: nsa('Secrets', 'Keep secrets out of the environment and encrypted'),
  exposure: nsa('Network separation: exposure', 'Limit service exposure; encrypt traffic'),
  threatDetection: nsa('Logging and threat detection', 'Detect anomalous container behaviour with runtime monitoring'),
};

/** CIS Kubernetes Benchmark v1.8+, section 5 (Policies). */
export const CIS = {
  clusterAdmin: cis('5.1.1', 'Ensure that the cluster-admin role is only used where required'),
  secretsAccess: cis('5.1.2', 'Minimize access to secrets'),
  wildcards: cis('5.1.3', 'Minimize wildcard use in Roles and ClusterRoles'),
  createPods: cis('5.1.4', 'Minimize access to create pods'),
  defaultSa: cis('5.1.5', 'Ensure that default service accounts are not actively used'),
  saTokens: cis('5.1.6', 'Ensure that Service Account Tokens are only mounted where necessary'),
  masters: cis('5.1.7', 'Avoid use of system:masters group'),
  bindEscalate: cis('5.1.8', 'Limit use of the Bind, Impersonate and Escalate permissions'),
  nodesProxy: cis('5.1.10', 'Minimize access to the proxy sub-resource of nodes'),
  csrApproval: cis('5.1.11', 'Minimize access to the approval sub-resource of certificatesigningrequests'),
  webhooks: cis('5.1.12', 'Minimize access to webhook configuration objects'),
  tokenCreate: cis('5.1.13', 'Minimize access to the service account token creation'),
  policyControl: cis('5.2.1', 'Ensure that the cluster has at least one active policy control mechanism in place'),
  netpolAll: cis('5.3.2', 'Ensure that all Namespaces have Network Policies defined'),
  secretsAsFiles: cis('5.4.1', 'Prefer using secrets as files over secrets as environment variables'),
  externalSecrets: cis('5.4.2', 'Consider external secret storage'),
  imageProvenance: cis('5.5.1', 'Configure Image Provenance'),
  namespaceBoundaries: cis('5.7.1', 'Create administrative boundaries between resources using namespaces'),
  seccomp: cis('5.7.2', 'Ensure that the seccomp profile is set to RuntimeDefault in pod definitions'),
  securityContext: cis('5.7.3', 'Apply security context to pods and containers'),
  defaultNamespace: cis('5.7.4', 'The default namespace should not be used'),
};

export const OWASP = {
  excessiveAgency: owasp('LLM06', 'Excessive Agency'),
  disclosure: owasp('LLM02', 'Sensitive Information Disclosure'),
  supplyChain: owasp('LLM03', 'Supply Chain'),
  consumption: owasp('LLM10', 'Unbounded Consumption'),
};

/** SOC 2 Trust Services Criteria (2017, rev. 2022). */
export const SOC2 = {
  logicalAccess: soc2('CC6.1', 'Logical access security over protected information assets'),
  accessRemoval: soc2('CC6.3', 'Role-based access, least privilege and segregation of duties'),
  boundaries: soc2('CC6.6', 'Security measures against threats from outside system boundaries'),
  software: soc2('CC6.8', 'Controls to prevent or detect unauthorized or malicious software'),
  configuration: soc2('CC7.1', 'Detection of configuration changes that introduce vulnerabilities'),
  monitoring: soc2('CC7.2', 'Monitoring of system components for anomalies indicative of malicious acts'),
};

/**
 * GDPR (Regulation (EU) 2016/679) articles the gdpr pack supports. A passing rule is technical
 * evidence for the article, never a finding of compliance: that stays a legal judgement.
 */
export const GDPR = {
  minimisation: gdpr('Art. 5(1)(c)', 'Data minimisation'),
  storageLimitation: gdpr('Art. 5(1)(e)', 'Storage limitation'),
  specialCategories: gdpr('Art. 9', 'Processing of special categories of personal data'),
  byDesign: gdpr('Art. 25', 'Data protection by design and by default'),
  records: gdpr('Art. 30', 'Records of processing activities'),
  security: gdpr('Art. 32', 'Security of processing'),
  transfers: gdpr('Art. 44-49', 'Transfers of personal data to third countries'),
};
