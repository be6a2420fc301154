// The ownership graph the garbage collector keeps (upstream pkg/controller/garbagecollector/graph.go): every object
// by uid, and for every owner uid the uids of the objects that reference it.
import type { Obj, ResourceDef } from '../../registry/types.js';

export interface GraphNode {
  uid: string;
  def: ResourceDef;
  obj: Obj;
}

export class OwnershipGraph {
  private readonly nodes = new Map<string, GraphNode>();
  private readonly dependents = new Map<string, Set<string>>();

  get(uid: string): GraphNode | undefined {
    return this.nodes.get(uid);
  }

  dependentsOf(ownerUid: string): GraphNode[] {
    const out: GraphNode[] = [];
    for (const uid of this.dependents.get(ownerUid) ?? []) {
      const n = this.nodes.get(uid);
      if (n) out.push(n);
    }
    return out;
  }

  upsert(def: ResourceDef, obj: Obj): void {
    const uid: string = obj.metadata?.uid;
    if (!uid) return;
    const prev = this.nodes.get(uid);
    if (prev) this.unlinkOwners(prev);
    const node = { uid, def, obj };
    this.nodes.set(uid, node);
    for (const ref of obj.metadata?.ownerReferences ?? []) {
      if (!ref?.uid) continue;
      let set = this.dependents.get(ref.uid);
      if (!set) this.dependents.set(ref.uid, (set = new Set()));
      set.add(uid);
    }
  }

  remove(obj: Obj): void {
    const uid: string = obj.metadata?.uid;
    const node = uid ? this.nodes.get(uid) : undefined;
    if (!node) return;
    this.unlinkOwners(node);
    this.nodes.delete(uid);
  }

  private unlinkOwners(node: GraphNode): void {
    for (const ref of node.obj.metadata?.ownerReferences ?? []) {
      const set = ref?.uid ? this.dependents.get(ref.uid) : undefined;
      set?.delete(node.uid);
      if (set && !set.size) this.dependents.delete(ref.uid);
    }
  }
}
