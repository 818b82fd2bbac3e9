/**
 * The agent-baseline command line. Each subcommand lives in its own file and exports
 * `registerX(program)`; this file only assembles them.
 */
import { Command, CommanderError } from 'commander';
import { registerReport } from './report';
import { CliIo, EXIT, registerScan } from './scan';
import { registerReach } from './reach';
import { registerRules } from './rules';
import { registerInit } from './init';

const defaultIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** The commander program with every subcommand registered; `io` lets tests capture the output. */
export function buildProgram(io: CliIo = defaultIo): Command {
  const program = new Command('agent-baseline')
    .description('Security baseline for AI agents on Kubernetes: scan manifests, report compliance, check reachability')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  registerScan(program, io);
  registerReport(program, io);

  // --- Other subcommands: add `registerX(program)` from lib/cli/x.ts below. ---
  registerReach(program, io);
  registerRules(program, io);
  registerInit(program, io);
  // --- end of other subcommands ---

  return program;
}

/** Runs the CLI; usage errors exit 2 like any other unusable input. */
export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.badInput;
      return;
    }
    process.stderr.write(`agent-baseline: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 3;
  }
}
