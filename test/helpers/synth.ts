import { App, Testing } from 'cdk8s';
import { DEFAULT_PLATFORM_CONFIG, PlatformConfig } from '../../stacks/config';
import { buildDefaultPlatform, DefaultPlatform } from '../../stacks/platform';

/** A plain Kubernetes object as synthesized. */
export type KubeObject = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
};

/** Every object of every chart in the app, in synth order. */
export function appObjects(app: App): KubeObject[] {
  return app.charts.flatMap((chart) => chart.toJson() as KubeObject[]);
}

export function synthDefaultPlatform(config: PlatformConfig = DEFAULT_PLATFORM_CONFIG): {
  app: App;
  built: DefaultPlatform;
  objects: KubeObject[];
} {
  const app = Testing.app();
  const built = buildDefaultPlatform(app, config);
  return { app, built, objects: appObjects(app) };
}

const POD_TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

/** The pod spec of an object that runs pods, or undefined. */
export function podSpecOf(obj: KubeObject): Record<string, unknown> | undefined {
  if (obj.kind === 'Pod') return dig(obj, 'spec');
  if (POD_TEMPLATE_KINDS.has(obj.kind)) return dig(obj, 'spec', 'template', 'spec');
  if (obj.kind === 'CronJob') return dig(obj, 'spec', 'jobTemplate', 'spec', 'template', 'spec');
  return undefined;
}

/** Follows a path of keys through nested objects. */
export function dig(obj: unknown, ...keys: string[]): Record<string, unknown> | undefined {
  let current: unknown = obj;
  for (const key of keys) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return typeof current === 'object' && current !== null ? (current as Record<string, unknown>) : undefined;
}

export function findObject(objects: KubeObject[], kind: string, name: string, namespace?: string): KubeObject {
  const found = objects.find(
    (o) =>
      o.kind === kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace),
  );
  if (!found) throw new Error(`no ${kind} ${namespace ?? '*'}/${name} among ${objects.length} objects`);
  return found;
}
