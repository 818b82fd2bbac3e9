/** `agent-baseline rules`: the catalogue of packs and rules, as Markdown (RULES.md) or JSON. */
import { Command, Option } from 'commander';
import { packNames, ruleCatalogue, ruleCatalogueMarkdown } from '../rules';
import { CliIo, EXIT } from './scan';

export function registerRules(program: Command, io: CliIo): Command {
  return program
    .command('rules')
    .description('List every rule of the packs: what it checks, the fix, and the controls it maps to')
    .option('--pack <name>', 'pack, repeatable (default: every pack)', (value: string, prev: string[] = []) => [
      ...prev,
      value,
    ])
    .addOption(new Option('--format <format>', 'output format').choices(['markdown', 'json']).default('markdown'))
    .action((options: { pack?: string[]; format: 'markdown' | 'json' }) => {
      const unknown = (options.pack ?? []).filter((p) => !packNames().includes(p));
      if (unknown.length > 0) {
        io.err(`agent-baseline: unknown pack '${unknown[0]}'; known packs: ${packNames().join(', ')}\n`);
        process.exitCode = EXIT.badInput;
        return;
      }
      io.out(
        options.format === 'json'
          ? `${JSON.stringify(ruleCatalogue(options.pack), null, 2)}\n`
          : ruleCatalogueMarkdown(options.pack),
      );
    });
}
