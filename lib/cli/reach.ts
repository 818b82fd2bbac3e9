/**
 * `agent-baseline reach DIR --from NS/NAME --to NS/NAME|IP|CIDR --port N[/PROTO]`: whether the
 * NetworkPolicies in DIR allow a flow, and which policies decide it. Without `--from`, every peer
 * admitted to the `--to` workload's port (the ways in). Exit 0 allowed, 1 denied, 2 bad input.
 */
import { Command } from 'commander';
import { CliOptionError } from '../core/errors';
import { parseCidr, parseIp } from '../core/cidr';
import {
  Endpoint,
  FlowProtocol,
  buildClusterModel,
  evaluateFlow,
  findWorkload,
  ingressSources,
} from '../network/reachability';
import { InputError, loadInputs } from './load';
import type { CliIo } from './scan';

export const REACH_EXIT = { allowed: 0, denied: 1, badInput: 2 } as const;

export interface ReachOptions {
  /** Source workload; without it, every peer admitted to `to` is listed. */
  readonly from?: string;
  readonly to: string;
  readonly port: string;
  readonly json?: boolean;
}

/** Where the command writes; the CLI passes the console, tests a buffer. */
export interface ReachOutput {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

class BadInput extends CliOptionError {}

const PORT = /^(\d{1,5})(?:\/(tcp|udp|sctp))?$/i;
const WORKLOAD = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-.a-z0-9]*[a-z0-9])?)$/;

export function parsePort(text: string): { port: number; protocol: FlowProtocol } {
  const match = PORT.exec(text);
  const port = match ? Number(match[1]) : NaN;
  if (!match || port < 1 || port > 65535)
    throw new BadInput(
      `--port: invalid value '${text}'; expected N or N/PROTO with N from 1 to 65535 and PROTO TCP, UDP or SCTP`,
    );
  return { port, protocol: (match[2]?.toUpperCase() ?? 'TCP') as FlowProtocol };
}

/** An address is tried first, since `10.0.0.0/8` would also parse as NS/NAME. */
function parseTarget(
  option: string,
  text: string,
  resolve: (ns: string, name: string) => Endpoint,
  allowAddress: boolean,
): Endpoint {
  if (allowAddress && (parseIp(text) || parseCidr(text))) return { kind: 'address', address: text };
  const match = WORKLOAD.exec(text);
  if (!match)
    throw new BadInput(
      `${option}: invalid value '${text}'; expected NS/NAME of a workload${allowAddress ? ', an IP address or a CIDR block' : ''}`,
    );
  try {
    return resolve(match[1], match[3]);
  } catch (e) {
    throw new BadInput(`${option}: ${(e as Error).message}`);
  }
}

/** Runs the command and returns its exit code; it never throws for bad input. */
export function runReach(dir: string, options: ReachOptions, output: ReachOutput): number {
  try {
    const { port, protocol } = parsePort(options.port);
    const model = buildClusterModel(loadInputs([dir]).map((o) => o.object));
    const resolve = (ns: string, name: string) => findWorkload(model, ns, name);
    if (options.from === undefined) {
      const to = parseTarget('--to', options.to, resolve, false);
      if (to.kind !== 'pod') throw new BadInput('--to: a workload, when --from is not given');
      const result = ingressSources(model, to, port, protocol);
      if (options.json) output.out(JSON.stringify(result, null, 2));
      else {
        const target = `${to.name ?? options.to} port ${port}/${protocol}`;
        if (result.open)
          output.out(`OPEN: ${target}: no NetworkPolicy selects it for ingress; every source may connect`);
        else if (result.sources.length === 0) output.out(`CLOSED: ${target}: no NetworkPolicy rule admits any source`);
        else {
          output.out(`WAYS IN: ${target}`);
          for (const s of result.sources)
            output.out(`  ${s.outsideNamespace ? 'outside' : 'inside '} ${s.peer} (${s.rule})`);
        }
      }
      return result.open || result.sources.length > 0 ? REACH_EXIT.allowed : REACH_EXIT.denied;
    }
    const from = parseTarget('--from', options.from, resolve, false);
    const to = parseTarget('--to', options.to, resolve, true);
    const result = evaluateFlow(model, { from, to, port, protocol });
    if (options.json) output.out(JSON.stringify(result, null, 2));
    else result.explanation.forEach((line) => output.out(line));
    return result.allowed ? REACH_EXIT.allowed : REACH_EXIT.denied;
  } catch (e) {
    if (e instanceof BadInput || e instanceof InputError) {
      output.err(`agent-baseline reach: ${e.message}`);
      return REACH_EXIT.badInput;
    }
    throw e;
  }
}

/** Adds `reach` to the CLI. Usage errors (missing or unknown options) exit 2, like other bad input. */
export function registerReach(program: Command, io: CliIo): Command {
  return program
    .command('reach')
    .description(
      'Whether the NetworkPolicies in DIR allow a flow, and which policies allow or deny it (exit 0 allowed, 1 denied, 2 bad input)',
    )
    .argument('<dir>', 'manifest file or directory, e.g. dist/')
    .option(
      '--from <ns/name>',
      'source workload (Deployment, StatefulSet, …) whose pod template labels are used; without it, list every peer admitted to --to',
    )
    .requiredOption('--to <target>', 'destination: NS/NAME of a workload, an IP address or a CIDR block')
    .requiredOption('--port <n[/proto]>', 'destination port, e.g. 443 or 53/UDP (default protocol TCP)')
    .option('--json', 'print the full result as JSON')
    .action((dir: string, options: ReachOptions) => {
      process.exitCode = runReach(dir, options, { out: (l) => io.out(`${l}\n`), err: (l) => io.err(`${l}\n`) });
    });
}
