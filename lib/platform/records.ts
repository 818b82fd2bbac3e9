/**
 * What the constructs wrote, recorded when they wrote it, so the whole-App validation can tell
 * the construct's output from additions, patches and removals made afterwards. Records live in
 * WeakMaps keyed by construct: nothing is added to the synthesized objects.
 */
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import type { ResolvedObjectsCheck } from '../rules';

const VAULT_ANNOTATIONS = new WeakMap<IConstruct, Record<string, string>>();

/**
 * Records `vault.hashicorp.com/*` annotations a construct writes on the pod template of `agent`'s
 * workload object (its `node.defaultChild`, an ApiObject, attached before or after this call).
 * Anything else under that prefix on any resolved object is refused at synth.
 */
export function recordVaultAnnotations(agent: IConstruct, annotations: Readonly<Record<string, string>>): void {
  const current = VAULT_ANNOTATIONS.get(agent) ?? {};
  for (const [key, value] of Object.entries(annotations)) {
    if (key.toLowerCase().startsWith('vault.hashicorp.com/')) current[key] = value;
  }
  VAULT_ANNOTATIONS.set(agent, current);
}

/** What the constructs wrote on `podObject`: only an agent's workload object (its default child) has a record. */
export function writtenVaultAnnotations(podObject: ApiObject): Readonly<Record<string, string>> | undefined {
  const owner = podObject.node.scope;
  if (owner === undefined || owner.node.defaultChild !== podObject) return undefined;
  return VAULT_ANNOTATIONS.get(owner);
}

interface Piece {
  readonly construct: IConstruct;
  readonly path: string;
}

const PIECES = new WeakMap<IConstruct, Piece[]>();

/**
 * Records every ApiObject under `under` (default `owner`) now as a baseline piece of `owner`: while `owner` is in the
 * App, removing any of them (`node.tryRemoveChild`) fails synth. Call it at the end of the
 * owner's constructor.
 */
export function recordBaselinePieces(owner: IConstruct, under: IConstruct = owner): void {
  const pieces = PIECES.get(owner) ?? [];
  for (const c of under.node.findAll()) {
    if (ApiObject.isApiObject(c) && !pieces.some((p) => p.construct === c))
      pieces.push({ construct: c, path: c.node.path });
  }
  PIECES.set(owner, pieces);
}

/** True when `c` is still reachable from `root` through its parents' children. */
function attached(c: IConstruct, root: IConstruct): boolean {
  let current = c;
  while (current.node.scope) {
    const parent = current.node.scope;
    if (parent.node.tryFindChild(current.node.id) !== current) return false;
    current = parent;
  }
  return current === root;
}

/** Messages for baseline pieces removed from owners that are still in the App. */
export function removedBaselinePieces(all: readonly IConstruct[], root: IConstruct): string[] {
  return all.flatMap((owner) =>
    (PIECES.get(owner) ?? [])
      .filter((p) => !attached(p.construct, root))
      .map((p) => {
        const kind = (p.construct as ApiObject).kind;
        return (
          `[${owner.node.path}] baseline piece ${kind} '${p.path}' was removed from the construct tree: ` +
          `${owner.node.path} would be written without it. Remove the whole construct, or keep the piece and ` +
          `record a weakening with a waiver or Suppressions.add and a reason`
        );
      }),
  );
}

const CHECKS = new WeakMap<IConstruct, ResolvedObjectsCheck[]>();

/** Adds a check over the App's resolved objects (the ImagePolicy registers its image check). */
export function addResolvedCheck(platform: IConstruct, check: ResolvedObjectsCheck): void {
  CHECKS.set(platform, [...(CHECKS.get(platform) ?? []), check]);
}

export function resolvedChecks(platforms: readonly IConstruct[]): ResolvedObjectsCheck[] {
  return platforms.flatMap((p) => CHECKS.get(p) ?? []);
}
