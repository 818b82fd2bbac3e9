/**
 * Tetragon TracingPolicyNamespaced per agent: the sensitive-file and process rules in the kernel.
 * Audit by default (a `Post` event); `Sigkill` kills the offending process and is an explicit opt-in.
 */
import { AgentRuntimeDeclaration } from './declaration';
import { PACKAGE_MANAGERS, SA_TOKEN_DIRS, SHELLS } from './falco/rules';
import { MANAGED_BY } from '../core';

export type TetragonAction = 'audit' | 'sigkill';
export const TETRAGON_ACTIONS: readonly TetragonAction[] = ['audit', 'sigkill'];

/** Binaries watched at exec, under the usual directories. */
const BIN_DIRS = ['/bin/', '/usr/bin/', '/sbin/', '/usr/sbin/', '/usr/local/bin/'];
/** MAY_READ and MAY_WRITE of security_file_permission's mask argument. */
const MAY_READ = '4';
const MAY_WRITE = '2';

const actions = (action: TetragonAction) => [{ action: action === 'sigkill' ? 'Sigkill' : 'Post' }];

export function tetragonPolicy(a: AgentRuntimeDeclaration, action: TetragonAction) {
  const selectors = (matchArgs: object[]) => [{ matchArgs, matchActions: actions(action) }];
  const fileArgs = [
    { index: 0, type: 'file' },
    { index: 1, type: 'int' },
  ];
  const kprobes: object[] = [
    {
      call: 'security_bprm_check',
      syscall: false,
      message: `shell or package manager started in agent ${a.namespace}/${a.name}`,
      args: [{ index: 0, type: 'linux_binprm' }],
      selectors: selectors([
        {
          index: 0,
          operator: 'Equal',
          values: BIN_DIRS.flatMap((d) => [...SHELLS, ...PACKAGE_MANAGERS].map((b) => `${d}${b}`)),
        },
      ]),
    },
  ];
  if (a.writablePaths.length > 0)
    kprobes.push({
      call: 'security_file_permission',
      syscall: false,
      message: `write outside the writable paths of agent ${a.namespace}/${a.name}`,
      args: fileArgs,
      selectors: selectors([
        {
          index: 0,
          operator: 'NotPrefix',
          values: [...a.writablePaths.map((p) => `${p.replace(/\/+$/, '')}/`), '/dev/', '/proc/'],
        },
        { index: 1, operator: 'Mask', values: [MAY_WRITE] },
      ]),
    });
  if (!a.apiAccess)
    kprobes.push({
      call: 'security_file_permission',
      syscall: false,
      message: `service-account token read by agent ${a.namespace}/${a.name}, which has no API grant`,
      args: fileArgs,
      selectors: selectors([
        { index: 0, operator: 'Prefix', values: [...SA_TOKEN_DIRS] },
        { index: 1, operator: 'Mask', values: [MAY_READ] },
      ]),
    });
  return {
    apiVersion: 'cilium.io/v1alpha1',
    kind: 'TracingPolicyNamespaced',
    metadata: {
      name: `agent-baseline-${a.name}`,
      namespace: a.namespace,
      labels: { 'app.kubernetes.io/managed-by': MANAGED_BY, 'app.kubernetes.io/component': 'runtime-rules' },
    },
    spec: {
      podSelector: { matchLabels: { ...a.podLabels } },
      containerSelector: {
        matchExpressions: [{ key: 'name', operator: 'In', values: a.containers.map((c) => c.name) }],
      },
      kprobes,
    },
  };
}
