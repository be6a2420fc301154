// The components a cluster runs by default (controllers, scheduler, simulated nodes), in start order.
import type { ComponentFactory } from './client/component.js';
import { deploymentController } from './controllers/deployment/controller.js';
import { EndpointsController } from './controllers/endpoints/controller.js';
import { GarbageCollector } from './controllers/garbagecollector/controller.js';
import { NamespaceController } from './controllers/namespace/controller.js';
import { replicaSetController } from './controllers/replicaset/controller.js';
import { ServiceAccountController } from './controllers/serviceaccount/controller.js';
import { daemonSetController } from './controllers/daemonset/controller.js';
import { podGCController } from './controllers/podgc/controller.js';
import { statefulSetController } from './controllers/statefulset/controller.js';
import { persistentVolumeController } from './controllers/volume/controller.js';
import { NodeLifecycleController } from './controllers/nodelifecycle/controller.js';
import { taintEvictionController } from './controllers/tainteviction/controller.js';
import { disruptionController } from './controllers/disruption/controller.js';
import { cronJobController } from './controllers/cronjob/controller.js';
import { jobController } from './controllers/job/controller.js';
import { horizontalPodAutoscalerController } from './controllers/podautoscaler/controller.js';
import { ttlAfterFinishedController } from './controllers/ttlafterfinished/controller.js';
import { NodeManager } from './nodes/node-manager.js';
import { Scheduler } from './scheduler/scheduler.js';

export const DEFAULT_COMPONENTS: ComponentFactory[] = [
  () => new NamespaceController(),
  () => new ServiceAccountController(),
  () => new GarbageCollector(),
  () => new EndpointsController(),
  deploymentController,
  replicaSetController,
  statefulSetController,
  daemonSetController,
  persistentVolumeController,
  podGCController,
  jobController,
  cronJobController,
  ttlAfterFinishedController,
  horizontalPodAutoscalerController,
  () => new Scheduler(),
  () => new NodeManager(),
  () => new NodeLifecycleController(),
  taintEvictionController,
  disruptionController,
];
