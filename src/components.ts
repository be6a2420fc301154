// The components a cluster runs by default (controllers, scheduler, simulated nodes), in start order.
import type { ComponentFactory } from './client/component.js';
import { deploymentController } from './controllers/deployment/controller.js';
import { EndpointsController } from './controllers/endpoints/controller.js';
import { GarbageCollector } from './controllers/garbagecollector/controller.js';
import { NamespaceController } from './controllers/namespace/controller.js';
import { replicaSetController } from './controllers/replicaset/controller.js';
import { ServiceAccountController } from './controllers/serviceaccount/controller.js';
import { NodeLifecycleController } from './controllers/nodelifecycle/controller.js';
import { NodeManager } from './nodes/node-manager.js';
import { Scheduler } from './scheduler/scheduler.js';

export const DEFAULT_COMPONENTS: ComponentFactory[] = [
  () => new NamespaceController(),
  () => new ServiceAccountController(),
  () => new GarbageCollector(),
  () => new EndpointsController(),
  deploymentController,
  replicaSetController,
  () => new Scheduler(),
  () => new NodeManager(),
  () => new NodeLifecycleController(),
];
