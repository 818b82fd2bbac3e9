export * from '../common/image-reference';
export * from './settings';
export * from './cel';
export * from './vap';
export * from './kyverno';
export * from './sigstore';
export * from './policy';
