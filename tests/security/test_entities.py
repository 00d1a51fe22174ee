"""Entity attacks in posted pages: a DOCTYPE that declares entities (billion
laughs, external SYSTEM entities for a file or a URL) expands nothing, reads no
file and opens no connection."""

from __future__ import annotations

import ast
import socket
import threading
import time

from services.ingest.parsing import parse_page
from shared.migrate import ROOT


def hostile_page(port: int) -> bytes:
    levels = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    return (
        "<!DOCTYPE html [\n"
        + "\n".join(levels)
        + '\n<!ENTITY xxe SYSTEM "file:///etc/passwd">'
        + f'\n<!ENTITY net SYSTEM "http://127.0.0.1:{port}/xxe">'
        + f'\n<!ENTITY % remote SYSTEM "http://127.0.0.1:{port}/dtd"> %remote;'
        + "\n]>\n<html><body>\n"
        + '<p class="today">Monday, 15 December 2025</p>\n'
        + "<h2>Entity Headline &lol9;</h2>\n"
        + "<p>File: &xxe; Net: &net; End of the text.</p>\n"
        + "</body></html>\n"
    ).encode()


def test_entities_expand_nothing_and_fetch_nothing() -> None:
    connections: list[object] = []
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.settimeout(0.2)
        port = listener.getsockname()[1]
        stop = threading.Event()

        def accept() -> None:
            while not stop.is_set():
                try:
                    connections.append(listener.accept())
                except OSError:
                    continue

        watcher = threading.Thread(target=accept, daemon=True)
        watcher.start()
        t0 = time.perf_counter()
        page = parse_page(hostile_page(port), "text/html")
        elapsed = time.perf_counter() - t0
        stop.set()
        watcher.join(5)

    assert connections == [], "the parser opened a connection"
    assert elapsed < 2.0
    text = " ".join(
        [a.title for a in page.articles] + [p for a in page.articles for p in a.paragraphs]
    )
    assert "root:" not in text  # /etc/passwd was not read
    assert text.count("lol") < 10 and len(text) < 2000  # a billion laughs is 3 GB
    assert any(a.title.startswith("Entity Headline") for a in page.articles)


def test_no_xml_parser_reads_posted_input() -> None:
    """The ingest side never hands posted bytes to an XML parser (lxml's would
    resolve entities by default); HTML goes to Lexbor, which has no DTD support."""
    offenders = []
    for path in (ROOT / "services" / "ingest").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                if name.split(".")[0] in {"lxml", "xml", "defusedxml", "html5lib", "bs4"}:
                    offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []
