// Per-namespace defaults every real cluster has: the `default` ServiceAccount (upstream serviceaccounts-controller)
// and the `kube-root-ca.crt` ConfigMap (upstream root-ca-cert-publisher), recreated if deleted.
import type { ComponentContext } from '../../client/component.js';
import { keyOf } from '../../client/informer.js';
import { ApiError } from '../../machinery/errors.js';
import { Controller } from '../controller.js';
import { ROOT_CA_CRT } from './root-ca.js';

const ROOT_CA_NAME = 'kube-root-ca.crt';

export class ServiceAccountController extends Controller {
  readonly name = 'serviceaccount-controller';

  protected setup(ctx: ComponentContext): void {
    ctx.informers.for('', 'v1', 'namespaces').addHandlers({
      onAdd: (o) => this.queue.add(keyOf(o)),
      onUpdate: (_, o) => this.queue.add(keyOf(o)),
    });
    const byNamespace = {
      onDelete: (o: { metadata?: { namespace?: string } }) => o.metadata?.namespace && this.queue.add(o.metadata.namespace),
    };
    ctx.informers.for('', 'v1', 'serviceaccounts').addHandlers(byNamespace);
    ctx.informers.for('', 'v1', 'configmaps').addHandlers({
      ...byNamespace,
      onUpdate: (_, o) => o.metadata?.name === ROOT_CA_NAME && o.data?.['ca.crt'] !== ROOT_CA_CRT && this.queue.add(o.metadata.namespace),
    });
  }

  async sync(namespace: string): Promise<void> {
    const { client } = this.ctx;
    const ns = client.namespaces.get(undefined, namespace);
    if (!ns || ns.metadata?.deletionTimestamp || ns.status?.phase !== 'Active') return;
    const sa = client.resource('', 'v1', 'serviceaccounts');
    if (!sa.get(namespace, 'default')) await ignoreExists(sa.create(namespace, { metadata: { name: 'default' } }));
    const cms = client.resource('', 'v1', 'configmaps');
    const cm = cms.get(namespace, ROOT_CA_NAME);
    const annotations = { 'kubernetes.io/description': 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.' };
    if (!cm) await ignoreExists(cms.create(namespace, { metadata: { name: ROOT_CA_NAME, annotations }, data: { 'ca.crt': ROOT_CA_CRT } }));
    else if (cm.data?.['ca.crt'] !== ROOT_CA_CRT) await cms.patch(namespace, ROOT_CA_NAME, 'merge', { data: { 'ca.crt': ROOT_CA_CRT } });
  }
}

async function ignoreExists(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    // A namespace being terminated (403) or a racing create (409) is fine: the next sync settles it.
    if (!(err instanceof ApiError && (err.code === 409 || err.code === 403))) throw err;
  }
}
