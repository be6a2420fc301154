// batch/v1 CronJob: columns as upstream's printCronJob (TIMEZONE since 1.27), defaults and validation.
import { age } from '../../../machinery/duration.js';
import { labelSelectorAsString } from '../../../machinery/labels.js';
import { col, AGE, containerNamesAndImages, NAME_DESCRIPTION } from '../../columns.js';
import { defaultCronJob } from '../../defaults/batch.js';
import type { ResourceDef } from '../../types.js';
import { CONTAINERS, IMAGES } from '../apps/workload-columns.js';
import { validateCronJob } from './validation.js';

const TIME_ZONE_DESCRIPTION =
  'The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones. If not specified, this will default to the time zone of the kube-controller-manager process. The set of valid time zone names and the time zone offset is loaded from the system-wide time zone database by the API server during CronJob validation and the controller manager during execution. If no system-wide time zone database can be found a bundled version of the database is used instead. If the time zone name becomes invalid during the lifetime of a CronJob or due to a change in host configuration, the controller will stop creating new new Jobs and will create a system event with the reason UnknownTimeZone. More information can be found in https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones';

export const cronjobs: ResourceDef = {
  group: 'batch',
  version: 'v1',
  kind: 'CronJob',
  plural: 'cronjobs',
  singular: 'cronjob',
  namespaced: true,
  shortNames: ['cj'],
  categories: ['all'],
  nameRule: 'subdomain',
  generation: true,
  statusSubresource: true,
  subresources: [{ name: 'status', verbs: ['get', 'patch', 'update'] }],
  columns: [
    col('Name', NAME_DESCRIPTION),
    col('Schedule', 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.'),
    col('Timezone', TIME_ZONE_DESCRIPTION),
    col('Suspend', 'This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.  Defaults to false.', 0, 'boolean'),
    col('Active', 'A list of pointers to currently running jobs.', 0, 'integer'),
    col('Last Schedule', 'Information when was the last time the job was successfully scheduled.'),
    AGE,
    CONTAINERS,
    IMAGES,
    col(
      'Selector',
      'A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors',
      1,
    ),
  ],
  cells: (o, now) => {
    const jobSpec = o.spec?.jobTemplate?.spec;
    const [names, images] = containerNamesAndImages(jobSpec?.template?.spec);
    const suspend = o.spec?.suspend;
    return [
      o.metadata?.name,
      o.spec?.schedule ?? '',
      o.spec?.timeZone ?? '<none>',
      suspend == null ? '<unset>' : suspend ? 'True' : 'False',
      (o.status?.active ?? []).length,
      o.status?.lastScheduleTime ? age(o.status.lastScheduleTime, now) : '<none>',
      age(o.metadata?.creationTimestamp, now),
      names,
      images,
      labelSelectorAsString(jobSpec?.selector),
    ];
  },
  defaults: defaultCronJob,
  prepareForCreate: (o) => {
    o.status = {};
  },
  validate: validateCronJob,
};
