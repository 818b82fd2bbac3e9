/** `agent-baseline report`: the compliance report (markdown by default) over the same scan. */
import { Command } from 'commander';
import { CliIo, ScanOptions, addScanOptions, runScan } from './scan';

export function registerReport(program: Command, io: CliIo): Command {
  return addScanOptions(
    program
      .command('report')
      .description(
        'Compliance report: controls by framework (PSS, NSA/CISA, CIS 5, OWASP LLM, SOC 2, GDPR) with pass/fail/suppressed per object',
      ),
    'markdown',
    // A report documents the state; it fails only when asked to.
    'never',
  ).action((paths: string[], options: ScanOptions) => {
    process.exitCode = runScan(paths, options, io, 'markdown');
  });
}
