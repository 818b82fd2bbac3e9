/**
 * Falco rules per agent, from its declaration. Shared macros and lists first, then per agent: a
 * macro selecting its containers, lists of its writable paths, egress blocks and entrypoint, and
 * one rule per behaviour it did not declare. Every condition is a FalcoCondition from ./condition.
 */
import { AgentRuntimeDeclaration } from '../declaration';
import { compareText, invalidProp } from '../../core';
import { FalcoCondition, FalcoList, falco } from './condition';

/** Shells and package managers: starting one in an agent container is never declared behaviour. */
export const SHELLS: readonly string[] = ['ash', 'bash', 'csh', 'dash', 'fish', 'ksh', 'sh', 'tcsh', 'zsh', 'busybox'];
/** Package managers (OS and language): installing software at run time bypasses the pinned image. */
export const PACKAGE_MANAGERS: readonly string[] = [
  'apk',
  'apt',
  'apt-get',
  'dnf',
  'dpkg',
  'microdnf',
  'pip',
  'pip3',
  'rpm',
  'yum',
  'zypper',
  'npm',
  'gem',
  'cargo',
];
/** Where service-account tokens are mounted (both spellings of /var/run, which links to /run). */
export const SA_TOKEN_DIRS: readonly string[] = [
  '/var/run/secrets/kubernetes.io/serviceaccount',
  '/run/secrets/kubernetes.io/serviceaccount',
  '/var/run/secrets/tokens',
  '/run/secrets/tokens',
  '/var/run/secrets/eks.amazonaws.com/serviceaccount',
  '/var/run/secrets/azure/tokens',
];
/** Default in-cluster networks: connections there are NetworkPolicy's to judge, since pod IPs change. */
export const DEFAULT_CLUSTER_NETWORKS: readonly string[] = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  'fc00::/7',
];

/** Falco priority of each generated rule: ERROR for writes and token reads, WARNING for the rest. */
export const FALCO_PRIORITY = {
  shell: 'WARNING',
  write: 'ERROR',
  token: 'ERROR',
  egress: 'WARNING',
  entrypoint: 'WARNING',
} as const;

/** One item of a Falco rules file: a list, a macro or a rule. */
export type FalcoItem =
  | { readonly list: string; readonly items: readonly string[] }
  | { readonly macro: string; readonly condition: string }
  | {
      readonly rule: string;
      readonly desc: string;
      readonly condition: string;
      readonly output: string;
      readonly priority: string;
      readonly source: 'syscall';
      readonly tags: readonly string[];
    };

const ident = (text: string) => text.replace(/[^a-z0-9]+/gi, '_').toLowerCase();

/** Options of the generated Falco rules. */
export interface FalcoOptions {
  /** In-cluster networks; connections into them are left to the NetworkPolicies. */
  readonly clusterNetworks: readonly string[];
}

/** The whole rules file as YAML items, in a stable order. */
export function falcoRules(agents: readonly AgentRuntimeDeclaration[], options: FalcoOptions): FalcoItem[] {
  const items: FalcoItem[] = [];
  const addList = (l: FalcoList) => items.push({ list: l.list, items: l.items });
  const addMacro = (name: string, c: FalcoCondition) => items.push({ macro: name, condition: c.text });

  const shells = falco.list('agent_baseline_shells', SHELLS);
  const pkgs = falco.list('agent_baseline_package_managers', PACKAGE_MANAGERS);
  const tokenDirs = falco.list('agent_baseline_sa_token_dirs', SA_TOKEN_DIRS);
  const clusterNets = falco.list('agent_baseline_cluster_networks', options.clusterNetworks);
  [shells, pkgs, tokenDirs, clusterNets].forEach(addList);
  const spawned = 'agent_baseline_spawned_process';
  const openWrite = 'agent_baseline_open_write';
  const openRead = 'agent_baseline_open_read';
  const outbound = 'agent_baseline_outbound';
  addMacro(spawned, falco.and(falco.raw('evt.type', 'in', 'execve_family'), falco.raw('evt.dir', '=', '<')));
  const open = falco.and(
    falco.raw('evt.type', 'in', 'open_family'),
    falco.raw('evt.dir', '=', '<'),
    falco.raw('fd.typechar', '=', 'f'),
  );
  addMacro(openWrite, falco.and(open, falco.raw('evt.is_open_write', '=', 'true')));
  addMacro(openRead, falco.and(open, falco.raw('evt.is_open_read', '=', 'true')));
  addMacro(
    outbound,
    falco.and(
      falco.raw('evt.type', '=', 'connect'),
      falco.raw('evt.dir', '=', '<'),
      falco.raw('fd.typechar', 'in', 'ipv4_or_6'),
      falco.not(falco.inList('fd.snet', clusterNets)),
    ),
  );

  const seen = new Map<string, string>();
  for (const a of agents) {
    const id = `agent_baseline_${ident(a.namespace)}_${ident(a.name)}`;
    const clash = seen.get(id);
    if (clash !== undefined)
      invalidProp(
        'falco-rules',
        'agents',
        `${a.namespace}/${a.name}`,
        `agents whose Falco names differ (${clash} is also ${id})`,
      );
    seen.set(id, `${a.namespace}/${a.name}`);
    const who = `${a.namespace}/${a.name}`;
    const containers = falco.list(
      `${id}_containers`,
      a.containers.map((c) => c.name),
    );
    const writable = falco.list(`${id}_writable_paths`, a.writablePaths);
    const egress = falco.list(`${id}_egress`, a.egressCidrs);
    [containers, writable, egress].forEach(addList);
    const macro = `${id}_container`;
    addMacro(
      macro,
      falco.and(
        falco.compare('container.id', '!=', 'host'),
        falco.compare('k8s.ns.name', '=', a.namespace),
        ...Object.entries(a.podLabels)
          .sort(([x], [y]) => compareText(x, y))
          .map(([k, v]) => falco.compare(`k8s.pod.label[${k}]`, '=', v)),
        falco.inList('container.name', containers),
      ),
    );
    const output = (what: string) =>
      `${what} in agent ${who} (container=%container.name pod=%k8s.pod.name proc=%proc.exepath cmdline=%proc.cmdline parent=%proc.pname file=%fd.name connection=%fd.name user=%user.name)`;
    const rule = (suffix: string, desc: string, condition: FalcoCondition, priority: string, tags: string[]) =>
      items.push({
        rule: `agent-baseline ${who} ${suffix}`,
        desc: `${desc} (generated from what ${who} declared)`,
        condition: condition.text,
        output: output(desc),
        priority,
        source: 'syscall',
        tags: ['agent-baseline', ...tags],
      });
    const inAgent = falco.macro(macro);
    rule(
      'shell or package manager',
      'Shell or package manager started',
      falco.and(
        falco.macro(spawned),
        inAgent,
        falco.or(falco.inList('proc.name', shells), falco.inList('proc.name', pkgs)),
      ),
      FALCO_PRIORITY.shell,
      ['process', 'mitre_execution'],
    );
    rule(
      'write outside writable paths',
      'File opened for writing outside the declared writable paths',
      falco.and(falco.macro(openWrite), inAgent, falco.not(falco.inList('fd.name', writable, 'pmatch'))),
      FALCO_PRIORITY.write,
      ['filesystem', 'mitre_persistence'],
    );
    if (!a.apiAccess)
      rule(
        'service account token read',
        'Service-account token read by an agent without API grants',
        falco.and(falco.macro(openRead), inAgent, falco.inList('fd.name', tokenDirs, 'pmatch')),
        FALCO_PRIORITY.token,
        ['filesystem', 'mitre_credential_access'],
      );
    if (!a.egressAny)
      rule(
        'undeclared egress',
        'Outbound connection outside the declared egress',
        falco.and(falco.macro(outbound), inAgent, falco.not(falco.inList('fd.snet', egress))),
        FALCO_PRIORITY.egress,
        ['network', 'mitre_exfiltration'],
      );
    const entrypoints = a.containers.filter((c) => c.command !== undefined);
    if (entrypoints.length > 0) {
      const fromEntrypoint = entrypoints.map((c) => {
        const exe = c.command![0];
        const inContainer = falco.compare('container.name', '=', c.name);
        return exe.startsWith('/')
          ? falco.and(
              inContainer,
              falco.or(falco.compare('proc.exepath', '=', exe), falco.compare('proc.pexepath', '=', exe)),
            )
          : falco.and(
              inContainer,
              falco.or(falco.compare('proc.name', '=', exe), falco.compare('proc.pname', '=', exe)),
            );
      });
      const declared = falco.or(...entrypoints.map((c) => falco.compare('container.name', '=', c.name)));
      rule(
        'process outside entrypoint',
        'Process not started by the declared entrypoint',
        falco.and(falco.macro(spawned), inAgent, declared, falco.not(falco.or(...fromEntrypoint))),
        FALCO_PRIORITY.entrypoint,
        ['process', 'mitre_execution'],
      );
    }
  }
  return items;
}
