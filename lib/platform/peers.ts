/**
 * One copy of each construct library, at a supported version.
 *
 * Why: cdk8s, constructs and cdk8s-plus-28 are peer dependencies. When a user's app ends up with a
 * second copy (a nested node_modules, a symlinked checkout, `--legacy-peer-deps`), objects built by
 * one copy are not `instanceof` the other's classes and synth fails far away with "can't render
 * non-simple object of type 'Lazy'". These checks fail at construction instead, saying which
 * library is doubled or too old and how to fix it.
 */
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { ConfigMap as KplusConfigMap, k8s } from 'cdk8s-plus-28';
import { AgentBaselineError } from '../core';
import { ownPackageJson } from '../core/package-json';

/** The peer libraries whose copies and versions are checked. */
export type PeerLibrary = 'cdk8s' | 'constructs' | 'cdk8s-plus-28';

const JSII_RTTI = Symbol.for('jsii.rtti');

interface Rtti {
  readonly fqn: string;
  readonly version: string;
}

/** How to get back to one copy; the same advice for every peer. */
const ONE_COPY_FIX =
  'install cdk8s, constructs and cdk8s-plus-28 as dependencies of your app only (agent-baseline declares them as ' +
  'peer dependencies), run `npm dedupe`, and check that `npm ls cdk8s constructs cdk8s-plus-28` shows one version ' +
  'of each; with a symlinked or monorepo checkout, make both resolve to the same node_modules';

/** The jsii runtime type info of `ctor` or the nearest base class that has one with `prefix`. */
function rttiOf(value: object, prefix: string): Rtti | undefined {
  for (let ctor: unknown = value.constructor; typeof ctor === 'function'; ctor = Object.getPrototypeOf(ctor)) {
    const rtti = (ctor as unknown as Record<symbol, Rtti | undefined>)[JSII_RTTI];
    if (rtti && typeof rtti.fqn === 'string' && rtti.fqn.startsWith(prefix) && Object.hasOwn(ctor, JSII_RTTI)) {
      return rtti;
    }
  }
  return undefined;
}

function versionOf(ctor: object): string {
  return (ctor as Record<symbol, Rtti | undefined>)[JSII_RTTI]?.version ?? 'unknown';
}

/**
 * True when `version` satisfies `range`. Only the forms agent-baseline's package.json uses:
 * `^X.Y.Z` (same major, at least X.Y.Z; for 0.x the same minor), `>=X.Y.Z` and an exact `X.Y.Z`.
 */
export function satisfiesRange(version: string, range: string): boolean {
  const parse = (v: string): number[] | undefined => {
    const m = /^(\d+)\.(\d+)\.(\d+)/.exec(v.trim());
    return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
  };
  const v = parse(version);
  const op = /^(\^|>=)?\s*/.exec(range.trim())?.[1] ?? '';
  const r = parse(range.trim().slice(op.length));
  if (!v || !r) return false;
  const cmp = v[0]! - r[0]! || v[1]! - r[1]! || v[2]! - r[2]!;
  switch (op) {
    case '^':
      return cmp >= 0 && v[0] === r[0] && (r[0] !== 0 || v[1] === r[1]);
    case '>=':
      return cmp >= 0;
    default:
      return cmp === 0;
  }
}

/** The peerDependencies ranges of agent-baseline's own package.json (the one source of the supported versions). */
export function supportedPeerRanges(): Readonly<Record<PeerLibrary, string>> {
  const peers = ownPackageJson().peerDependencies;
  const range = (name: PeerLibrary): string => peers[name] ?? '*';
  return { cdk8s: range('cdk8s'), constructs: range('constructs'), 'cdk8s-plus-28': range('cdk8s-plus-28') };
}

function peerError(scope: string, field: string, value: unknown, allowed: string, reason: string): AgentBaselineError {
  return new AgentBaselineError({ path: scope, field, value, allowed, reason });
}

/**
 * Where Node resolves `id` on disk. The id is a variable on purpose: bundlers (the synth bundle of
 * scripts/bundle.js) leave such a call to run time instead of warning about a literal.
 */
function resolveOnDisk(id: string, from?: string): string {
  return require.resolve(id, from === undefined ? undefined : { paths: [from] });
}

let loadedChecked = false;

/**
 * True when cdk8s-plus-28 as loaded extends the very cdk8s and constructs classes agent-baseline
 * loaded: its generated objects are cdk8s ApiObjects and its constructs are Constructs. Two copies
 * on disk are two module instances, so when this holds the disk check below would pass too; it
 * costs no module resolution (require.resolve of the three packages was ~5 ms of every synth).
 */
function kplusSharesOurCopies(): boolean {
  return (
    Object.prototype.isPrototypeOf.call(ApiObject.prototype, k8s.KubeConfigMap.prototype) &&
    Object.prototype.isPrototypeOf.call(Construct.prototype, KplusConfigMap.prototype)
  );
}

/**
 * Checks the copies agent-baseline itself loaded: versions inside the supported ranges, and
 * cdk8s-plus-28 using the same cdk8s and constructs as agent-baseline. Runs once per process.
 * Versions come from the loaded classes' jsii type info; where a copy lives on disk is looked up
 * only to explain a refusal, or when the loaded classes differ (then the disk decides, as it did).
 */
export function checkLoadedPeers(where: string): void {
  if (loadedChecked) return;
  const ranges = supportedPeerRanges();
  const kplusDir = (): string => path.dirname(resolveOnDisk('cdk8s-plus-28/package.json'));
  const loaded: [PeerLibrary, string, () => string][] = [
    ['cdk8s', versionOf(App), () => resolveOnDisk('cdk8s')],
    ['constructs', versionOf(Construct), () => resolveOnDisk('constructs')],
    ['cdk8s-plus-28', versionOf(KplusConfigMap), kplusDir],
  ];
  for (const [name, version, from] of loaded) {
    if (!satisfiesRange(version, ranges[name])) {
      throw peerError(
        where,
        name,
        version,
        `${name} ${ranges[name]}`,
        `agent-baseline loaded ${name} ${version} from ${from()}, an unsupported version; install a supported one in your app (\`npm install ${name}@"${ranges[name]}"\`)`,
      );
    }
  }
  if (!kplusSharesOurCopies()) {
    for (const dep of ['cdk8s', 'constructs'] as const) {
      const theirs = resolveOnDisk(dep, kplusDir());
      const ours = resolveOnDisk(dep);
      if (theirs !== ours) {
        throw peerError(
          where,
          dep,
          theirs,
          `the same copy agent-baseline uses (${ours})`,
          `cdk8s-plus-28 loads a second copy of ${dep}; two copies cannot render each other's objects. Fix: ${ONE_COPY_FIX}`,
        );
      }
    }
  }
  loadedChecked = true;
}

/**
 * Checks that every construct above `scope` comes from the same cdk8s and constructs copies as
 * agent-baseline. `instanceof Chart` is true across copies (cdk8s brands charts with a symbol), so
 * the prototype chains are compared directly.
 */
export function checkScopePeers(scope: IConstruct, where: string): void {
  checkLoadedPeers(where);
  for (const s of scope.node.scopes) {
    const checks: [PeerLibrary, string, object, object][] = [
      ['constructs', 'constructs.Construct', Construct, Construct.prototype],
      ['cdk8s', 'cdk8s.App', App, App.prototype],
      ['cdk8s', 'cdk8s.Chart', Chart, Chart.prototype],
    ];
    for (const [library, fqn, ours, proto] of checks) {
      const theirs = rttiOf(s, fqn);
      if (theirs?.fqn !== fqn || Object.prototype.isPrototypeOf.call(proto, s)) continue;
      throw peerError(
        where,
        'scope',
        s.node.path || '(the app)',
        `a scope built with the ${library} copy agent-baseline uses (${library} ${versionOf(ours)} from ${resolveOnDisk(library)})`,
        `this ${fqn.split('.')[1]} comes from a second copy of ${library} (${theirs.version}); two copies cannot render ` +
          `each other's objects (synth would fail with "can't render non-simple object"). Fix: ${ONE_COPY_FIX}`,
      );
    }
  }
}
