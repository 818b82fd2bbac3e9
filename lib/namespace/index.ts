export * from './namespace';
export * from './quota-budget';
