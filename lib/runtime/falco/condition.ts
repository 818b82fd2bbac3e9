/**
 * The one builder of Falco conditions. Every macro, list and rule condition the project writes is
 * a {@link FalcoCondition} made here, so values are always quoted the same way and cannot change a
 * condition's structure.
 *
 * How Falco reads what we write (falcosecurity/libs filter/parser.cpp and escaping.cpp, falco
 * userspace/engine/rule_loader_compiler.cpp):
 * - a string operand is `"…"`; inside it `\"` is a quote and `\\` a backslash. The lexer ends the
 *   string at the first `"` not preceded by a backslash character, so a value ending in `\` would
 *   swallow the closing quote: backslashes are refused (and control characters with them).
 * - lists are expanded TEXTUALLY before parsing: every occurrence of a list's name that has a
 *   blank, `(`, `)`, `,` or `=` (or the condition's ends) on both sides is replaced by the items,
 *   even inside a quoted string. A value's first and last words touch the quotes, so only an inner
 *   word bounded by those delimiters can be replaced; such a word that could be a list name (letters,
 *   digits, `_`, `.`, `-`, `:`) is refused. Spaces, commas, parentheses and quotes are otherwise fine.
 * - list items are inserted as written; an item starting with `"` is not re-quoted. Items are
 *   therefore written as quoted strings made here.
 */

import { invalidProp } from '../../core';

/** What a value that Falco cannot carry is refused with (the construct validates first, naming its field). */
export const FALCO_VALUE_ALLOWED =
  'paths, commands and names without backslashes, control characters, or a bare word between spaces/commas/parentheses';
const FALCO_VALUE_REASON = 'Falco would read such a value as part of the rule instead of as a value';

const LIST_DELIMS = new Set([' ', '\t', '\n', '\r', '(', ')', ',', '=']);
const LISTISH_WORD = /^[A-Za-z0-9_.:-]+$/;

/** Why `value` cannot be a Falco string operand, or undefined when it can. */
export function falcoValueProblem(value: string): string | undefined {
  if (value.length === 0) return 'an empty string';
  if (value.includes('\\')) return 'a backslash (Falco’s lexer ends a string at \\" and cannot carry a trailing \\)';
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(value)) return 'a control character';
  // Inner words bounded by list-expansion delimiters on both sides.
  let word = '';
  let start = 0;
  for (let i = 0; i <= value.length; i++) {
    const c = value[i];
    if (i === value.length || LIST_DELIMS.has(c)) {
      const boundedLeft = start > 0;
      const boundedRight = i < value.length;
      if (word && boundedLeft && boundedRight && LISTISH_WORD.test(word))
        return `the word '${word}' between delimiters (Falco expands list names textually, even inside quotes)`;
      word = '';
      start = i + 1;
    } else {
      word += c;
    }
  }
  return undefined;
}

/** A Falco string literal; refuses (AgentBaselineError) a value it cannot carry. */
export function falcoString(value: string): string {
  const problem = falcoValueProblem(value);
  if (problem !== undefined)
    invalidProp('falco-rules', 'value', value, FALCO_VALUE_ALLOWED, `it contains ${problem}; ${FALCO_VALUE_REASON}`);
  return `"${value.replace(/"/g, '\\"')}"`;
}

/** Field names as Falco's grammar has them, with an optional bare `[arg]`. */
const FIELD = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+(\[[^\][\s"']+\])?$/;
/** Names of our macros and lists: bare identifiers, prefixed so they never collide with Falco's. */
const NAME = /^agent_baseline_[a-z0-9_]+$/;

const brand = Symbol('falco-condition');

/** A condition made by this builder; its text is only readable, never constructible, outside it. */
export class FalcoCondition {
  /** @internal */
  readonly [brand] = true;
  private constructor(public readonly text: string) {}
  /** @internal */
  static make(text: string): FalcoCondition {
    return new FalcoCondition(text);
  }
}

/** A Falco list: a name and items written as quoted strings. */
export interface FalcoList {
  readonly list: string;
  readonly items: readonly string[];
}

function field(name: string): string {
  if (!FIELD.test(name))
    invalidProp('falco-rules', 'field', name, 'a Falco field name such as fd.name or k8s.pod.label[key]');
  return name;
}

export function requireFalcoName(name: string): string {
  if (!NAME.test(name)) invalidProp('falco-rules', 'name', name, 'an identifier agent_baseline_[a-z0-9_]+');
  return name;
}

const make = FalcoCondition.make;

/** Operators with one string operand. */
type StringOp = '=' | '!=' | 'startswith' | 'endswith' | 'contains';

export const falco = {
  /** `field <op> "value"`. */
  compare(name: string, op: StringOp, value: string): FalcoCondition {
    return make(`${field(name)} ${op} ${falcoString(value)}`);
  },
  /** `field in ("a", "b")`; an empty set is false. */
  in(name: string, values: readonly string[]): FalcoCondition {
    if (values.length === 0) return falco.never();
    return make(`${field(name)} in (${values.map(falcoString).join(', ')})`);
  },
  /** `field <in|pmatch> (list_name)`. */
  inList(name: string, list: FalcoList, op: 'in' | 'pmatch' = 'in'): FalcoCondition {
    if (list.items.length === 0) return falco.never();
    return make(`${field(name)} ${op} (${requireFalcoName(list.list)})`);
  },
  /** A reference to one of our macros. */
  macro(name: string): FalcoCondition {
    return make(requireFalcoName(name));
  },
  /** `field = bare` for the few enum-like operands that Falco writes bare (`evt.dir = <`). */
  raw(
    name: string,
    op: '=' | 'in',
    operand: 'execve_family' | 'open_family' | 'connect' | '<' | 'f' | 'ipv4_or_6' | 'true',
  ): FalcoCondition {
    const bare: Record<typeof operand, string> = {
      true: 'true',
      execve_family: '(execve, execveat)',
      open_family: '(open, openat, openat2)',
      connect: 'connect',
      '<': '<',
      f: 'f',
      ipv4_or_6: '(4, 6)',
    };
    return make(`${field(name)} ${op} ${bare[operand]}`);
  },
  and(...parts: FalcoCondition[]): FalcoCondition {
    return make(parts.map((p) => `(${p.text})`).join(' and '));
  },
  or(...parts: FalcoCondition[]): FalcoCondition {
    if (parts.length === 0) return falco.never();
    return make(parts.map((p) => `(${p.text})`).join(' or '));
  },
  not(part: FalcoCondition): FalcoCondition {
    return make(`not (${part.text})`);
  },
  /** Always false (for empty sets), written without a value. */
  never(): FalcoCondition {
    return make('evt.num < 0');
  },
  /** A list whose items are quoted here. */
  list(name: string, items: readonly string[]): FalcoList {
    return { list: requireFalcoName(name), items: [...new Set(items)].map(falcoString) };
  },
};
