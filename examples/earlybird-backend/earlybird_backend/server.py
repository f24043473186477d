"""The HTTP service: routing, JSON replies, one log line per request."""
import json
import signal
import sys
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

from pymongo.errors import ConnectionFailure, PyMongoError

from .delivery import mark_delivered
from .orders import create_order, get_order

MAX_BODY = 1 << 20  # an order is a few hundred bytes; refuse anything absurd


def health(db, _params, _raw_body):
    try:
        db.client.admin.command("ping")
    except PyMongoError as error:
        return 503, {"status": "unavailable", "error": str(error)}
    return 200, {"status": "ok"}


# Path patterns, split on "/": None captures one (percent-decoded) segment.
ROUTES = [
    (("health",), {"GET": health}),
    (("api", "orders"), {"POST": create_order}),
    (("api", "orders", None), {"GET": get_order}),
    (("api", "delivery-boy", "orders", None, "delivered"), {"POST": mark_delivered}),
]


def match(path):
    """Return (methods, params) for a path, or (None, None)."""
    # Split before decoding, so an order_id may contain an encoded "/".
    segments = path.split("/")[1:]
    for pattern, methods in ROUTES:
        if len(pattern) != len(segments):
            continue
        params = []
        for expected, segment in zip(pattern, segments):
            if expected is None and segment:
                params.append(unquote(segment))
            elif expected != segment:
                break
        else:
            return methods, params
    return None, None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # with Connection: close on every reply
    server_version = "EarlyBird"

    def _path(self):
        # The query string is never routed on, and never logged (it could carry data).
        return (getattr(self, "path", None) or "").split("?", 1)[0]

    def _reply(self, status, payload, headers=()):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _read_body(self):
        """The body bytes, or None after replying with an error."""
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            self._reply(400, {"error": "Content-Length must be a non-negative integer."})
            return None
        if length > MAX_BODY:
            self._reply(413, {"error": f"The request body is larger than {MAX_BODY} bytes."})
            return None
        # Read it even when the route won't use it: closing a socket with unread
        # data can reset the connection before the client sees the reply.
        return self.rfile.read(length)

    def _dispatch(self):
        raw_body = self._read_body()
        if raw_body is None:
            return
        path = self._path()
        methods, params = match(path)
        if methods is None:
            return self._reply(404, {"error": f"no route for {path}"})
        handler = methods.get(self.command)
        if handler is None:
            allowed = ", ".join(sorted(methods))
            return self._reply(405, {"error": f"{self.command} is not allowed on {path}; use {allowed}."},
                               headers=[("Allow", allowed)])
        try:
            status, payload = handler(self.server.db, params, raw_body)
        except ConnectionFailure as error:
            status, payload = 503, {"error": f"database unavailable: {error}"}
        except PyMongoError as error:
            status, payload = 500, {"error": f"database error: {error}"}
        except Exception as error:
            # The traceback without the exception's message, which could quote the body.
            sys.stderr.write("".join(traceback.format_tb(error.__traceback__))
                             + f"{type(error).__name__} in {self.command} {path}\n")
            status, payload = 500, {"error": "internal error"}
        self._reply(status, payload)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _dispatch

    def send_error(self, code, message=None, explain=None):
        # http.server's own errors (bad request line, unknown method, ...) as JSON too.
        self._reply(code, {"error": message or self.responses.get(code, ("error",))[0]})

    def log_request(self, code="-", size="-"):
        # Method, path and status only: never headers or bodies.
        method = self.command or "-"
        path = self._path().encode("unicode_escape").decode("ascii") or "-"  # no control characters
        sys.stderr.write(f"{method} {path} {getattr(code, 'value', code)}\n")

    def log_message(self, format, *args):
        pass  # everything worth logging goes through log_request


def serve(client, db, port):
    """Listen on 127.0.0.1:port until SIGTERM or SIGINT, then exit 0."""
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    except OSError as error:
        print(f"earlybird: cannot listen on 127.0.0.1:{port}: {error}", file=sys.stderr)
        return 1
    server.db = db

    def stop(_signum, _frame):
        # shutdown() waits for serve_forever to return, and serve_forever runs
        # on this (the main) thread, so it has to be called from another one.
        threading.Thread(target=server.shutdown).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"EarlyBird listening on 127.0.0.1:{server.server_address[1]}", flush=True)
    # shutdown() takes effect at serve_forever's next poll: 0.1 s, not the default 0.5 s,
    # so stopping the service is quick.
    server.serve_forever(poll_interval=0.1)
    server.server_close()
    client.close()
    return 0
