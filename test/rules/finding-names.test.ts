/**
 * The engine gives every finding the run's shared copy of its path and message: equal, finding
 * for finding, to what the draft said (rendered as renderPath renders it), never another value.
 */
import { PathSegment, renderPath } from '../../lib/rules';
import { FindingNames } from '../../lib/rules/finding-names';

const PATHS: PathSegment[][] = [
  [],
  ['spec'],
  ['spec', 'template', 'spec', 'containers', 0, 'image'],
  ['spec', 'containers', 0],
  ['spec', 'containers', '0'],
  ['metadata', 'annotations', 'a.b/c'],
  ['data', ''],
  ['data', 'key with space', 3],
  [0, 'x'],
  ['$ok', '_ok', '9no'],
];

describe('FindingNames.path', () => {
  test.each(PATHS.map((p) => [JSON.stringify(p), p]))('%s: rendered and segments as the draft', (_, p) => {
    const names = new FindingNames();
    const node = names.path(p);
    expect(node.rendered).toBe(renderPath(p));
    expect(node.segments).toEqual(p);
    expect(Object.isFrozen(node.segments)).toBe(true);
  });

  test('equal paths share one node; a number and its string stay apart', () => {
    const names = new FindingNames();
    const nodes = PATHS.map((p) => names.path(p));
    PATHS.forEach((p, i) => {
      expect(names.path([...p])).toBe(nodes[i]);
      expect(names.path([...p]).segments).toEqual(p);
    });
    expect(names.path(['spec', 'containers', 0]).rendered).toBe('spec.containers[0]');
    expect(names.path(['spec', 'containers', '0']).rendered).toBe('spec.containers["0"]');
  });

  test('a prefix asked after a longer path is still its own path', () => {
    const names = new FindingNames();
    names.path(['spec', 'template', 'spec']);
    expect(names.path(['spec', 'template']).segments).toEqual(['spec', 'template']);
    expect(names.path(['spec', 'template']).rendered).toBe('spec.template');
  });
});

describe('FindingNames.message', () => {
  test('one copy per text, equal to it', () => {
    const names = new FindingNames();
    const a = names.message(`container ${'api'} is privileged`);
    expect(a).toBe('container api is privileged');
    expect(names.message(['container', 'api', 'is', 'privileged'].join(' '))).toBe(a);
    expect(names.message('other')).toBe('other');
  });
});
