// The string formats kube-openapi's strfmt registry checks for custom resources (the formats allowed in CRD schemas:
// apiextensions-apiserver's supportedFormats). Unknown formats are not checked, as upstream.
import { isIP } from 'node:net';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
// RFC 3339 date-time as strfmt.ParseDateTime accepts it (several layouts, optional fraction, Z or offset).
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$/;
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const HOSTNAME = /^[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*\.?$/;
const EMAIL = /^[^@\s]+@[^@\s]+$/;
const MAC = /^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$/;
const DURATION = /^(-?\d+(\.\d+)?(ns|us|µs|ms|s|m|h|d|w))+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function validDate(s: string): boolean {
  if (!DATE.test(s.slice(0, 10))) return false;
  const [y, m, d] = s.slice(0, 10).split('-').map(Number) as [number, number, number];
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

const CHECKS: Record<string, (s: string) => boolean> = {
  date: (s) => DATE.test(s) && validDate(s),
  'date-time': (s) => DATE_TIME.test(s) && validDate(s),
  datetime: (s) => DATE_TIME.test(s) && validDate(s),
  uuid: (s) => UUID.test(s),
  uuid3: (s) => UUID.test(s),
  uuid4: (s) => UUID.test(s),
  uuid5: (s) => UUID.test(s),
  hostname: (s) => s.length <= 255 && HOSTNAME.test(s),
  email: (s) => EMAIL.test(s),
  ipv4: (s) => isIP(s) === 4,
  ipv6: (s) => isIP(s) === 6,
  cidr: (s) => {
    const [ip, bits, more] = s.split('/');
    if (more !== undefined || bits === undefined || !/^\d+$/.test(bits)) return false;
    const v = isIP(ip ?? '');
    return v !== 0 && Number(bits) <= (v === 4 ? 32 : 128);
  },
  mac: (s) => MAC.test(s),
  duration: (s) => DURATION.test(s),
  byte: (s) => BASE64.test(s),
  uri: (s) => {
    try {
      return Boolean(new URL(s));
    } catch {
      return false;
    }
  },
};

/** Whether `value` satisfies `format` (true for formats that are not checked). */
export function checkFormat(format: string, value: string): boolean {
  const check = CHECKS[format];
  return check ? check(value) : true;
}
