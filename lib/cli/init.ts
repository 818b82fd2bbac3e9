/** `agent-baseline init [dir]`: scaffolds a new cdk8s app that uses agent-baseline, in an empty directory. */
import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import { CliOptionError } from '../core';
import { ownPackageJson } from '../core/package-json';
import { scaffoldFiles } from './init-templates';
import { CliIo, EXIT } from './scan';

/** Options of `init`. */
export interface InitOptions {
  /** npm name of the app. @default the directory's name, made a valid npm name */
  readonly name?: string;
  /** Dependency spec for agent-baseline. @default `^` the running version */
  readonly packageSpec?: string;
}

/** A valid npm package name from a directory name: lower case, URL-safe characters, no leading dot or underscore. */
export function npmNameFor(dirName: string): string {
  const name = dirName
    .toLowerCase()
    .replace(/[^a-z0-9._~-]+/g, '-')
    .replace(/^[._-]+/, '')
    .slice(0, 214);
  return name || 'agents';
}

/**
 * Writes the scaffold into `dir` (created when missing) and returns the files written, relative to
 * `dir`. Refuses (CliOptionError) a directory that has any entry, so it never overwrites a file.
 */
export function initApp(dir: string, options: InitOptions = {}): string[] {
  const target = path.resolve(dir);
  if (fs.existsSync(target)) {
    if (!fs.statSync(target).isDirectory()) {
      throw new CliOptionError(`${target} exists and is not a directory; give init a new or empty directory`);
    }
    const entries = fs.readdirSync(target).sort();
    if (entries.length > 0) {
      const shown = entries.slice(0, 5).join(', ') + (entries.length > 5 ? `, … (${entries.length} entries)` : '');
      throw new CliOptionError(
        `${target} is not empty (it has ${shown}); init only writes into a new or empty directory, so it never ` +
          `overwrites your files. Run \`agent-baseline init <new-dir>\` instead`,
      );
    }
  }
  const own = ownPackageJson();
  const files = scaffoldFiles(own, {
    name: options.name ?? npmNameFor(path.basename(target)),
    packageSpec: options.packageSpec ?? `^${own.version}`,
  });
  for (const [file, content] of files) {
    const full = path.join(target, file);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content, { flag: 'wx' });
  }
  return [...files.keys()];
}

/** Registers `init` on the program. */
export function registerInit(program: Command, io: CliIo): Command {
  return program
    .command('init')
    .description('Scaffold a new cdk8s app with one hardened agent in an empty or new directory')
    .argument('[dir]', 'directory to create the app in', '.')
    .option('--name <name>', 'npm name of the app (default: the directory name)')
    .option('--package-spec <spec>', 'dependency spec for agent-baseline, e.g. a version range or file:<tarball>')
    .action((dir: string, options: { name?: string; packageSpec?: string }) => {
      try {
        const written = initApp(dir, {
          ...(options.name === undefined ? {} : { name: options.name }),
          ...(options.packageSpec === undefined ? {} : { packageSpec: options.packageSpec }),
        });
        const where = path.relative(process.cwd(), path.resolve(dir)) || '.';
        io.out(
          `Created ${written.length} files in ${where}: ${written.join(', ')}\n\nNext:\n` +
            (where === '.' ? '' : `  cd ${where}\n`) +
            '  npm install && npm run synth   # manifests, dist/vault and the audit policy in dist/\n' +
            '  npm test                       # type-check and tests\n' +
            'Then define your agents in main.ts.\n',
        );
      } catch (err) {
        if (!(err instanceof CliOptionError)) throw err;
        io.err(`agent-baseline init: ${err.message}\n`);
        process.exitCode = EXIT.badInput;
      }
    });
}
