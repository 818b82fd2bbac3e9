/**
 * CEL for the admission guardrail on what an agent creates. Pure string builders: the tests run
 * the same expressions through a real CEL evaluator.
 *
 * Portability: lists are built with `has(x) ? x : []` rather than optional syntax, which older
 * API servers reject.
 */
import { RESTRICTED_VOLUME_TYPES } from '../core/baseline';
import { celAllContainers, celImageFromAllowedPrefix, celString, celStringList } from '../image-policy/cel';
import { APPROVAL_ANNOTATION as APPROVAL_ANNOTATION_KEY } from '../common/guardrail-constants';

/** One validation of a ValidatingAdmissionPolicy. */
export interface CelValidation {
  /** CEL expression that must be true for the request to be admitted. */
  readonly expression: string;
  /** Message returned to the client when the expression is false. */
  readonly message: string;
  /** Status reason of the refusal. @default undefined (the API server then uses 'Invalid') */
  readonly reason?: 'Forbidden' | 'Invalid';
}

/** A named CEL variable of a ValidatingAdmissionPolicy, shared by its validations. */
export interface CelVariable {
  /** Name, read in validations as `variables.<name>`. */
  readonly name: string;
  /** CEL expression of the value; evaluated lazily. */
  readonly expression: string;
}

const POD_SPEC = 'object.spec.template.spec';

/** Variables the validations read. Variables are evaluated lazily, so non-Jobs never touch them. */
export const JOB_VARIABLES: readonly CelVariable[] = [
  { name: 'isJob', expression: "object.kind == 'Job'" },
  { name: 'podSpec', expression: POD_SPEC },
  { name: 'containers', expression: celAllContainers(POD_SPEC) },
];

/** Guards a Job-only check so other kinds fail only the "Jobs only" rule. */
function jobOnly(expression: string): string {
  return `!variables.isJob || (${expression})`;
}

function hasTrue(path: string, field: string): string {
  return `(has(${path}.${field}) && ${path}.${field} == true)`;
}

/** Checks a securityContext field on every container: the container's value when set, otherwise the pod's. */
function effective(field: string, check: (value: string) => string): string {
  const ctr = `c.securityContext.${field}`;
  const pod = `variables.podSpec.securityContext.${field}`;
  const podOk = `(has(variables.podSpec.securityContext) && has(${pod}) && ${check(pod)})`;
  return `variables.containers.all(c, (has(c.securityContext) && has(${ctr})) ? ${check(ctr)} : ${podOk})`;
}

/** The Pod Security "restricted" controls the guardrail re-checks at Job creation time. */
export function restrictedPodValidations(): CelValidation[] {
  const ps = 'variables.podSpec';
  const volumeChecks = RESTRICTED_VOLUME_TYPES.map((t) => `has(v.${t})`).join(' || ');
  return [
    {
      expression: `!${hasTrue(ps, 'hostNetwork')} && !${hasTrue(ps, 'hostPID')} && !${hasTrue(ps, 'hostIPC')}`,
      message: 'Pod Security restricted: host namespaces (hostNetwork, hostPID, hostIPC) are forbidden',
    },
    {
      expression: `!has(${ps}.volumes) || ${ps}.volumes.all(v, ${volumeChecks})`,
      message: `Pod Security restricted: volumes must be one of ${RESTRICTED_VOLUME_TYPES.join(', ')}`,
    },
    {
      expression: 'variables.containers.all(c, !has(c.ports) || c.ports.all(p, !has(p.hostPort) || p.hostPort == 0))',
      message: 'Pod Security restricted: hostPort is forbidden',
    },
    {
      expression: `variables.containers.all(c, !has(c.securityContext) || !${hasTrue('c.securityContext', 'privileged')})`,
      message: 'Pod Security restricted: privileged containers are forbidden',
    },
    {
      expression:
        'variables.containers.all(c, has(c.securityContext) && has(c.securityContext.allowPrivilegeEscalation) && c.securityContext.allowPrivilegeEscalation == false)',
      message: 'Pod Security restricted: every container must set allowPrivilegeEscalation: false',
    },
    {
      expression:
        "variables.containers.all(c, has(c.securityContext) && has(c.securityContext.capabilities) && has(c.securityContext.capabilities.drop) && 'ALL' in c.securityContext.capabilities.drop && (!has(c.securityContext.capabilities.add) || c.securityContext.capabilities.add.all(a, a == 'NET_BIND_SERVICE')))",
      message: 'Pod Security restricted: every container must drop ALL capabilities and add none but NET_BIND_SERVICE',
    },
    {
      expression: effective('runAsNonRoot', (v) => `${v} == true`),
      message: 'Pod Security restricted: runAsNonRoot must be true for every container',
    },
    {
      expression: `(!has(${ps}.securityContext) || !has(${ps}.securityContext.runAsUser) || ${ps}.securityContext.runAsUser != 0) && variables.containers.all(c, !has(c.securityContext) || !has(c.securityContext.runAsUser) || c.securityContext.runAsUser != 0)`,
      message: 'Pod Security restricted: runAsUser must not be 0',
    },
    {
      expression: effective('seccompProfile', (v) => `${v}.type in ['RuntimeDefault', 'Localhost']`),
      message: 'Pod Security restricted: seccompProfile.type must be RuntimeDefault or Localhost for every container',
    },
  ];
}

/** What an agent may put in the Jobs it creates: the limits its Job guardrail policy enforces. */
export interface JobGuardrailOptions {
  /** The agent's namespace: the only one it may create in. */
  readonly namespace: string;
  /** The agent's name: value of the created-by label, and a selector label the Job must not copy. */
  readonly agentName: string;
  /** Labels every created Job and its pod template must carry. */
  readonly requiredLabels: Readonly<Record<string, string>>;
  /** Image prefixes, each `host[:port]/path`, without a trailing `/`. */
  readonly allowedImagePrefixes: readonly string[];
  /** ServiceAccounts a created Job may run as; unset means the namespace's token-less `default`. */
  readonly serviceAccountNames: readonly string[];
  /** Longest `activeDeadlineSeconds` a created Job may set; it must set one. */
  readonly maxActiveDeadlineSeconds: number;
  /**
   * Longest `ttlSecondsAfterFinished` a created Job may set; it must set one, so finished Jobs are cleaned
   * up.
   */
  readonly maxTtlSecondsAfterFinished: number;
  /** When set, a Job runs only suspended or with the approval annotation. */
  readonly requireApproval: boolean;
}

function labelsPresent(path: string, labels: Readonly<Record<string, string>>): string {
  const checks = Object.entries(labels).map(
    ([k, v]) => `${celString(k)} in ${path}.labels && ${path}.labels[${celString(k)}] == ${celString(v)}`,
  );
  return `has(${path}.labels) && ${checks.join(' && ')}`;
}

/** The validations of the agent's Job guardrail, in order. */
export function jobGuardrailValidations(o: JobGuardrailOptions): CelValidation[] {
  const tmeta = 'object.spec.template.metadata';
  const selectorKey = celString('app.kubernetes.io/name');
  const saAllowed = (field: string) =>
    `!has(variables.podSpec.${field}) || variables.podSpec.${field} in ${celStringList(o.serviceAccountNames)}`;
  const checks: CelValidation[] = [
    {
      expression: 'variables.isJob',
      message: `agent '${o.agentName}' may create only Jobs: other workloads escape the deadline and TTL bounds`,
      reason: 'Forbidden',
    },
    {
      expression: `request.namespace == ${celString(o.namespace)}`,
      message: `agent '${o.agentName}' may create workloads only in its namespace '${o.namespace}'`,
      reason: 'Forbidden',
    },
    {
      expression: jobOnly(
        `${labelsPresent('object.metadata', o.requiredLabels)} && has(${tmeta}) && ${labelsPresent(tmeta, o.requiredLabels)}`,
      ),
      message: `the Job and its pod template must carry the labels ${JSON.stringify(o.requiredLabels)}`,
    },
    {
      expression: jobOnly(
        `!has(${tmeta}) || !has(${tmeta}.labels) || !(${selectorKey} in ${tmeta}.labels) || ${tmeta}.labels[${selectorKey}] != ${celString(o.agentName)}`,
      ),
      message: `the Job's pods must not carry the agent's selector label app.kubernetes.io/name=${o.agentName} (they would receive the agent's traffic and policies)`,
    },
    {
      expression: jobOnly(
        `has(object.spec.activeDeadlineSeconds) && object.spec.activeDeadlineSeconds > 0 && object.spec.activeDeadlineSeconds <= ${o.maxActiveDeadlineSeconds}`,
      ),
      message: `spec.activeDeadlineSeconds must be set, at most ${o.maxActiveDeadlineSeconds}`,
    },
    {
      expression: jobOnly(
        `has(object.spec.ttlSecondsAfterFinished) && object.spec.ttlSecondsAfterFinished <= ${o.maxTtlSecondsAfterFinished}`,
      ),
      message: `spec.ttlSecondsAfterFinished must be set, at most ${o.maxTtlSecondsAfterFinished}`,
    },
    {
      expression: jobOnly(`(${saAllowed('serviceAccountName')}) && (${saAllowed('serviceAccount')})`),
      message:
        o.serviceAccountNames.length > 0
          ? `serviceAccountName must be unset or one of ${o.serviceAccountNames.join(', ')}`
          : "serviceAccountName must be unset (the namespace's token-less default ServiceAccount)",
    },
    {
      expression: jobOnly(
        `variables.containers.all(c, ${celImageFromAllowedPrefix(
          'c.image',
          o.allowedImagePrefixes.map((p) => `${p}/`),
        )})`,
      ),
      message: `images must come from ${o.allowedImagePrefixes.map((p) => `${p}/`).join(', ')}`,
    },
    ...restrictedPodValidations().map((v) => ({ ...v, expression: jobOnly(v.expression) })),
  ];
  if (o.requireApproval) checks.push(approvalRequiredValidation());
  return checks;
}

/** A Job the agent creates runs only once approved: it is created suspended and an approver resumes it. */
export function approvalRequiredValidation(): CelValidation {
  const key = celString(APPROVAL_ANNOTATION_KEY);
  return {
    expression: jobOnly(
      `(has(object.spec.suspend) && object.spec.suspend == true) || (has(object.metadata.annotations) && ${key} in object.metadata.annotations)`,
    ),
    message: `the Job needs human approval: create it with spec.suspend: true; an approver adds ${APPROVAL_ANNOTATION_KEY} and resumes it`,
    reason: 'Forbidden',
  };
}

/**
 * Only the approver group may add or change the approval annotation, and its value must be the
 * approver's own username, so an approval always names who gave it.
 */
export function approvalAnnotationValidation(approverGroup: string): CelValidation {
  const key = celString(APPROVAL_ANNOTATION_KEY);
  const newValue = `object.metadata.annotations[${key}]`;
  const present = (o: string) => `(has(${o}.metadata.annotations) && ${key} in ${o}.metadata.annotations)`;
  const unchanged = `(request.operation == 'UPDATE' && oldObject != null && ${present('oldObject')} && oldObject.metadata.annotations[${key}] == ${newValue})`;
  const byApprover = `(${celString(approverGroup)} in request.userInfo.groups && ${newValue} == request.userInfo.username)`;
  return {
    expression: `!${present('object')} || ${unchanged} || ${byApprover}`,
    message: `only members of '${approverGroup}' may set ${APPROVAL_ANNOTATION_KEY}, and its value must be their own username`,
    reason: 'Forbidden',
  };
}
