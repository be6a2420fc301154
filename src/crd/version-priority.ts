// Kubernetes version ordering (upstream k8s.io/apimachinery/pkg/version.CompareKubeAwareVersionStrings): GA before
// beta before alpha, higher numbers first within each, then anything that does not look like a Kubernetes version,
// alphabetically. Discovery lists a custom resource group's versions in this order and prefers the first.

const KUBE_VERSION = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

function parse(v: string): { major: number; stage: number; minor: number } | undefined {
  const m = KUBE_VERSION.exec(v);
  if (!m) return undefined;
  const stage = m[2] === undefined ? 2 : m[2] === 'beta' ? 1 : 0;
  return { major: Number(m[1]), stage, minor: m[3] === undefined ? 0 : Number(m[3]) };
}

/** Negative when `a` has the higher priority (sorts first). */
export function compareVersionPriority(a: string, b: string): number {
  const pa = parse(a);
  const pb = parse(b);
  if (pa && pb) {
    if (pa.stage !== pb.stage) return pb.stage - pa.stage;
    if (pa.major !== pb.major) return pb.major - pa.major;
    return pb.minor - pa.minor;
  }
  if (pa) return -1;
  if (pb) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
