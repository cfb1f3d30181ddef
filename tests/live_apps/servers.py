"""Servers for the probe tests: uvicorn in a thread on a free loopback port, and raw sockets
that misbehave (never answer, redirect forever, endless body, close, garbage)."""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections.abc import Callable
from typing import Any

import uvicorn


def _bound_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


class AppServer:
    """A real uvicorn server for `app` on 127.0.0.1, started in a thread (binding a socket first
    so there is no free-port race). `config` goes to uvicorn.Config (e.g. proxy_headers=False)."""

    def __init__(self, app: Any, **config: Any) -> None:
        self.sock = _bound_socket()
        self.port = self.sock.getsockname()[1]
        cfg = uvicorn.Config(app, log_level="warning", lifespan="off", **config)
        self.server = uvicorn.Server(cfg)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> AppServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.server.force_exit = True
        self.thread.join(10)
        self.sock.close()


Behaviour = Callable[[socket.socket, bytes, threading.Event], None]


class RawServer:
    """A TCP server whose every connection runs `behaviour(conn, request_head, stop)`."""

    def __init__(self, behaviour: Behaviour) -> None:
        self.stop = threading.Event()
        self.connections = 0
        outer = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                outer.connections += 1
                conn: socket.socket = self.request
                conn.settimeout(5)
                head = b""
                try:
                    while b"\r\n\r\n" not in head and len(head) < 65536:
                        chunk = conn.recv(4096)
                        if not chunk:
                            return
                        head += chunk
                    behaviour(conn, head, outer.stop)
                except OSError:
                    pass

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> RawServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


# -- hostile behaviours --------------------------------------------------------------------------


def never_answers(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    stop.wait(30)


def closes_connection(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    conn.close()


def redirects_forever(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    path = head.split(b" ", 2)[1].decode()
    n = int(path.rsplit("/", 1)[-1]) if path.rsplit("/", 1)[-1].isdigit() else 0
    conn.sendall(b"HTTP/1.1 302 Found\r\nLocation: /loop/%d\r\nContent-Length: 0\r\n\r\n" % (n + 1))


def endless_body(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b"<p>" + b"x" * 16000 + b"</p>"
    frame = b"%x\r\n%s\r\n" % (len(chunk), chunk)
    while not stop.is_set():
        conn.sendall(frame)


def dripping_body(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    while not stop.wait(0.05):
        conn.sendall(b"1\r\nx\r\n")


GARBAGE_HTML = (
    b"<html><head><img src='/ok.png'><scr<<ipt src='/a.js'><img src=><img src='//'>"
    b"<script src='javascript:alert(1)'></script><base href='::::'>"
    b"<video poster='/p.png' src=\"/v.mp4></video></b></i></html"
    b'<link rel=stylesheet href="/s.css\x00\xff\xfe' + bytes(range(256))
)


def garbage_html(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=klingon\r\n"
        b"Content-Length: %d\r\n\r\n%s" % (len(GARBAGE_HTML), GARBAGE_HTML)
    )


def not_http(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    conn.sendall(b"\x16\x03\x01 hello this is not HTTP at all \xff\xfe\r\n\r\n")
    conn.close()
