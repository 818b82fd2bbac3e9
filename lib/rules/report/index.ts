export * from './common';
export { toJson, toJsonParts } from './json';
export { toSarif, toSarifParts } from './sarif';
export type { SarifOptions } from './sarif';
export { toJunit } from './junit';
export { toText } from './text';
export { toMarkdown, resolveFramework, FRAMEWORK_KEYS } from './markdown';
export type { MarkdownOptions } from './markdown';
export { summaryLines } from './text';
