/** Keyless signer identities: when a certificate subject pattern admits more than one owner's workflows. */

/**
 * Why a keyless subject pattern is wide, or undefined when it names one repository's workflows.
 * Wide: a `.` wildcard repeated (`.*`, `.+`, `.{n,}`), which crosses `/` and so spans owners and
 * repositories; or a literal prefix that does not fix the owner (`scheme://host/owner/`). Patterns
 * that vary only within path components of one owner (`[^/]+`) are that owner's own workflows.
 */
export function wideSubjectProblem(regexp: string): string | undefined {
  const body = regexp.replace(/^\^/, '');
  let literal = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\' && i + 1 < body.length) {
      literal += body[++i];
      continue;
    }
    const cls = /^\[(.)\]/.exec(body.slice(i));
    if (cls && cls[1] !== '^' && cls[1] !== '\\') {
      literal += cls[1];
      i += 2;
      continue;
    }
    if ('.[](){}*+?|$^'.includes(c)) break;
    literal += c;
  }
  // Any unescaped '.' outside a character class followed by a repeat crosses path components.
  const stripped = body.replace(/\\./g, '').replace(/\[[^\]]*\]/g, 'C');
  if (/\.[*+{]/.test(stripped)) return 'it contains a wildcard (.* / .+) that crosses path components';
  if (!/^[a-z]+:\/\/[^/]+\/[^/]+\//.test(literal))
    return `its literal prefix '${literal}' does not name an owner (scheme://host/owner/)`;
  return undefined;
}
