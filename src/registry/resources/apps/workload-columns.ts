// Column helpers shared by the apps/v1 workload printers.
import { labelSelectorAsString } from '../../../machinery/labels.js';
import { col, containerNamesAndImages } from '../../columns.js';
type Obj = Record<string, any>;

export const CONTAINERS = col('Containers', 'Names of each container in the template.', 1);
export const IMAGES = col('Images', 'Images referenced by each container in the template.', 1);
export const SELECTOR = col('Selector', 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.', 1);

export function templateCells(o: Obj): [string, string] {
  return containerNamesAndImages(o.spec?.template?.spec);
}

export function selectorCell(o: Obj): string {
  return labelSelectorAsString(o.spec?.selector);
}
