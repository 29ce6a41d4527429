# A WebSocket echo server in plain Python, run inside a sandbox by SandboxServerTest.
import base64, hashlib, json, socket, struct, sys, threading

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def recv_exactly(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def handle(conn):
    head = b""
    while b"\r\n\r\n" not in head:
        head += conn.recv(4096)
    key = [l.split(b":", 1)[1].strip() for l in head.split(b"\r\n") if l.lower().startswith(b"sec-websocket-key")][0]
    accept = base64.b64encode(hashlib.sha1(key + GUID).digest())
    # a subprotocol, as a dev server picks one: the first offered, or the one named on the command line
    offered = [p.strip() for l in head.split(b"\r\n") if l.lower().startswith(b"sec-websocket-protocol")
               for p in l.split(b":", 1)[1].split(b",")]
    chosen = sys.argv[2].encode() if len(sys.argv) > 2 else (offered[0] if offered else None)
    conn.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 + (b"Sec-WebSocket-Protocol: " + chosen + b"\r\n" if chosen else b"")
                 + b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n")
    protocol = chosen.decode() if chosen else ""
    while True:
        h = recv_exactly(conn, 2)
        opcode, length = h[0] & 15, h[1] & 127
        if length == 126:
            length = struct.unpack(">H", recv_exactly(conn, 2))[0]
        elif length == 127:
            length = struct.unpack(">Q", recv_exactly(conn, 8))[0]
        mask = recv_exactly(conn, 4) if h[1] & 128 else b"\0\0\0\0"
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(recv_exactly(conn, length)))
        if opcode == 8:
            conn.sendall(b"\x88\x00")
            return
        if opcode == 1:
            out = json.dumps({"type": "echo", "text": payload.decode(), "offered": [p.decode() for p in offered],
                              "protocol": protocol}).encode()
            header = bytes([0x81]) + (bytes([len(out)]) if len(out) < 126 else bytes([126]) + struct.pack(">H", len(out)))
            conn.sendall(header + out)


server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", int(sys.argv[1])))
server.listen()
while True:
    c, _ = server.accept()
    threading.Thread(target=handle, args=(c,), daemon=True).start()
