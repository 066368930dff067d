#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Test HTTP(S) server for the upload tests, on 127.0.0.1 with an ephemeral port that it prints
# on its first line of stdout. Each POST: answers 500 for the first --fail-first requests,
# otherwise checks X-Bcibench-Sha256 against the body, stores the body as DIR/<filename>,
# the Authorization header as DIR/<filename>.auth, and answers 201 "receipt-<n>".
# DIR/requests counts every request. Started and killed by tests/integration/test-upload.c.
import argparse, hashlib, http.server, os, ssl, sys

ap = argparse.ArgumentParser()
ap.add_argument('--dir', required=True)
ap.add_argument('--fail-first', type=int, default=0)
ap.add_argument('--tls', nargs=2, metavar=('CERT', 'KEY'))
args = ap.parse_args()
count = 0


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_POST(self):
        global count
        count += 1
        with open(os.path.join(args.dir, 'requests'), 'w') as f:
            f.write('%d\n' % count)
        n = int(self.headers.get('Content-Length', '0'))
        body = self.rfile.read(n)
        if count <= args.fail_first:
            self.send_response(500)
            self.end_headers()
            self.wfile.write(b'try later\n')
            return
        if hashlib.sha256(body).hexdigest() != self.headers.get('X-Bcibench-Sha256'):
            self.send_response(400)
            self.end_headers()
            return
        name = os.path.basename(self.headers.get('X-Bcibench-Filename', 'unnamed'))
        with open(os.path.join(args.dir, name), 'wb') as f:
            f.write(body)
        with open(os.path.join(args.dir, name + '.auth'), 'w') as f:
            f.write(self.headers.get('Authorization', ''))
        self.send_response(201)
        self.end_headers()
        self.wfile.write(b'receipt-%d\n' % count)


srv = http.server.HTTPServer(('127.0.0.1', 0), Handler)
if args.tls:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.tls[0], args.tls[1])
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
print(srv.server_address[1], flush=True)
try:
    srv.serve_forever()
except KeyboardInterrupt:
    pass
