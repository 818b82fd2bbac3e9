export * from '../common/guardrail-constants';
export * from './cel';
export * from './admission';
export * from './quota';
export * from './sandbox';
export * from './guardrails';
export * from './agent-controls';
export * from './llm-gateway';
