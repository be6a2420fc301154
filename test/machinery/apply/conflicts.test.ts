// Server-side apply conflicts are decided the way structured-merge-diff decides them: another manager's field
// conflicts only when the merge changes (or adds) its value. A list item both sides have, defaulted fields the
// config leaves out, and an empty struct in the config never conflict on their own.
import { describe, expect, it } from 'vitest';
import { applyConfig, updateManagedFields, type FieldManagerContext } from '../../../src/machinery/apply/index.js';

type Obj = Record<string, any>;

const ctx = (manager: string): FieldManagerContext => ({
  manager,
  apiVersion: 'apps/v1',
  time: '2026-01-01T00:00:00Z',
  type: 'io.k8s.api.apps.v1.Deployment',
  statusSubresource: true,
});

function deployment(replicas: number, container: Obj): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [container] } } },
  };
}

/** What the server stores after alice's apply: her fields, plus defaults nobody applied. */
function liveAfterAlice(): Obj {
  const { object, managedFields } = applyConfig(undefined, deployment(2, { name: 'web', image: 'nginx:1' }), ctx('alice'), false);
  const c = object.spec.template.spec.containers[0];
  Object.assign(c, { imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', resources: { limits: { cpu: '1' } } });
  return { ...object, metadata: { ...object.metadata, managedFields } };
}

function conflictOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  return undefined;
}

describe('server-side apply conflicts', () => {
  it('the same list item with the same values co-owns it, though the live item has defaulted fields', () => {
    const live = liveAfterAlice();
    const out = applyConfig(live, deployment(2, { name: 'web', image: 'nginx:1' }), ctx('bob'), false);
    const owners = out.managedFields.map((e) => e.manager);
    expect(owners).toEqual(['alice', 'bob']);
    expect(out.managedFields[1].fieldsV1).toMatchObject({ 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {} } } } } } });
  });

  it('an empty struct in the config does not conflict with the live value', () => {
    const live = liveAfterAlice();
    // alice owns resources only if she applied it: here carol updated it first (Update), then bob applies {}.
    const withCarol = { ...live, metadata: { ...live.metadata, managedFields: updateManagedFields(undefined, live, { ...ctx('carol'), manager: 'carol' }) } };
    expect(conflictOf(() => applyConfig(withCarol, deployment(2, { name: 'web', image: 'nginx:1', resources: {} }), ctx('bob'), false))).toBeUndefined();
  });

  it('a changed value in a list item conflicts on that field only, in the upstream wording', () => {
    const live = liveAfterAlice();
    expect(conflictOf(() => applyConfig(live, deployment(2, { name: 'web', image: 'nginx:2' }), ctx('bob'), false))).toBe(
      'Apply failed with 1 conflict: conflict with "alice": .spec.template.spec.containers[name="web"].image',
    );
  });

  it('several conflicts are listed per manager', () => {
    const live = liveAfterAlice();
    expect(conflictOf(() => applyConfig(live, deployment(3, { name: 'web', image: 'nginx:2' }), ctx('bob'), false))).toBe(
      'Apply failed with 2 conflicts: conflicts with "alice":\n- .spec.replicas\n- .spec.template.spec.containers[name="web"].image',
    );
  });

  it('an Update manager is named with its API version', () => {
    const { object } = applyConfig(undefined, deployment(2, { name: 'web', image: 'nginx:1' }), ctx('alice'), false);
    const scaled: Obj = { ...object, spec: { ...object.spec, replicas: 5 } };
    const managedFields = updateManagedFields({ ...object, metadata: { ...object.metadata } }, scaled, { ...ctx('kubectl-edit') });
    const live = { ...scaled, metadata: { ...scaled.metadata, managedFields } };
    expect(conflictOf(() => applyConfig(live, deployment(2, { name: 'web', image: 'nginx:1' }), ctx('alice'), false))).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas',
    );
  });

  it('managedFields are sorted like upstream: Apply entries first, then by time and manager', () => {
    const live = liveAfterAlice();
    const edited: Obj = { ...live, spec: { ...live.spec, replicas: 7 } };
    const managedFields = updateManagedFields(live, edited, { ...ctx('kubectl-edit'), time: '2025-12-31T00:00:00Z' });
    expect(managedFields.map((e) => `${e.operation}:${e.manager}`)).toEqual(['Apply:alice', 'Update:kubectl-edit']);
    const again = applyConfig({ ...edited, metadata: { ...edited.metadata, managedFields } }, deployment(7, { name: 'web', image: 'nginx:1' }), ctx('aaron'), true);
    expect(again.managedFields.map((e) => `${e.operation}:${e.manager}`)).toEqual(['Apply:aaron', 'Apply:alice', 'Update:kubectl-edit']);
  });
});

describe('upgrading from client-side apply (upstream lastAppliedManager / lastAppliedUpdater)', () => {
  const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

  /** An object created by `kubectl apply` (client-side): manager kubectl-client-side-apply, the annotation. */
  function clientSideApplied(replicas: number, liveReplicas = replicas): Obj {
    const config = deployment(replicas, { name: 'web', image: 'nginx:1' });
    const live: Obj = structuredClone(config);
    live.metadata.annotations = { [LAST_APPLIED]: `${JSON.stringify(config)}\n` };
    live.spec.replicas = liveReplicas;
    live.metadata.managedFields = updateManagedFields(undefined, live, { ...ctx('kubectl-client-side-apply') });
    return live;
  }

  it('kubectl may take over the fields it applied client-side, and the annotation follows the applied config', () => {
    const out = applyConfig(clientSideApplied(2), deployment(3, { name: 'web', image: 'nginx:1' }), ctx('kubectl'), false);
    expect(out.object.spec.replicas).toBe(3);
    const annotation = out.object.metadata.annotations[LAST_APPLIED];
    expect(annotation.endsWith('\n')).toBe(true);
    expect(JSON.parse(annotation)).toEqual(deployment(3, { name: 'web', image: 'nginx:1' }));
    // Go's encoder: sorted keys.
    expect(annotation.startsWith('{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":3,')).toBe(true);
    expect(out.managedFields.find((e) => e.manager === 'kubectl')?.fieldsV1).toMatchObject({ 'f:spec': { 'f:replicas': {} } });
  });

  it('a field changed since the last client-side apply still conflicts', () => {
    const live = clientSideApplied(2, 5);
    expect(conflictOf(() => applyConfig(live, deployment(3, { name: 'web', image: 'nginx:1' }), ctx('kubectl'), false))).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
    );
  });

  it('only for the field manager "kubectl"', () => {
    expect(conflictOf(() => applyConfig(clientSideApplied(2), deployment(3, { name: 'web', image: 'nginx:1' }), ctx('helm'), false))).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
    );
    const out = applyConfig(clientSideApplied(2), deployment(2, { name: 'web', image: 'nginx:2' }), ctx('helm'), true);
    expect(JSON.parse(out.object.metadata.annotations[LAST_APPLIED]).spec.template.spec.containers[0].image).toBe('nginx:1');
  });
});
