// The Kubernetes version kubesim reports. The version-dispatching kubectl picks its client from the minor version,
// which changes wire behaviour (1.32+ sends protobuf request bodies), so it is a deliberate, configurable choice.
export const DEFAULT_KUBERNETES_VERSION = 'v1.33.1';

export function versionInfo(gitVersion: string): Record<string, string> {
  const m = /^v(\d+)\.(\d+)/.exec(gitVersion);
  return {
    major: m?.[1] ?? '1',
    minor: m?.[2] ?? '31',
    gitVersion,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'gc',
    platform: `${process.platform === 'win32' ? 'windows' : process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}
