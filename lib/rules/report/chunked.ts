/**
 * Pretty JSON of a large report, written in chunks of its big array. Stringifying a whole report
 * at once keeps every model object and every part of the text alive until the end (37 MB of text
 * and as many objects on a 50 MB repository), and young-generation GC copies them all; a chunk's
 * objects are garbage before the next chunk is made.
 */

/** Items stringified by one JSON.stringify call. */
const CHUNK_ITEMS = 1024;

/**
 * Exactly `JSON.stringify(doc, null, 2)`, where `doc` is `skeleton` with the empty array at
 * `"key": []` (a property at indentation level `depth - 1`) holding `count` items made by `item`,
 * in order. Each chunk of items is stringified nested in `depth` arrays, which indents it as the
 * skeleton's array would, and the brackets are cut off.
 * @internal
 */
export function stringifyWithItems(
  skeleton: unknown,
  key: string,
  depth: number,
  count: number,
  item: (i: number) => unknown,
): string {
  return joined(jsonParts(skeleton, key, depth, count, item));
}

/** {@link stringifyWithItems} as consecutive parts, so a caller can write them without joining them. @internal */
export function jsonParts(
  skeleton: unknown,
  key: string,
  depth: number,
  count: number,
  item: (i: number) => unknown,
): string[] {
  const outer = JSON.stringify(skeleton, null, 2);
  if (count === 0) return [outer];
  // Newlines outside strings are the only raw ones, so this finds a property, not text.
  const marker = `\n${'  '.repeat(depth - 1)}${JSON.stringify(key)}: []`;
  const at = outer.indexOf(marker);
  if (at < 0 || outer.indexOf(marker, at + 1) >= 0)
    throw new Error(`internal: ${marker.trim()} is not one property of the report`);
  let open = '';
  let close = '';
  for (let k = 0; k < depth; k++) {
    open += `[\n${'  '.repeat(k + 1)}`;
    close = `\n${'  '.repeat(k)}]${close}`;
  }
  const indent = `\n${'  '.repeat(depth)}`;
  const parts = [`${outer.slice(0, at + marker.length - 1)}${indent}`];
  for (let start = 0; start < count; start += CHUNK_ITEMS) {
    const end = Math.min(start + CHUNK_ITEMS, count);
    const chunk: unknown[] = [];
    for (let i = start; i < end; i++) chunk.push(item(i));
    let wrapped: unknown = chunk;
    for (let k = 1; k < depth; k++) wrapped = [wrapped];
    const json = JSON.stringify(wrapped, null, 2);
    if (start > 0) parts.push(`,${indent}`);
    parts.push(json.slice(open.length, json.length - close.length));
  }
  parts.push(`\n${'  '.repeat(depth - 1)}]${outer.slice(at + marker.length)}`);
  return parts;
}

/**
 * Parts concatenated, not joined: V8 keeps the sum as a rope and copies it once, when it is
 * written, as it does the text JSON.stringify returns.
 * @internal
 */
export function joined(parts: readonly string[]): string {
  let text = '';
  for (const part of parts) text += part;
  return text;
}
