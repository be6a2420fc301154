// The components a cluster runs by default (controllers, scheduler, simulated nodes), in start order.
import type { ComponentFactory } from './client/component.js';
import { EndpointsController } from './controllers/endpoints/controller.js';
import { GarbageCollector } from './controllers/garbagecollector/controller.js';
import { NamespaceController } from './controllers/namespace/controller.js';
import { ServiceAccountController } from './controllers/serviceaccount/controller.js';

export const DEFAULT_COMPONENTS: ComponentFactory[] = [
  () => new NamespaceController(),
  () => new ServiceAccountController(),
  () => new GarbageCollector(),
  () => new EndpointsController(),
];
