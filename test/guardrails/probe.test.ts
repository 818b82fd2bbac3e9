test('probe', () => {
  const { createRequire } = (process as unknown as { getBuiltinModule(n: string): typeof import('node:module') }).getBuiltinModule('node:module');
  const req = createRequire(__filename);
  const cel = req('@marcbachmann/cel-js');
  const outerJson: JSON = req('node:vm').runInThisContext('JSON');
  const env = new cel.Environment({ unlistedVariablesAreDyn: true });
  const ctx = { object: { spec: { x: ['ab'], n: 5, m: { a: 1 } } }, request: { userInfo: { username: 'u' } } };
  const c = outerJson.parse(JSON.stringify(ctx), (_k, v) => (typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : v));
  expect(env.evaluate('object.spec.x.all(c, c.startsWith("a")) && !has(object.spec.y) && request.userInfo.username == "u" && object.spec.n > 3 && object.spec.m.all(k, k == "a") && "a" in object.spec.m && object.spec.x.exists(i, i.matches("^a[b]$")) && [1,2].all(i, i in [1,2,3])', c)).toBe(true);
});
