import { describe, expect, it } from 'vitest';
import { applyConfig, updateManagedFields, type FieldManagerContext } from '../../../src/machinery/apply/index.js';

type Obj = Record<string, any>;

const ctx = (manager: string, extra: Partial<FieldManagerContext> = {}): FieldManagerContext => ({
  manager,
  apiVersion: 'apps/v1',
  time: '2026-01-01T00:00:00Z',
  type: 'io.k8s.api.apps.v1.Deployment',
  statusSubresource: true,
  ...extra,
});

function deployment(spec: Obj, labels: Obj = { app: 'web' }): Obj {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels }, spec };
}

const tmpl = (containers: Obj[]) => ({ metadata: { labels: { app: 'web' } }, spec: { containers } });

function owned(obj: Obj, manager: string): Obj | undefined {
  return obj.metadata.managedFields.find((e: Obj) => e.manager === manager)?.fieldsV1;
}

describe('server-side apply: field ownership', () => {
  it('records the applied fields with list items keyed by their merge keys', () => {
    const cfg = deployment({ replicas: 2, template: tmpl([{ name: 'web', image: 'nginx' }]) });
    const { object, managedFields } = applyConfig(undefined, cfg, ctx('alice'), false);
    expect(object.spec.replicas).toBe(2);
    expect(managedFields).toHaveLength(1);
    expect(managedFields[0]).toMatchObject({ manager: 'alice', operation: 'Apply', apiVersion: 'apps/v1', fieldsType: 'FieldsV1' });
    expect(managedFields[0].fieldsV1).toEqual({
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:template': {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
        },
      },
    });
  });

  const cases: { name: string; first: Obj; second: Obj; force?: boolean; conflict?: RegExp; expectReplicas?: number }[] = [
    {
      name: 'a second manager changing a field it does not own conflicts',
      first: deployment({ replicas: 2 }),
      second: deployment({ replicas: 5 }),
      conflict: /^Apply failed with 1 conflict: conflict with "alice": \.spec\.replicas$/,
    },
    {
      name: 'applying the same value co-owns without conflict',
      first: deployment({ replicas: 2 }),
      second: deployment({ replicas: 2 }),
      expectReplicas: 2,
    },
    {
      name: 'force takes the field over',
      first: deployment({ replicas: 2 }),
      second: deployment({ replicas: 5 }),
      force: true,
      expectReplicas: 5,
    },
  ];
  for (const tc of cases) {
    it(tc.name, () => {
      const a = applyConfig(undefined, tc.first, ctx('alice'), false);
      const live = { ...a.object, metadata: { ...a.object.metadata, managedFields: a.managedFields } };
      const run = () => applyConfig(live, tc.second, ctx('bob'), !!tc.force);
      if (tc.conflict) {
        let err: any;
        try {
          run();
        } catch (e) {
          err = e;
        }
        expect(err?.code).toBe(409);
        expect(err?.reason).toBe('Conflict');
        expect(err?.message).toMatch(tc.conflict);
        expect(err?.details?.causes?.[0]).toMatchObject({ reason: 'FieldManagerConflict', field: '.spec.replicas' });
        return;
      }
      const out = run();
      expect(out.object.spec.replicas).toBe(tc.expectReplicas);
      const bob = out.managedFields.find((e) => e.manager === 'bob')!;
      expect((bob.fieldsV1 as Obj)['f:spec']['f:replicas']).toEqual({});
      const alice = out.managedFields.find((e) => e.manager === 'alice');
      if (tc.force) expect((alice?.fieldsV1 as Obj | undefined)?.['f:spec']).toBeUndefined();
      else expect((alice!.fieldsV1 as Obj)['f:spec']['f:replicas']).toEqual({});
    });
  }

  it('lists every conflict grouped by manager when there are several', () => {
    const a = applyConfig(undefined, deployment({ replicas: 2, minReadySeconds: 1 }), ctx('alice'), false);
    const live = { ...a.object, metadata: { ...a.object.metadata, managedFields: a.managedFields } };
    expect(() => applyConfig(live, deployment({ replicas: 3, minReadySeconds: 2 }), ctx('bob'), false)).toThrow(
      'Apply failed with 2 conflicts: conflicts with "alice":\n- .spec.minReadySeconds\n- .spec.replicas',
    );
  });

  it('removes fields a manager stopped applying unless someone else owns them', () => {
    const first = deployment({ replicas: 2, minReadySeconds: 5, template: tmpl([{ name: 'web', image: 'nginx' }, { name: 'side', image: 'busybox' }]) }, { app: 'web', tier: 'fe' });
    const a = applyConfig(undefined, first, ctx('alice'), false);
    let live: Obj = { ...a.object, metadata: { ...a.object.metadata, managedFields: a.managedFields } };
    // bob co-owns the tier label by applying the same value.
    const b = applyConfig(live, deployment({}, { tier: 'fe' }), ctx('bob'), false);
    live = { ...b.object, metadata: { ...b.object.metadata, managedFields: b.managedFields } };
    const second = deployment({ replicas: 2, template: tmpl([{ name: 'web', image: 'nginx' }]) }, { app: 'web' });
    const out = applyConfig(live, second, ctx('alice'), false);
    expect(out.object.spec.minReadySeconds).toBeUndefined();
    expect(out.object.spec.template.spec.containers.map((c: Obj) => c.name)).toEqual(['web']);
    expect(out.object.metadata.labels).toEqual({ app: 'web', tier: 'fe' });
  });

  it('an update by another manager takes ownership of the fields it changed', () => {
    const a = applyConfig(undefined, deployment({ replicas: 2 }), ctx('kubectl'), false);
    const live: Obj = { ...a.object, metadata: { ...a.object.metadata, managedFields: a.managedFields } };
    const scaled = structuredClone(live);
    scaled.spec.replicas = 4;
    const mf = updateManagedFields(live, scaled, ctx('kubectl-scale'));
    expect(mf.find((e) => e.manager === 'kubectl-scale')).toMatchObject({ operation: 'Update', fieldsV1: { 'f:spec': { 'f:replicas': {} } } });
    expect((mf.find((e) => e.manager === 'kubectl')!.fieldsV1 as Obj)['f:spec']).toBeUndefined();
    // Now re-applying the old value conflicts with the updater, named with its API version.
    const after = { ...scaled, metadata: { ...scaled.metadata, managedFields: mf } };
    expect(() => applyConfig(after, deployment({ replicas: 2 }), ctx('kubectl'), false)).toThrow(
      'Apply failed with 1 conflict: conflict with "kubectl-scale" using apps/v1: .spec.replicas',
    );
  });

  it('status writers own only status; main-resource writers never own status', () => {
    const obj: Obj = { ...deployment({ replicas: 1 }), status: { replicas: 1 } };
    const created = updateManagedFields(undefined, obj, ctx('creator'));
    expect(created[0].fieldsV1).not.toHaveProperty('f:status');
    const withStatus = { ...obj, metadata: { ...obj.metadata, managedFields: created }, status: { replicas: 3 } };
    const mf = updateManagedFields(obj, withStatus, ctx('deployment-controller', { subresource: 'status' }));
    expect(mf.find((e) => e.manager === 'deployment-controller')).toMatchObject({ subresource: 'status', fieldsV1: { 'f:status': { 'f:replicas': {} } } });
  });

  it('sets of primitives are tracked by value (finalizers)', () => {
    const cfg = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', finalizers: ['a.io/x', 'b.io/y'] }, data: { k: 'v' } };
    const { managedFields } = applyConfig(undefined, cfg, ctx('m', { apiVersion: 'v1', type: 'io.k8s.api.core.v1.ConfigMap', statusSubresource: false }), false);
    expect(managedFields[0].fieldsV1).toEqual({ 'f:data': { 'f:k': {} }, 'f:metadata': { 'f:finalizers': { 'v:"a.io/x"': {}, 'v:"b.io/y"': {} } } });
  });
});

describe('update operations: ownership moves to the writer', () => {
  const dep = (replicas: number, image: string, status?: Obj): Obj => ({
    ...deployment({ replicas, selector: { matchLabels: { app: 'web' } }, template: tmpl([{ name: 'web', image }]) }),
    ...(status ? { status } : {}),
  });
  const entry = (obj: Obj, manager: string) => obj.metadata.managedFields.find((e: Obj) => e.manager === manager);

  it('leaves the entries a write does not touch exactly as they were (a status write beside a spec owner)', () => {
    const created = dep(2, 'nginx:1');
    created.metadata.managedFields = updateManagedFields(undefined, created, ctx('creator'));
    const next: Obj = structuredClone({ ...created, status: { replicas: 2 } });
    next.metadata.managedFields = updateManagedFields(created, next, ctx('controller', { subresource: 'status' }));
    expect(entry(next, 'creator')).toEqual(entry(created, 'creator'));
    expect(entry(next, 'controller').fieldsV1).toEqual({ 'f:status': { 'f:replicas': {} } });
    expect(entry(next, 'controller').subresource).toBe('status');
  });

  it('takes a changed field away from its previous owner, and drops an entry left empty', () => {
    const live: Obj = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 2 } };
    live.metadata.managedFields = updateManagedFields(undefined, live, ctx('scaler'));
    expect(entry(live, 'scaler').fieldsV1).toEqual({ 'f:spec': { 'f:replicas': {} } });
    const next = structuredClone(live);
    next.spec.replicas = 5;
    next.metadata.managedFields = updateManagedFields(live, next, ctx('editor'));
    expect(entry(next, 'scaler')).toBeUndefined();
    expect(entry(next, 'editor').fieldsV1).toEqual({ 'f:spec': { 'f:replicas': {} } });
  });
});
