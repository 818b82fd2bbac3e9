import {
  DIGEST_PATTERN,
  isWithinPrefix,
  parseImagePrefix,
  parseImageReference,
  ImageReference,
} from '../../lib/image-policy';

const D = `sha256:${'0123456789abcdef'.repeat(4)}`;

function ok(raw: string): ImageReference {
  const result = parseImageReference(raw);
  if (!result.ok) throw new Error(`${raw}: ${result.problem}`);
  return result.ref;
}

function problem(raw: string): string {
  const result = parseImageReference(raw);
  if (result.ok) throw new Error(`${raw} parsed`);
  return result.problem;
}

describe('parseImageReference', () => {
  test.each([
    [
      `ghcr.io/acme/agent:1.2@${D}`,
      {
        registry: 'ghcr.io',
        explicitRegistry: true,
        repository: 'acme/agent',
        tag: '1.2',
        digest: D,
        name: 'ghcr.io/acme/agent',
      },
    ],
    [`ghcr.io/acme/agent@${D}`, { registry: 'ghcr.io', repository: 'acme/agent', tag: undefined, digest: D }],
    [
      'nginx',
      {
        registry: 'docker.io',
        explicitRegistry: false,
        repository: 'library/nginx',
        tag: undefined,
        digest: undefined,
        name: 'docker.io/library/nginx',
      },
    ],
    ['nginx:1.27', { registry: 'docker.io', repository: 'library/nginx', tag: '1.27' }],
    ['bitnami/redis:7', { registry: 'docker.io', explicitRegistry: false, repository: 'bitnami/redis' }],
    ['docker.io/nginx:1', { registry: 'docker.io', explicitRegistry: true, repository: 'library/nginx' }],
    [
      'index.docker.io/library/nginx:1',
      { registry: 'docker.io', repository: 'library/nginx', name: 'docker.io/library/nginx' },
    ],
    ['registry-1.docker.io/bitnami/redis', { registry: 'docker.io', name: 'docker.io/bitnami/redis' }],
    ['localhost/agent:1', { registry: 'localhost', repository: 'agent' }],
    ['localhost:5000/team/agent:1', { registry: 'localhost:5000', repository: 'team/agent', tag: '1' }],
    ['localhost', { registry: 'docker.io', repository: 'library/localhost' }],
    [
      'registry.example.com:443/a/b/c:v1_2.3-rc',
      { registry: 'registry.example.com:443', repository: 'a/b/c', tag: 'v1_2.3-rc' },
    ],
    [
      'registry.example.com.evil.io/x',
      { registry: 'registry.example.com.evil.io', repository: 'x', name: 'registry.example.com.evil.io/x' },
    ],
    ['ghcr.io:5000', { registry: 'docker.io', repository: 'library/ghcr.io', tag: '5000' }],
    ['a__b/c--d/e.f_g:Tag_1', { registry: 'docker.io', repository: 'a__b/c--d/e.f_g', tag: 'Tag_1' }],
  ])('parses %s', (raw, expected) => {
    expect(ok(raw)).toMatchObject({ raw, ...expected });
  });

  test.each([
    ['', 'the image reference is empty'],
    ['ghcr.io/acme/agent :1', 'the image reference contains whitespace'],
    ['ghcr.io/acme/agént:1', 'the image reference contains characters outside printable ASCII'],
    ['x'.repeat(4097), 'the image reference is longer than 4096 characters'],
    [
      `ghcr.io/acme/agent@sha256:${'a'.repeat(63)}`,
      `the digest 'sha256:${'a'.repeat(63)}' is not 'sha256:' followed by 64 lower-case hex characters`,
    ],
    [`ghcr.io/acme/agent@sha256:${'a'.repeat(65)}`, "is not 'sha256:' followed by 64 lower-case hex characters"],
    [`ghcr.io/acme/agent@sha256:${'A'.repeat(64)}`, "is not 'sha256:' followed by 64 lower-case hex characters"],
    [`ghcr.io/acme/agent@sha512:${'a'.repeat(128)}`, "is not 'sha256:' followed by 64 lower-case hex characters"],
    ['ghcr.io/acme/agent@', "the digest '' is not"],
    [`ghcr.io/acme/agent@${D}@${D}`, 'is not'],
    ['ghcr.io/acme/agent:', "the tag '' is not a valid tag"],
    ['ghcr.io/acme/agent:-1', "the tag '-1' is not a valid tag"],
    [`ghcr.io/acme/agent:${'a'.repeat(129)}`, 'is not a valid tag'],
    ['ghcr.io/acme/agent:1:2', "the tag '1:2' is not a valid tag"],
    ['GHCR.IO/acme/agent:1', "the registry 'GHCR.IO' contains upper-case letters"],
    ['ghcr.io/Acme/agent:1', "the repository 'Acme/agent' is not a valid lower-case repository path"],
    ['Nginx', "the repository 'Nginx' is not a valid lower-case repository path"],
    ['ghcr.io//agent', "the repository '/agent' is not a valid lower-case repository path"],
    ['ghcr.io/acme/../agent', "the repository 'acme/../agent' is not"],
    ['ghcr.io/acme/agent/', "the repository 'acme/agent/' is not"],
    ['ghcr.io/', "the repository '' is not"],
    ['ghcr.io:99999/agent', "the registry 'ghcr.io:99999' is not a valid host[:port]"],
    ['ghcr.io:0/agent', "the registry 'ghcr.io:0' is not a valid host[:port]"],
    ['ghcr.io:abc/agent', "the registry 'ghcr.io:abc' is not a valid host[:port]"],
    ['-ghcr.io/agent', "the registry '-ghcr.io' is not a valid host[:port]"],
    ['ghcr..io/agent', "the registry 'ghcr..io' is not a valid host[:port]"],
    ['[::1]:5000/agent', 'IPv6 literals are not supported'],
    [
      `ghcr.io/${'a'.repeat(70)}/${'b'.repeat(70)}/${'c'.repeat(70)}/${'d'.repeat(70)}`,
      'is longer than 255 characters',
    ],
    [`${'a'.repeat(64)}.io/agent`, 'is not a valid host[:port]'],
  ])('refuses %p', (raw, message) => {
    expect(problem(raw)).toContain(message);
  });

  test('never throws on non-string input', () => {
    expect(parseImageReference(undefined as unknown as string)).toEqual({
      ok: false,
      problem: 'the image reference is empty',
    });
    expect(parseImageReference(42 as unknown as string)).toEqual({
      ok: false,
      problem: 'the image reference is empty',
    });
  });

  test('DIGEST_PATTERN is exactly sha256 and 64 lower-case hex', () => {
    expect(DIGEST_PATTERN.test(D)).toBe(true);
    expect(DIGEST_PATTERN.test(`${D}0`)).toBe(false);
    expect(DIGEST_PATTERN.test(D.toUpperCase())).toBe(false);
  });
});

describe('isWithinPrefix', () => {
  test.each([
    ['ghcr.io/acme/agent:1', 'ghcr.io', true],
    ['ghcr.io/acme/agent:1', 'ghcr.io/', true],
    ['ghcr.io/acme/agent:1', 'ghcr.io/acme/', true],
    ['ghcr.io/acme/agent:1', 'ghcr.io/acme/agent', true],
    ['ghcr.io.evil.com/acme/agent:1', 'ghcr.io', false],
    ['registry.example.com.evil.io/x', 'registry.example.com', false],
    ['ghcr.io/acme-evil/agent:1', 'ghcr.io/acme', false],
    ['ghcr.io:443/acme/agent:1', 'ghcr.io', false],
    ['nginx:1', 'docker.io/library/', true],
    ['index.docker.io/library/nginx:1', 'docker.io/library', true],
    ['bitnami/redis', 'docker.io/library/', false],
  ])('%s within %s: %s', (raw, prefix, expected) => {
    expect(isWithinPrefix(ok(raw), prefix)).toBe(expected);
  });
});

describe('parseImagePrefix', () => {
  test.each([
    ['ghcr.io', 'ghcr.io/'],
    ['ghcr.io/', 'ghcr.io/'],
    ['ghcr.io/acme-ai', 'ghcr.io/acme-ai/'],
    ['ghcr.io/acme-ai//', 'ghcr.io/acme-ai/'],
    ['localhost:5000/team', 'localhost:5000/team/'],
    ['docker.io/library', 'docker.io/library/'],
  ])('normalizes %s to %s', (raw, normalized) => {
    expect(parseImagePrefix(raw)).toEqual({
      ok: true,
      prefix: { raw, normalized, registry: normalized.split('/')[0] },
    });
  });

  test.each([
    ['', 'the prefix is empty'],
    [
      'acme/',
      "the prefix does not start with a registry host ('acme' has no '.', ':' and is not 'localhost'); Docker Hub prefixes start with 'docker.io/'",
    ],
    ['ghcr.io/acme/*', 'the prefix contains a wildcard or digest'],
    [`ghcr.io/acme/x@sha256:${'a'.repeat(64)}`, 'the prefix contains a wildcard or digest'],
    ['GHCR.io/acme', 'contains upper-case letters'],
    ['ghcr.io/Acme', "the repository path 'Acme' is not a valid lower-case repository path"],
    ['index.docker.io/library', "write 'docker.io' instead of its alias 'index.docker.io'"],
    ['ghcr.io /acme', 'the prefix contains whitespace'],
  ])('refuses %p', (raw, message) => {
    const result = parseImagePrefix(raw);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.problem).toContain(message);
  });
});
