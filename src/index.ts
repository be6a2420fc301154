// Public entry point of the kubesim package.
export { createCluster, type Cluster } from './cluster.js';
export type { ClusterOptions } from './config.js';
export { VirtualClock, RealClock, parseDuration, type Clock, type TimerHandle } from './clock.js';
export type { ClientOptions } from './kubeconfig.js';
export { SNAPSHOT_API_VERSION, SnapshotError, type Snapshot } from './snapshot.js';
export type { RestoreResult } from './admin.js';
export { DEFAULT_COMPONENTS } from './components.js';
export type { Component, ComponentContext, ComponentFactory } from './client/component.js';
export { FaultSpecError, type Fault, type FaultSpec, type FaultsApi, type FaultAction, type FaultErrorCode } from './faults.js';
export type { RecordedRequest, RequestFilter, RequestLog } from './request-log.js';
export { FixtureError, FIXTURE_SETS } from './fixtures.js';
