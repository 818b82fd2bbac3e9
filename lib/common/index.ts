/**
 * Domain knowledge the constructs and the rule engine both use: pure data and pure functions, no
 * constructs. It sits between lib/core and everything else, so lib/rules can import it without
 * importing a construct module. The concerns re-export these names (rbac, imagePolicy, guardrails).
 */
export * from './rbac-risks';
export * from './image-reference';
export * from './guardrail-constants';
export * from './subject-pattern';
