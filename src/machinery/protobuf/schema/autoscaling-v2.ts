// Protobuf field table for autoscaling/v2 HorizontalPodAutoscaler (notation: ./types.ts), which `kubectl autoscale`
// sends from 1.32 on. Field numbers from k8s.io/api/autoscaling/v2/generated.proto.
import type { MessageTable } from './types.js';

export const AUTOSCALING_V2: MessageTable = {
  'autoscaling.v2.HorizontalPodAutoscaler': {
    metadata: [1, 'meta.v1.ObjectMeta'], spec: [2, 'autoscaling.v2.HorizontalPodAutoscalerSpec'], status: [3, 'autoscaling.v2.HorizontalPodAutoscalerStatus'],
  },
  'autoscaling.v2.HorizontalPodAutoscalerSpec': {
    scaleTargetRef: [1, 'autoscaling.v2.CrossVersionObjectReference'], minReplicas: [2, 'int32?'], maxReplicas: [3, 'int32'],
    metrics: [4, '[]autoscaling.v2.MetricSpec'], behavior: [5, 'autoscaling.v2.HorizontalPodAutoscalerBehavior?'],
  },
  'autoscaling.v2.CrossVersionObjectReference': { kind: [1, 'string'], name: [2, 'string'], apiVersion: [3, 'string'] },
  'autoscaling.v2.HorizontalPodAutoscalerBehavior': { scaleUp: [1, 'autoscaling.v2.HPAScalingRules?'], scaleDown: [2, 'autoscaling.v2.HPAScalingRules?'] },
  'autoscaling.v2.HPAScalingRules': {
    stabilizationWindowSeconds: [3, 'int32?'], selectPolicy: [1, 'string?'], policies: [2, '[]autoscaling.v2.HPAScalingPolicy'], tolerance: [4, 'Quantity?'],
  },
  'autoscaling.v2.HPAScalingPolicy': { type: [1, 'string'], value: [2, 'int32'], periodSeconds: [3, 'int32'] },
  'autoscaling.v2.MetricSpec': {
    type: [1, 'string'], object: [2, 'autoscaling.v2.ObjectMetricSource?'], pods: [3, 'autoscaling.v2.PodsMetricSource?'],
    resource: [4, 'autoscaling.v2.ResourceMetricSource?'], containerResource: [7, 'autoscaling.v2.ContainerResourceMetricSource?'],
    external: [5, 'autoscaling.v2.ExternalMetricSource?'],
  },
  'autoscaling.v2.MetricTarget': { type: [1, 'string'], value: [2, 'Quantity?'], averageValue: [3, 'Quantity?'], averageUtilization: [4, 'int32?'] },
  'autoscaling.v2.MetricIdentifier': { name: [1, 'string'], selector: [2, 'meta.v1.LabelSelector?'] },
  'autoscaling.v2.ResourceMetricSource': { name: [1, 'string'], target: [2, 'autoscaling.v2.MetricTarget'] },
  'autoscaling.v2.ContainerResourceMetricSource': { name: [1, 'string'], target: [2, 'autoscaling.v2.MetricTarget'], container: [3, 'string'] },
  'autoscaling.v2.PodsMetricSource': { metric: [1, 'autoscaling.v2.MetricIdentifier'], target: [2, 'autoscaling.v2.MetricTarget'] },
  'autoscaling.v2.ObjectMetricSource': {
    describedObject: [1, 'autoscaling.v2.CrossVersionObjectReference'], target: [2, 'autoscaling.v2.MetricTarget'], metric: [3, 'autoscaling.v2.MetricIdentifier'],
  },
  'autoscaling.v2.ExternalMetricSource': { metric: [1, 'autoscaling.v2.MetricIdentifier'], target: [2, 'autoscaling.v2.MetricTarget'] },
  'autoscaling.v2.HorizontalPodAutoscalerStatus': {
    observedGeneration: [1, 'int64?'], lastScaleTime: [2, 'Time?'], currentReplicas: [3, 'int32'], desiredReplicas: [4, 'int32?'],
    currentMetrics: [5, '[]autoscaling.v2.MetricStatus'], conditions: [6, '[]autoscaling.v2.HorizontalPodAutoscalerCondition'],
  },
  'autoscaling.v2.MetricStatus': {
    type: [1, 'string'], object: [2, 'autoscaling.v2.ObjectMetricStatus?'], pods: [3, 'autoscaling.v2.PodsMetricStatus?'],
    resource: [4, 'autoscaling.v2.ResourceMetricStatus?'], containerResource: [7, 'autoscaling.v2.ContainerResourceMetricStatus?'],
    external: [5, 'autoscaling.v2.ExternalMetricStatus?'],
  },
  'autoscaling.v2.MetricValueStatus': { value: [1, 'Quantity?'], averageValue: [2, 'Quantity?'], averageUtilization: [3, 'int32?'] },
  'autoscaling.v2.ResourceMetricStatus': { name: [1, 'string'], current: [2, 'autoscaling.v2.MetricValueStatus'] },
  'autoscaling.v2.ContainerResourceMetricStatus': { name: [1, 'string'], current: [2, 'autoscaling.v2.MetricValueStatus'], container: [3, 'string'] },
  'autoscaling.v2.PodsMetricStatus': { metric: [1, 'autoscaling.v2.MetricIdentifier'], current: [2, 'autoscaling.v2.MetricValueStatus'] },
  'autoscaling.v2.ObjectMetricStatus': {
    metric: [1, 'autoscaling.v2.MetricIdentifier'], current: [2, 'autoscaling.v2.MetricValueStatus'], describedObject: [3, 'autoscaling.v2.CrossVersionObjectReference'],
  },
  'autoscaling.v2.ExternalMetricStatus': { metric: [1, 'autoscaling.v2.MetricIdentifier'], current: [2, 'autoscaling.v2.MetricValueStatus'] },
  'autoscaling.v2.HorizontalPodAutoscalerCondition': {
    type: [1, 'string'], status: [2, 'string'], lastTransitionTime: [3, 'Time?'], reason: [4, 'string'], message: [5, 'string'],
  },
};
