export * from './ids';
export * from './prompt';
export * from './errors';
export * from './version';
