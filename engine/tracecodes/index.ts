export * from './codeIndex';
export * from './config';
export * from './fresh';
export * from './registry';
export * from './report';
export * from './scan';
export * from './sites';
