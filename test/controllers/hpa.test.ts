// The HorizontalPodAutoscaler controller against a real store and the metrics.k8s.io view: the test plays the
// kubelet (running, ready pods) and drives usage with the kubesim.io/cpu-usage and memory-usage annotations.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rfc3339 } from '../../src/clock.js';
import { horizontalPodAutoscalerController } from '../../src/controllers/podautoscaler/controller.js';
import type { Obj } from '../../src/registry/types.js';
import { waitFor } from '../helpers/wait.js';
import { events, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness([horizontalPodAutoscalerController]);
});
afterEach(async () => {
  await h.stop();
});

const hpas = () => h.client.resource('autoscaling', 'v2', 'horizontalpodautoscalers');
const getHPA = (name: string): Obj => hpas().get('default', name)!;
const replicas = (name: string) => h.client.deployments.get('default', name)?.spec?.replicas;
const condition = (o: Obj, type: string): Obj | undefined => (o.status?.conditions ?? []).find((c: Obj) => c.type === type);

async function deployment(name: string, n: number): Promise<void> {
  const labels = { app: name };
  await h.client.deployments.create('default', {
    metadata: { name },
    spec: { replicas: n, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  });
}

/** Running, ready pods started ten minutes ago (past the HPA's CPU initialisation period), with pinned usage. */
async function pods(app: string, n: number, usage: { cpu?: string; memory?: string }, requests: Obj = { cpu: '100m', memory: '100Mi' }): Promise<void> {
  const annotations: Obj = {};
  if (usage.cpu) annotations['kubesim.io/cpu-usage'] = usage.cpu;
  if (usage.memory) annotations['kubesim.io/memory-usage'] = usage.memory;
  const long = rfc3339(h.clock.now() - 600_000);
  for (let i = 0; i < n; i++) {
    const p = await h.client.pods.create('default', {
      metadata: { name: `${app}-${i}`, labels: { app }, annotations },
      spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'nginx', resources: { requests } }] },
    });
    await h.client.pods.updateStatus({
      ...p,
      status: { phase: 'Running', startTime: long, conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: long }] },
    });
  }
}

async function setUsage(app: string, cpu: string): Promise<void> {
  for (const p of h.client.pods.list('default', { labelSelector: `app=${app}` }).items) {
    await h.client.pods.patch('default', p.metadata.name, 'merge', { metadata: { annotations: { 'kubesim.io/cpu-usage': cpu } } });
  }
}

function hpa(name: string, spec: Obj = {}): Obj {
  return {
    metadata: { name },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: 1,
      maxReplicas: 10,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
      ...spec,
    },
  };
}

describe('HorizontalPodAutoscaler controller', () => {
  it('defaults minReplicas and the 80 % CPU metric', async () => {
    const created = await hpas().create('default', { metadata: { name: 'd' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd' }, maxReplicas: 3 } });
    expect(created.spec.minReplicas).toBe(1);
    expect(created.spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
    expect(created.spec.behavior).toBeUndefined();
    await expect(hpas().create('default', hpa('bad', { minReplicas: 5, maxReplicas: 2 }))).rejects.toThrow('spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`');
  });

  it('scales up by ceil(current * usage / target), at most doubling (or +4) per step', async () => {
    await deployment('web', 2);
    await pods('web', 2, { cpu: '200m' });
    await hpas().create('default', hpa('web'));
    await waitFor('scaled to 4', () => replicas('web') === 4);
    const st = await waitFor('status', () => getHPA('web').status?.desiredReplicas === 4 && getHPA('web'));
    expect(st.status.currentReplicas).toBe(2);
    expect(st.status.lastScaleTime).toBeTruthy();
    expect(st.status.currentMetrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 200, averageValue: '200m' } } }]);
    expect(condition(st, 'AbleToScale')).toMatchObject({ status: 'True', reason: 'SucceededRescale', message: 'the HPA controller was able to update the target scale to 4' });
    expect(condition(st, 'ScalingActive')).toMatchObject({ status: 'True', reason: 'ValidMetricFound', message: 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)' });
    expect(condition(st, 'ScalingLimited')).toMatchObject({ status: 'True', reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' });
    await waitFor('event', () => events(h, 'SuccessfulRescale').length === 1);
    expect(events(h, 'SuccessfulRescale')[0]).toMatchObject({
      type: 'Normal',
      message: 'New size: 4; reason: cpu resource utilization (percentage of request) above target',
      source: { component: 'horizontal-pod-autoscaler' },
    });
  });

  it('does nothing within the 10 % tolerance', async () => {
    await deployment('calm', 2);
    await pods('calm', 2, { cpu: '54m' });
    await hpas().create('default', hpa('calm'));
    const st = await waitFor('status', () => condition(getHPA('calm'), 'ScalingLimited') && getHPA('calm'));
    expect(replicas('calm')).toBe(2);
    expect(st.status).toMatchObject({ currentReplicas: 2, desiredReplicas: 2 });
    expect(condition(st, 'AbleToScale')).toMatchObject({ reason: 'ReadyForNewScale' });
    expect(condition(st, 'ScalingLimited')).toMatchObject({ status: 'False', reason: 'DesiredWithinRange' });
  });

  it('waits out the 300 s scale-down stabilisation window, then scales down to the recommendation', async () => {
    await deployment('down', 4);
    await pods('down', 4, { cpu: '10m' });
    await hpas().create('default', hpa('down', { minReplicas: 2 }));
    const st = await waitFor('stabilised', () => condition(getHPA('down'), 'AbleToScale')?.reason === 'ScaleDownStabilized' && getHPA('down'));
    expect(condition(st, 'AbleToScale')?.message).toBe('recent recommendations were higher than current one, applying the highest recent recommendation');
    expect(replicas('down')).toBe(4);
    h.clock.advance(301_000);
    await waitFor('scaled down to minReplicas', () => replicas('down') === 2);
    const after = await waitFor('limited', () => condition(getHPA('down'), 'ScalingLimited')?.reason === 'TooFewReplicas' && getHPA('down'));
    expect(condition(after, 'ScalingLimited')?.status).toBe('True');
    await waitFor('event', () => events(h, 'SuccessfulRescale').some((e) => e.message === 'New size: 2; reason: All metrics below target'));
  });

  it('follows spec.behavior policies (1 pod per minute up)', async () => {
    await deployment('slow', 2);
    await pods('slow', 2, { cpu: '200m' });
    await hpas().create('default', hpa('slow', { behavior: { scaleUp: { policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } } }));
    await waitFor('scaled to 3', () => replicas('slow') === 3);
    const st = getHPA('slow');
    expect(st.spec.behavior.scaleUp).toMatchObject({ stabilizationWindowSeconds: 0, selectPolicy: 'Max' });
    expect(st.spec.behavior.scaleDown).toEqual({ selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] });
    h.clock.advance(15_000);
    await waitFor('resync', () => condition(getHPA('slow'), 'ScalingLimited')?.reason === 'ScaleUpLimit' && getHPA('slow').status.currentReplicas === 3);
    expect(replicas('slow')).toBe(3);
    h.clock.advance(61_000);
    await waitFor('scaled to 4', () => replicas('slow') === 4);
  });

  it('scales on memory average value and on a StatefulSet through /scale', async () => {
    const labels = { app: 'db' };
    await h.client.resource('apps', 'v1', 'statefulsets').create('default', {
      metadata: { name: 'db' },
      spec: { replicas: 1, serviceName: 'db', selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'postgres' }] } } },
    });
    await pods('db', 1, { memory: '300Mi' });
    await hpas().create('default', {
      metadata: { name: 'db' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db' },
        maxReplicas: 5,
        metrics: [{ type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } } }],
      },
    });
    await waitFor('scaled to 3', () => h.client.resource('apps', 'v1', 'statefulsets').get('default', 'db')?.spec.replicas === 3);
    const st = await waitFor('status', () => getHPA('db').status?.currentMetrics && getHPA('db'));
    expect(st.status.currentMetrics[0]).toEqual({ type: 'Resource', resource: { name: 'memory', current: { averageValue: String(300 * 2 ** 20) } } });
  });

  it('reports FailedGetScale and FailedGetResourceMetric', async () => {
    await hpas().create('default', hpa('ghost'));
    const g = await waitFor('FailedGetScale', () => condition(getHPA('ghost'), 'AbleToScale')?.reason === 'FailedGetScale' && getHPA('ghost'));
    expect(condition(g, 'AbleToScale')).toMatchObject({ status: 'False', message: `the HPA controller was unable to get the target's current scale: deployments.apps "ghost" not found` });
    await deployment('nometrics', 1);
    await hpas().create('default', hpa('nometrics'));
    const m = await waitFor('no metrics', () => condition(getHPA('nometrics'), 'ScalingActive')?.status === 'False' && getHPA('nometrics'));
    expect(condition(m, 'ScalingActive')).toMatchObject({
      reason: 'FailedGetResourceMetric',
      message: 'the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API',
    });
    await waitFor('events', () => events(h, 'FailedGetScale').length >= 1 && events(h, 'FailedComputeMetricsReplicas').length >= 1);
  });

  it('serves autoscaling/v1 from the same objects: the CPU target maps, other metrics ride in annotations', async () => {
    const v1 = h.client.resource('autoscaling', 'v1', 'horizontalpodautoscalers');
    await v1.create('default', { metadata: { name: 'old' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'old' }, maxReplicas: 3, targetCPUUtilizationPercentage: 60 } });
    const asV2 = hpas().get('default', 'old')!;
    expect(asV2.spec).toMatchObject({ minReplicas: 1, maxReplicas: 3, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }] });
    const memory = { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } } };
    const cpu = { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } };
    await hpas().create('default', hpa('new', { metrics: [cpu, memory] }));
    const asV1 = v1.get('default', 'new')!;
    expect(asV1.spec).toEqual({ scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'new' }, minReplicas: 1, maxReplicas: 10, targetCPUUtilizationPercentage: 50 });
    expect(JSON.parse(asV1.metadata.annotations['autoscaling.alpha.kubernetes.io/metrics'])).toEqual([memory]);
    await v1.patch('default', 'new', 'merge', { spec: { maxReplicas: 7 } });
    expect(hpas().get('default', 'new')!.spec).toMatchObject({ maxReplicas: 7, metrics: [cpu, memory] });
    expect(hpas().get('default', 'new')!.metadata.annotations).toBeUndefined();
  });

  it('reacts to usage changes on its 15 s period', async () => {
    await deployment('var', 2);
    await pods('var', 2, { cpu: '50m' });
    await hpas().create('default', hpa('var'));
    await waitFor('first sync', () => getHPA('var').status?.currentMetrics);
    expect(replicas('var')).toBe(2);
    await setUsage('var', '75m');
    h.clock.advance(15_000);
    await waitFor('scaled to 3', () => replicas('var') === 3);
  });
});
