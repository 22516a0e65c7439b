#!/usr/bin/python3
"""A stand-in chat-completions server for the judge tests, on 127.0.0.1.

    judge_server.py DIR

Listens on a free loopback port, writes it to DIR/port, and logs every
request it receives as one JSON line in DIR/requests.jsonl: {"path",
"auth" (the Authorization header or null), "body" (the parsed JSON)}.
It runs until killed.

What it answers depends on the request's "model":
  good         200: "Score: S" and an explanation, S derived from the
               prompt: (number of "Token: " context lines) % 5 + 1
  noscore      200: a reply without a score
  markdown     200: "**Score:** S" (same S)
  bracket      200: "score: [S]"
  escape       200: the explanation holds terminal escape sequences
  malformed    200 with a body that is not JSON
  nochoices    200 with JSON that has no choices
  slow         sleeps 3 s, then as good
  huge         200 with a 3 MB reply
  429          the first request for a prompt: 429 with Retry-After: 2;
               the next: as good
  500          the first request for a prompt: 500; the next: as good
  401          401 {"error": {"message": "bad key ..."}}, echoing the
               Authorization header to see that it is cut out
  redirect     307 to another host (127.0.0.2)
  samehost     307 to /moved/chat/completions on this host, which answers
               as good
An explanation check (a prompt that starts "A latent feature") is answered
"N: yes" for every numbered snippet by good, "N: no" by checkno, and with
no answer at all by noscore.
"""
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DIR = sys.argv[1]
LOCK = threading.Lock()
SEEN = {}


def score_of(prompt):
    return prompt.count("\nToken: ") % 5 + 1


def completion(text):
    return {"id": "x", "object": "chat.completion",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                         "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 100, "completion_tokens": 7, "total_tokens": 107}}


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, code, body, headers=()):
        if not isinstance(body, bytes):
            body = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(n)
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        with LOCK:
            with open(os.path.join(DIR, "requests.jsonl"), "a") as f:
                f.write(json.dumps({"path": self.path, "auth": self.headers.get("Authorization"),
                                    "body": body}) + "\n")
        if not isinstance(body, dict):
            return self.send(400, {"error": {"message": "not JSON"}})
        model = body.get("model")
        prompt = body["messages"][1]["content"]
        s = score_of(prompt)
        good = completion("Score: %d\nExplanation: the feature fires on the tokens shown (%d)." % (s, s))
        if prompt.startswith("A latent feature"):
            n = len([l for l in prompt.split("\n") if l.split(":")[0].isdigit()])
            word = {"good": "yes", "checkno": "no"}.get(model)
            text = "\n".join("%d: %s" % (i + 1, word) for i in range(n)) if word else "No idea."
            return self.send(200, completion(text))
        with LOCK:
            first = (model, prompt) not in SEEN
            SEEN[(model, prompt)] = 1
        if self.path.startswith("/moved/"):
            return self.send(200, good)
        if model == "good":
            return self.send(200, good)
        if model == "noscore":
            return self.send(200, completion("I cannot tell what this feature does."))
        if model == "markdown":
            return self.send(200, completion("**Score:** %d\n**Explanation:** bold reply" % s))
        if model == "bracket":
            return self.send(200, completion("score: [%d]\nexplanation: bracketed" % s))
        if model == "escape":
            return self.send(200, completion("Score: %d\nExplanation: evil \x1b]0;pwned\x07"
                                             "\x1b[2J\x9b31m end" % s))
        if model == "malformed":
            return self.send(200, b"{\"choices\": [ this is not json")
        if model == "nochoices":
            return self.send(200, {"object": "chat.completion"})
        if model == "slow":
            time.sleep(3)
            return self.send(200, good)
        if model == "huge":
            return self.send(200, completion("Score: 5\nExplanation: " + "x" * (3 << 20)))
        if model == "429":
            if first:
                return self.send(429, {"error": {"message": "slow down"}}, [("Retry-After", "2")])
            return self.send(200, good)
        if model == "500":
            if first:
                return self.send(500, {"error": {"message": "overloaded"}})
            return self.send(200, good)
        if model == "401":
            return self.send(401, {"error": {"message": "bad key %s \x1b[31mred"
                                             % self.headers.get("Authorization")}})
        if model == "redirect":
            port = self.server.server_address[1]
            return self.send(307, b"", [("Location", "http://127.0.0.2:%d/v1/chat/completions" % port)])
        if model == "samehost":
            return self.send(307, b"", [("Location", "/moved/chat/completions")])
        return self.send(404, {"error": {"message": "no such model"}})


srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
srv.daemon_threads = True
with open(os.path.join(DIR, "port.tmp"), "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(os.path.join(DIR, "port.tmp"), os.path.join(DIR, "port"))
srv.serve_forever()
