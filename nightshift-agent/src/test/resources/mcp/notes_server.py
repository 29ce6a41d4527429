"""A tiny MCP server over stdio (newline-delimited JSON-RPC), as a repository would declare one in .mcp.json."""
import json
import os
import sys

TOOLS = [
    {"name": "echo", "description": "Says the text back.",
     "inputSchema": {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}},
    {"name": "whereami", "description": "Where the server runs.", "inputSchema": {"type": "object"}},
    {"name": "big", "description": "An answer of 50 MB.", "inputSchema": {"type": "object"}},
    {"name": "fail", "description": "Always refuses.", "inputSchema": {"type": "object"}},
]


def send(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def text(value):
    return {"content": [{"type": "text", "text": value}]}


def call(name, args):
    if name == "echo":
        return text(args.get("text", ""))
    if name == "whereami":
        return text(json.dumps({"cwd": os.getcwd(), "greeting": os.environ.get("NOTES_GREETING")}))
    if name == "big":
        return text("x" * 50_000_000)
    raise LookupError(name)


for line in iter(sys.stdin.readline, ""):
    if not line.strip():
        continue
    request = json.loads(line)
    method, rid = request.get("method"), request.get("id")
    if rid is None:
        continue  # a notification
    if method == "initialize":
        send({"jsonrpc": "2.0", "id": rid, "result": {
            "protocolVersion": request["params"]["protocolVersion"],
            "capabilities": {"tools": {}},
            "serverInfo": {"name": "notes", "version": "1"}}})
    elif method == "tools/list":
        send({"jsonrpc": "2.0", "id": rid, "result": {"tools": TOOLS}})
    elif method == "tools/call" and request["params"]["name"] == "fail":
        send({"jsonrpc": "2.0", "id": rid, "error": {"code": -32000, "message": "the notes are locked"}})
    elif method == "tools/call":
        send({"jsonrpc": "2.0", "id": rid, "result": call(request["params"]["name"], request["params"].get("arguments") or {})})
    elif method == "ping":
        send({"jsonrpc": "2.0", "id": rid, "result": {}})
    else:
        send({"jsonrpc": "2.0", "id": rid, "error": {"code": -32601, "message": "no method " + method}})
