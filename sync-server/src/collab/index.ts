/** @module Relay-side collaboration: member registry, update guard and workspace REST routes. */
export { RelayCollab, RELAY_API_ORIGIN } from './service';
export { addCollabRoutes } from './routes';
export { checkCollabUpdate } from './guard';
export type { GuardPolicy, GuardSubject, GuardVerdict } from './guard';
export { MemberRegistry, enrollFromCli, readRegistryFile, registryPath } from './registry';
export type { Membership, WorkspaceRecord } from './registry';
export { touchedRoots } from './touched';
