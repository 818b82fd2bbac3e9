/**
 * A test model of how Falco reads a rules file's condition, written from falcosecurity/libs
 * (userspace/libsinsp/filter/parser.cpp lex_quoted_str / RGX_BARESTR, escaping.cpp unescape_str)
 * and falcosecurity/falco (userspace/engine/rule_loader_compiler.cpp resolve_list, quote_item).
 * Used to show that hostile values cannot change a generated condition's structure.
 */

/** resolve_list: textual replacement of a list name bounded by delimiters, anywhere in the text. */
export function resolveList(cnd: string, name: string, items: readonly string[]): string {
  const blanks = ' \t\n\r';
  const delims = `${blanks}(),=`;
  const quote = (e: string) => (e.includes(' ') && e[0] !== '"' && e[0] !== "'" ? `"${e}"` : e);
  let start = cnd.indexOf(name);
  while (start !== -1) {
    let end = start + name.length;
    if ((start === 0 || delims.includes(cnd[start - 1])) && (end >= cnd.length || delims.includes(cnd[end]))) {
      while (start > 0 && blanks.includes(cnd[start - 1])) start--;
      while (end < cnd.length && blanks.includes(cnd[end])) end++;
      const sub = items.map(quote).join(', ');
      cnd = `${start > 0 ? `${cnd.slice(0, start)} ` : ''}${sub} ${cnd.slice(end)}`;
      start += sub.length + 1;
    }
    start = cnd.indexOf(name, start + 1);
  }
  return cnd;
}

export type Token = { type: 'str'; value: string } | { type: 'word'; value: string } | { type: 'punct'; value: string };

function unescape(raw: string): string {
  let out = '';
  for (let i = 1; i < raw.length - 1; i++) {
    const c = raw[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = raw[++i];
    const map: Record<string, string> = {
      b: '\b',
      f: '\f',
      n: '\n',
      r: '\r',
      t: '\t',
      ' ': '\\',
      '\\': '\\',
      '/': '/',
    };
    if (n in map) out += map[n];
    else if (n === '"' || n === "'") {
      if (raw[0] !== n) throw new Error(`invalid \\${n} escape`);
      out += n;
    } else throw new Error(`unsupported escape \\${n}`);
  }
  return out;
}

/** Tokens of a condition: quoted strings (decoded), bare words, and punctuation/operators. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      // lex_quoted_str: ends at the first delimiter whose previous character is not a backslash.
      let prev = '\\';
      let j = i;
      let raw = '';
      let closed = false;
      while (j < text.length) {
        if (text[j] === c && prev !== '\\') {
          raw += c;
          closed = true;
          break;
        }
        prev = text[j];
        raw += prev;
        j++;
      }
      if (!closed) throw new Error(`unterminated string at ${i}`);
      tokens.push({ type: 'str', value: unescape(raw) });
      i = j + 1;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (['!=', '<=', '>='].includes(two)) {
      tokens.push({ type: 'punct', value: two });
      i += 2;
      continue;
    }
    if ('(),=<>'.includes(c)) {
      tokens.push({ type: 'punct', value: c });
      i++;
      continue;
    }
    // A field with a bracket argument, or a bare string ([^()"'\s=,]+).
    const m = /^[a-z][a-z0-9_.]*\[[^\][\s"']+\]/.exec(text.slice(i)) ?? /^[^()"'\s=,<>!]+/.exec(text.slice(i));
    if (!m) throw new Error(`cannot lex at ${i}: ${text.slice(i, i + 20)}`);
    tokens.push({ type: 'word', value: m[0] });
    i += m[0].length;
  }
  return tokens;
}
