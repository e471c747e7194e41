"""A helpdesk bot over the HTTP service, with only the standard library: it could be written in any language.

Start the service (`pip install ".[server]"`, then `python -m diagnose serve`), then:

    python examples/http_bot.py [--url http://127.0.0.1:8000]

One message per line on stdin, one reply per message on stdout followed by a line '---'. The bot keeps only the
`state` the service returned last; a number answers with that choice's id (0: 不知道), other text is sent as is.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.request
from typing import Any


class Service:
    """The service's endpoints, called with urllib."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST a JSON body; return the JSON response (an error's JSON too, with its "error" member)."""
        request = urllib.request.Request(
            self.url + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                data: dict[str, Any] = json.load(response)
        except urllib.error.HTTPError as exc:
            data = json.load(exc)
            exc.close()
        return data


def ask(question: dict[str, Any]) -> str:
    """The question with numbered choices."""
    lines = [question["text"]["zh"]]
    for i, choice in enumerate(question["choices"], 1):
        lines.append(f"{i}. {choice['label']['zh']}")
        if choice["values"]:  # a checklist option of several kinds: 6a, 6b, …
            subs = (f"{i}{chr(97 + k)}. {x['label']['zh']}" for k, x in enumerate(choice["values"]))
            lines.append("   " + "  ".join(subs))
    if question["multiple"]:  # a checklist: any number of the choices may hold
        return "\n".join([*lines, "0. 都没有 / 记不清", "可以多选，回复编号，用空格隔开，如“1 6a”。"])
    return "\n".join([*lines, "0. 不知道"])


def conclude(diagnosis: dict[str, Any]) -> str:
    """The diagnosis as a chat message: each main cause with its steps, or the fallback."""
    lines: list[str] = []
    for cause in diagnosis["causes"]:
        lines.append(f"【{cause['strength']['zh']}】{cause['title']['zh']}\n{cause['explanation']['zh']}")
        lines += [f"{i}. {step['zh']}" for i, step in enumerate(cause["steps"], 1)]
        if cause["contacts"]:
            lines.append("联系：" + "；".join(f"{c['name']['zh']}（{c['detail']['zh']}）" for c in cause["contacts"]))
    fallback = diagnosis["fallback"]
    if fallback is not None:
        lines.append(f"【{fallback['title']['zh']}】\n{fallback['explanation']['zh']}")
        lines += [f"{i}. {step['zh']}" for i, step in enumerate(fallback["steps"], 1)]
    return "\n".join(lines)


def answer_body(state: dict[str, Any], question: dict[str, Any], message: str) -> dict[str, Any]:
    """A number picks that choice by id (0: 不知道; for a checklist, numbers pick its choices and 0 none of them);
    anything else (6a, words) is sent as free text, which the service reads against the question."""
    numbers = message.split()
    if all(n.isdigit() and int(n) <= len(question["choices"]) for n in numbers) and numbers:
        picked = [question["choices"][int(n) - 1]["id"] for n in numbers if int(n)]
        if question["multiple"]:
            return {"state": state, "fact": question["id"], "value": picked}
        if len(picked) <= 1 and len(numbers) == 1:
            return {"state": state, "fact": question["id"], "value": picked[0] if picked else None}
    return {"state": state, "text": message}


def turn(service: Service, chat: dict[str, Any] | None, message: str) -> tuple[dict[str, Any] | None, str]:
    """Handle one message: return what to keep for the next one (None when the chat is over) and the reply."""
    if chat is None:
        data = service.post("/v1/consultations", {"message": message})
    else:
        data = service.post("/v1/consultations/answer", answer_body(chat["state"], chat["question"], message))
    if "error" in data:
        return (chat, f"抱歉，没能处理：{data['error']}") if chat else (None, "抱歉，请换个说法再说一次。")
    prefix = ""
    reply = data.get("reply") or {}
    if reply.get("kind") == "choose":
        options = "\n".join(f"{i}. {c['label']['zh']}" for i, c in enumerate(reply["choices"], 1))
        question = {**data["question"], "choices": reply["choices"]}
        return {"state": data["state"], "question": question}, f"没太明白，请回复编号：\n{options}\n0. 不知道"
    if reply.get("kind") == "later":
        prefix = "好的，您先去查，最后再回到这个问题。\n"
    if data["should_stop"]:
        return None, prefix + conclude(data["diagnosis"])
    return {"state": data["state"], "question": data["question"]}, prefix + ask(data["question"])


def main() -> None:
    """Chat on stdin/stdout with the service at --url."""
    parser = argparse.ArgumentParser(description="A helpdesk bot over the diagnose HTTP service.")
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the service (default: %(default)s)")
    service = Service(parser.parse_args().url)
    chat: dict[str, Any] | None = None
    print("您好，请说说您的医保个人账户余额遇到了什么情况。\n---", flush=True)
    for line in sys.stdin:
        message = line.strip()
        if message:
            chat, reply = turn(service, chat, message)
            print(reply + "\n---", flush=True)


if __name__ == "__main__":
    main()
