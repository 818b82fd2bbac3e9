/**
 * The strings and paths of one run's findings, one copy per distinct value. Every finding lives
 * until the report is rendered, and a repository repeats the same fields and messages across
 * thousands of objects: each finding's own rendered path (a chain of concatenations), segment
 * array and message would otherwise all be promoted to the old generation. Keyed by value only
 * (segments, message text), made per run and dropped with it: nothing in it can go stale.
 */
import { PathSegment, renderPath } from './types';

/** One distinct path: its rendering and its segments, frozen because every finding on it shares them. */
interface PathNode {
  readonly rendered: string;
  readonly segments: readonly PathSegment[];
  next?: Map<PathSegment, PathNode>;
}

export class FindingNames {
  private readonly root: PathNode = { rendered: '', segments: Object.freeze([]) };
  private readonly messages = new Map<string, string>();

  /** The shared node of a path: `rendered` is what {@link renderPath} gives, `segments` equal the path. */
  public path(path: readonly PathSegment[]): PathNode {
    let node = this.root;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      let next = node.next?.get(seg);
      if (next === undefined) {
        // Segments are strings or numbers; a Map tells `0` from `'0'`, as the rendering does.
        const segments = Object.freeze([...node.segments, seg]);
        next = { rendered: renderPath(segments), segments };
        (node.next ??= new Map()).set(seg, next);
      }
      node = next;
    }
    return node;
  }

  /** The run's one copy of a message text. */
  public message(text: string): string {
    const known = this.messages.get(text);
    if (known !== undefined) return known;
    this.messages.set(text, text);
    return text;
  }
}
