/** Hardening, images: immutable image references and pull policy. */
import { IMAGE_DIGEST_RULE_ID } from '../../../core';
import { parseImageReference } from '../../../common/image-reference';
import { DerivedKey } from '../../object-set';
import { ResolvedContainer } from '../../pod-template';
import { Rule, RuleContext } from '../../rule';
import { PathSegment } from '../../types';
import { NSA, OWASP, SOC2 } from '../../references';
import { str } from '../../util';
import { at, containerRule } from '../helpers';

const PARSED_IMAGES: DerivedKey<Map<string, ReturnType<typeof parseImageReference>>> = { name: 'parsed images' };

/** Image references parsed once per run: a repository repeats a handful of images across thousands of pods. */
const newImageCache = (): Map<string, ReturnType<typeof parseImageReference>> => new Map();

function parsedImage(ctx: RuleContext, image: string): ReturnType<typeof parseImageReference> {
  const cache = ctx.set.derive(PARSED_IMAGES, newImageCache);
  let parsed = cache.get(image);
  if (!parsed) cache.set(image, (parsed = parseImageReference(image)));
  return parsed;
}

/** Where a container's image is; built only for a finding (every container of every pod is checked). */
const imagePath = (c: ResolvedContainer): PathSegment[] => [...c.path, 'image'];

const imagePinned = containerRule(
  {
    id: IMAGE_DIGEST_RULE_ID,
    title: 'Images pinned by tag and digest',
    severity: 'error',
    description:
      'A digest makes the image immutable (CKV_K8S_43); a tag alongside it keeps tag-based scanners happy and tells humans what runs.',
    fix: 'Use registry/repository:tag@sha256:<digest>.',
    references: [NSA.images, OWASP.supplyChain, SOC2.software],
    scanners: ['CKV_K8S_43', 'CKV_K8S_14', 'KSV-0013', 'kube-score container-image-tag', 'Polaris tagNotSpecified'],
  },
  (c, _pod, ctx) => {
    const parsed = parsedImage(ctx, str(c.spec.image) ?? '');
    if (!parsed.ok) return at(`container ${c.name} image is invalid: ${parsed.problem}`, imagePath(c), c);
    if (!parsed.ref.digest)
      return at(`container ${c.name} image ${parsed.ref.raw} is not pinned by digest`, imagePath(c), c);
    if (!parsed.ref.tag || parsed.ref.tag === 'latest') {
      return {
        ...at(`container ${c.name} image ${parsed.ref.raw} has no explicit tag`, imagePath(c), c),
        severity: 'warning',
      };
    }
    return undefined;
  },
);

const pullPolicy = containerRule(
  {
    id: 'HRD-ImagePullPolicy',
    title: 'imagePullPolicy Always',
    severity: 'warning',
    description: 'kube-score and Polaris require Always so that registry authorization is checked on every start.',
    fix: 'Set imagePullPolicy: Always.',
    references: [NSA.images],
    scanners: ['kube-score container-image-pull-policy', 'Polaris pullPolicyNotAlways', 'CKV_K8S_15'],
  },
  (c) =>
    c.spec.imagePullPolicy === 'Always'
      ? undefined
      : at(
          `container ${c.name} imagePullPolicy is ${String(c.spec.imagePullPolicy ?? 'unset')}`,
          [...c.path, 'imagePullPolicy'],
          c,
        ),
);

export const IMAGE_RULES: readonly Rule[] = [imagePinned, pullPolicy];
