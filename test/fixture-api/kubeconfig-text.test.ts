// kubeconfigYaml writes the usual kubeconfig without loading the YAML package (it costs start-up time): the text
// must be exactly what yaml.stringify gives for the same document, for every server URL and name it accepts.
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { kubeconfigDocument, kubeconfigYaml } from '../../src/kubeconfig.js';

const viaYaml = (server: string, name = 'kubesim') => stringify(kubeconfigDocument(server, name));

/** A deterministic pseudo-random generator (mulberry32), so a failure is reproducible. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('kubeconfigYaml', () => {
  it('gives yaml.stringify\'s text for the URLs kubesim writes', () => {
    const servers = [
      'http://127.0.0.1:6443',
      'http://127.0.0.1:0',
      'http://localhost:16443',
      'http://[::1]:6443',
      'http://[fe80::1:2:3]:443',
      'http://[::ffff:127.0.0.1]:80',
      'https://kubesim.example.com:16443',
      'https://kubesim.example.com',
      'http://host.docker.internal:6443/',
      'http://10.0.0.1:6443/prefix/path',
      'http://a-b.c:1/x_y/z~w.q-r/',
      'http://1234:5',
      `http://${'a'.repeat(120)}.example.com:6443/${'p'.repeat(90)}`,
    ];
    for (const s of servers) expect(kubeconfigYaml(s), s).toBe(viaYaml(s));
    for (const n of ['kubesim', 'a', 'kind-kubesim', 'e5', 'x1', 'yes', 'no', 'on', 'off', 'nan', 'inf']) {
      expect(kubeconfigYaml('http://127.0.0.1:6443', n), n).toBe(viaYaml('http://127.0.0.1:6443', n));
    }
  });

  it('gives yaml.stringify\'s text for random URLs and names (quoted ones through the package)', () => {
    const next = random(20261127);
    const pick = (chars: string, min: number, max: number) => {
      let s = '';
      const n = min + Math.floor(next() * (max - min + 1));
      for (let i = 0; i < n; i++) s += chars[Math.floor(next() * chars.length)];
      return s;
    };
    const host = 'abcxyzABCXYZ0123456789.-';
    const tricky = "abc019:/#?&=%@!$'()*+,;[] -._~\"{}\\|";
    for (let i = 0; i < 2000; i++) {
      const plain = `${next() < 0.5 ? 'http' : 'https'}://${pick(host, 1, 20)}${next() < 0.7 ? `:${pick('0123456789', 1, 5)}` : ''}${next() < 0.4 ? `/${pick('abz09._~/-', 0, 12)}` : ''}`;
      expect(kubeconfigYaml(plain), plain).toBe(viaYaml(plain));
      const odd = `http://${pick(tricky, 0, 16)}`;
      expect(kubeconfigYaml(odd), odd).toBe(viaYaml(odd));
      const name = pick('abcnulltrefs0129-', 1, 8);
      expect(kubeconfigYaml('http://127.0.0.1:6443', name), name).toBe(viaYaml('http://127.0.0.1:6443', name));
    }
    for (const n of ['true', 'false', 'null', '1e3', '0x1F', '-', '~']) {
      expect(kubeconfigYaml('http://127.0.0.1:6443', n), n).toBe(viaYaml('http://127.0.0.1:6443', n));
    }
  });
});
