/** The engine's own pod contexts: containers resolved while their object's rules run, not longer. */
import { PodContext, PodTemplate, ResolvedContainer, resolveContainers } from './pod-template';
import { PathSegment } from './types';
import { Json, rec, sharedLabels } from './util';

/**
 * What {@link podContext} gives, with the containers resolved on first read and kept until
 * {@link releasePod}: the object index holds one per workload for the whole run, while the
 * resolved containers (a dozen objects and paths each) are only needed while that object's rules
 * run. Released, they die young instead of being copied into the old generation; a later read
 * resolves them again from the same template (the engine's input never changes), so nothing read
 * is ever stale.
 */
export class ResolvedPod implements PodContext {
  public readonly spec: Json;
  public readonly specPath: readonly PathSegment[];
  public readonly labels: Record<string, string>;
  public readonly podSecurityContext: Json;
  private resolved: readonly ResolvedContainer[] | undefined = undefined;

  constructor(public readonly template: PodTemplate) {
    this.spec = template.spec;
    this.specPath = template.specPath;
    this.labels = sharedLabels(template.metadata.labels);
    this.podSecurityContext = rec(template.spec.securityContext);
  }

  public get containers(): readonly ResolvedContainer[] {
    return (this.resolved ??= resolveContainers(this.spec, this.specPath));
  }

  /** Drops the resolved containers; the next read resolves them again. */
  public release(): void {
    this.resolved = undefined;
  }
}

/** Lets go of a pod's resolved containers once its object's rules have run. */
export function releasePod(pod: PodContext | undefined): void {
  if (pod instanceof ResolvedPod) pod.release();
}
