export * from './client';
export * from './admin';
export * from './producer';
export * from './topics';
export * from './transactional';
export * from './transactionalSender';
export * from './connection';
