// Protobuf field table for batch/v1 (notation: ./types.ts).
import type { MessageTable } from './types.js';

export const BATCH_V1: MessageTable = {
  'batch.v1.CronJob': { metadata: [1, 'meta.v1.ObjectMeta'], spec: [2, 'batch.v1.CronJobSpec'], status: [3, 'batch.v1.CronJobStatus'] },
  'batch.v1.CronJobSpec': {
    schedule: [1, 'string'], timeZone: [8, 'string?'], startingDeadlineSeconds: [2, 'int64?'], concurrencyPolicy: [3, 'string'],
    suspend: [4, 'bool?'], jobTemplate: [5, 'batch.v1.JobTemplateSpec'], successfulJobsHistoryLimit: [6, 'int32?'],
    failedJobsHistoryLimit: [7, 'int32?'],
  },
  'batch.v1.CronJobStatus': { active: [1, '[]core.v1.ObjectReference'], lastScheduleTime: [4, 'Time?'], lastSuccessfulTime: [5, 'Time?'] },
  'batch.v1.Job': { metadata: [1, 'meta.v1.ObjectMeta'], spec: [2, 'batch.v1.JobSpec'], status: [3, 'batch.v1.JobStatus'] },
  'batch.v1.JobCondition': {
    type: [1, 'string'], status: [2, 'string'], lastProbeTime: [3, 'Time'], lastTransitionTime: [4, 'Time'], reason: [5, 'string'],
    message: [6, 'string'],
  },
  'batch.v1.JobSpec': {
    parallelism: [1, 'int32?'], completions: [2, 'int32?'], activeDeadlineSeconds: [3, 'int64?'],
    podFailurePolicy: [11, 'batch.v1.PodFailurePolicy?'], successPolicy: [16, 'batch.v1.SuccessPolicy?'], backoffLimit: [7, 'int32?'],
    backoffLimitPerIndex: [12, 'int32?'], maxFailedIndexes: [13, 'int32?'], selector: [4, 'meta.v1.LabelSelector?'],
    manualSelector: [5, 'bool?'], template: [6, 'core.v1.PodTemplateSpec'], ttlSecondsAfterFinished: [8, 'int32?'],
    completionMode: [9, 'string?'], suspend: [10, 'bool?'], podReplacementPolicy: [14, 'string?'], managedBy: [15, 'string?'],
  },
  'batch.v1.JobStatus': {
    conditions: [1, '[]batch.v1.JobCondition'], startTime: [2, 'Time?'], completionTime: [3, 'Time?'], active: [4, 'int32'],
    succeeded: [5, 'int32'], failed: [6, 'int32'], terminating: [11, 'int32?'], completedIndexes: [7, 'string'],
    failedIndexes: [10, 'string?'], uncountedTerminatedPods: [8, 'batch.v1.UncountedTerminatedPods?'], ready: [9, 'int32?'],
  },
  'batch.v1.JobTemplateSpec': { metadata: [1, 'meta.v1.ObjectMeta'], spec: [2, 'batch.v1.JobSpec'] },
  'batch.v1.PodFailurePolicy': { rules: [1, '[]batch.v1.PodFailurePolicyRule'] },
  'batch.v1.PodFailurePolicyOnExitCodesRequirement': { containerName: [1, 'string?'], operator: [2, 'string'], values: [3, '[]int32'] },
  'batch.v1.PodFailurePolicyOnPodConditionsPattern': { type: [1, 'string'], status: [2, 'string'] },
  'batch.v1.PodFailurePolicyRule': {
    action: [1, 'string'], onExitCodes: [2, 'batch.v1.PodFailurePolicyOnExitCodesRequirement?'],
    onPodConditions: [3, '[]batch.v1.PodFailurePolicyOnPodConditionsPattern'],
  },
  'batch.v1.SuccessPolicy': { rules: [1, '[]batch.v1.SuccessPolicyRule'] },
  'batch.v1.SuccessPolicyRule': { succeededIndexes: [1, 'string?'], succeededCount: [2, 'int32?'] },
  'batch.v1.UncountedTerminatedPods': { succeeded: [1, '[]string'], failed: [2, '[]string'] },
};
