/**
 * agent-baseline's own package.json, the one source of its version, supported peer ranges and the
 * tool versions `agent-baseline init` writes. Found by walking up from this file: lib/core in a
 * checkout, build/lib/core when installed.
 */
import * as fs from 'fs';
import * as path from 'path';

/** The fields of package.json the library reads at run time. */
export interface OwnPackageJson {
  readonly name: string;
  readonly version: string;
  readonly peerDependencies: Readonly<Record<string, string>>;
  readonly devDependencies: Readonly<Record<string, string>>;
}

let cached: OwnPackageJson | undefined;

/** agent-baseline's package.json; throws when the installation has lost it. */
export function ownPackageJson(): OwnPackageJson {
  if (cached) return cached;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<OwnPackageJson>;
      if (pkg.name === 'agent-baseline') {
        cached = {
          name: pkg.name,
          version: pkg.version ?? '0.0.0',
          peerDependencies: pkg.peerDependencies ?? {},
          devDependencies: pkg.devDependencies ?? {},
        };
        return cached;
      }
    }
    if (path.dirname(dir) === dir)
      throw new Error(`agent-baseline: cannot find its own package.json above ${__dirname}`);
  }
}
