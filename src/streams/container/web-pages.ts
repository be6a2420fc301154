// The pages the simulated web servers answer with: Apache httpd's default index and error pages, nginx's welcome
// and error pages (the recognisable titles and sentences that people and scripts look for).

export function apacheIndex(): string {
  return '<html><body><h1>It works!</h1></body></html>\n';
}

const REASONS: Record<number, string> = {
  200: 'OK',
  301: 'Moved Permanently',
  304: 'Not Modified',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Request Entity Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export function reasonPhrase(code: number): string {
  return REASONS[code] ?? 'Unknown';
}

export function apacheErrorPage(code: number): string {
  const text: Record<number, string> = {
    404: 'The requested URL was not found on this server.',
    405: 'The requested method is not allowed for this URL.',
    400: 'Your browser sent a request that this server could not understand.<br />\n',
    501: 'This method is not implemented for this URL.',
  };
  const body = code === 400 ? text[400] : `${text[code] ?? 'The server encountered an error.'}`;
  return `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>${code} ${reasonPhrase(code)}</title>\n</head><body>\n<h1>${reasonPhrase(code)}</h1>\n<p>${body}</p>\n</body></html>\n`;
}

export function nginxIndex(): string {
  return [
    '<!DOCTYPE html>',
    '<html>',
    '<head>',
    '<title>Welcome to nginx!</title>',
    '<style>',
    'html { color-scheme: light dark; }',
    'body { width: 35em; margin: 0 auto;',
    'font-family: Tahoma, Verdana, Arial, sans-serif; }',
    '</style>',
    '</head>',
    '<body>',
    '<h1>Welcome to nginx!</h1>',
    '<p>If you see this page, the nginx web server is successfully installed and',
    'working. Further configuration is required.</p>',
    '',
    '<p>For online documentation and support please refer to',
    '<a href="http://nginx.org/">nginx.org</a>.<br/>',
    'Commercial support is available at',
    '<a href="http://nginx.com/">nginx.com</a>.</p>',
    '',
    '<p><em>Thank you for using nginx.</em></p>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

export function nginxErrorPage(serverVersion: string, code: number): string {
  const title = `${code} ${reasonPhrase(code)}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>${serverVersion}</center>\r\n</body>\r\n</html>\r\n`;
}
