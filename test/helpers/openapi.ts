import { KubeObject } from './synth';

type Model = new (data: unknown) => { validate(): void };

/**
 * The kubernetes-models class for an object's apiVersion and kind: these validate against the
 * Kubernetes OpenAPI schemas. Returns undefined for kinds the package has no schema for (CRDs).
 */
export function modelFor(obj: KubeObject): Model | undefined {
  const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion];
  const modulePath = group === '' ? `kubernetes-models/${version}` : `kubernetes-models/${group}/${version}`;
  try {
    const mod = require(modulePath) as Record<string, Model | undefined>;
    return mod[obj.kind];
  } catch {
    return undefined;
  }
}

/** Validates an object against its OpenAPI schema; returns the error text, or undefined when valid. */
export function openApiErrors(obj: KubeObject): string | undefined {
  const Model = modelFor(obj);
  if (!Model) return `no OpenAPI schema for ${obj.apiVersion} ${obj.kind}`;
  try {
    new Model(obj).validate();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
