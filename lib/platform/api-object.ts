/**
 * The ApiObject classes the constructs create: cdk8s's `ApiObject` and cdk8s-plus-28's `k8s.Kube*`
 * with the same output, whose `toJson()` resolves in one pass (see ./resolve.ts). Constructs
 * create these instead of the stock classes; users' own objects are untouched.
 */
import { ApiObject, ApiObjectProps, GroupVersionKind, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { apiObjectJson } from './resolve';

/** cdk8s's `ApiObject`, with a one-pass `toJson()` (same output). */
export class AgentApiObject extends ApiObject {
  private patched = false;
  private readonly ownProps: ApiObjectProps;

  constructor(scope: Construct, id: string, props: ApiObjectProps) {
    super(scope, id, props);
    this.ownProps = props;
  }

  /** True once a JSON patch was added: its output is no longer what its props alone say. */
  public get hasJsonPatches(): boolean {
    return this.patched;
  }

  public addJsonPatch(...ops: JsonPatch[]): void {
    this.patched = true;
    super.addJsonPatch(...ops);
  }

  public toJson(): Record<string, unknown> {
    return apiObjectJson(this, this.ownProps, this.patched);
  }
}

/** A generated cdk8s-plus-28 `k8s.Kube*` class: its props type and its GVK. */
type KubeClass = (new (scope: Construct, id: string, props: never) => ApiObject) & {
  readonly GVK: GroupVersionKind;
};

/**
 * `Base` with a one-pass `toJson()`. The generated classes' own `toJson()` is
 * `{ ...GVK, ...toJson_<Kind>Props(super.toJson()) }`; this is the same with the one-pass
 * ApiObject part (test/platform/api-object.test.ts holds every class equal to its base).
 */
function fastKube<C extends KubeClass>(Base: C, convert: (resolved: never) => unknown): C {
  const Unchecked = Base as unknown as new (scope: Construct, id: string, props: unknown) => ApiObject;
  class Fast extends Unchecked {
    private patched = false;
    /** What the generated constructor hands to ApiObject's. */
    private readonly ownProps: ApiObjectProps;

    constructor(scope: Construct, id: string, props?: object) {
      super(scope, id, props);
      this.ownProps = { ...Base.GVK, ...props };
    }

    public addJsonPatch(...ops: JsonPatch[]): void {
      this.patched = true;
      super.addJsonPatch(...ops);
    }

    public toJson(): Record<string, unknown> {
      return { ...Base.GVK, ...(convert(apiObjectJson(this, this.ownProps, this.patched) as never) as object) };
    }
  }
  return Fast as unknown as C;
}

export const KubeClusterRole = fastKube(k8s.KubeClusterRole, k8s.toJson_KubeClusterRoleProps);
export const KubeClusterRoleBinding = fastKube(k8s.KubeClusterRoleBinding, k8s.toJson_KubeClusterRoleBindingProps);
export const KubeConfigMap = fastKube(k8s.KubeConfigMap, k8s.toJson_KubeConfigMapProps);
export const KubeLimitRange = fastKube(k8s.KubeLimitRange, k8s.toJson_KubeLimitRangeProps);
export const KubeNamespace = fastKube(k8s.KubeNamespace, k8s.toJson_KubeNamespaceProps);
export const KubePodDisruptionBudget = fastKube(k8s.KubePodDisruptionBudget, k8s.toJson_KubePodDisruptionBudgetProps);
export const KubePriorityClass = fastKube(k8s.KubePriorityClass, k8s.toJson_KubePriorityClassProps);
export const KubeResourceQuota = fastKube(k8s.KubeResourceQuota, k8s.toJson_KubeResourceQuotaProps);
export const KubeRole = fastKube(k8s.KubeRole, k8s.toJson_KubeRoleProps);
export const KubeRoleBinding = fastKube(k8s.KubeRoleBinding, k8s.toJson_KubeRoleBindingProps);
export const KubeRuntimeClass = fastKube(k8s.KubeRuntimeClass, k8s.toJson_KubeRuntimeClassProps);
export const KubeService = fastKube(k8s.KubeService, k8s.toJson_KubeServiceProps);
export const KubeServiceAccount = fastKube(k8s.KubeServiceAccount, k8s.toJson_KubeServiceAccountProps);
