"""End to end with a second client: pytest-lsp (PyPI) starts `entramap lsp` as a subprocess
and speaks to it over stdio with the recorded capabilities of real editors (VS Code, Neovim,
Emacs), checking each answer against them. It opens the broken IDmelon example, receives the
diagnostics, hovers `Switch` and applies the quick fix of the typo.

Run by tests/pytest-lsp/run.sh (which .ci/run calls) against $ENTRAMAP_BIN, by default
target/debug/entramap.
"""

import os
import pathlib

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = os.environ.get("ENTRAMAP_BIN", str(ROOT / "target" / "debug" / "entramap"))
EXAMPLE = ROOT / "examples" / "broken" / "idmelon-typo.entramap.yaml"
TYPO = "[givenNme]"
# The typo in the expression (the file's header comment names it first).
TYPO_IN_EXPRESSION = TYPO + ", [surname]"

# The editors whose capabilities pytest-lsp ships (recorded from the real clients).
CLIENTS = ["visual-studio-code@v1.65.2", "neovim@v0.11.0", "emacs@v29.1"]


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[BINARY, "lsp"]),
    params=CLIENTS,
)
async def client(lsp_client: LanguageClient, request):
    result = await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(request.param),
            root_uri=EXAMPLE.parent.as_uri(),
        )
    )
    lsp_client.encoding = result.capabilities.position_encoding or "utf-16"
    assert result.server_info.name == "entramap"
    yield
    await lsp_client.shutdown_session()


def position(text: str, needle: str, encoding: str) -> types.Position:
    """Where `needle` first starts in `text`, in the negotiated position encoding."""
    offset = text.index(needle)
    line = text.count("\n", 0, offset)
    before = text[text.rfind("\n", 0, offset) + 1 : offset]
    if encoding == "utf-8":
        character = len(before.encode("utf-8"))
    elif encoding == "utf-32":
        character = len(before)
    else:
        character = len(before.encode("utf-16-le")) // 2
    return types.Position(line=line, character=character)


def offset(text: str, at: types.Position, encoding: str) -> int:
    """The string index of a position (inverse of `position`)."""
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    start = starts[at.line]
    line = text[start:].split("\n", 1)[0]
    units = 0
    for i, c in enumerate(line):
        if units >= at.character:
            return start + i
        units += {"utf-8": len(c.encode("utf-8")), "utf-32": 1}.get(
            encoding, len(c.encode("utf-16-le")) // 2
        )
    return start + len(line)


def apply(text: str, edits: list[types.TextEdit], encoding: str) -> str:
    """The text with `edits` applied (last first, so earlier offsets stay valid)."""
    spans = [
        (offset(text, e.range.start, encoding), offset(text, e.range.end, encoding), e.new_text)
        for e in edits
    ]
    for start, end, new in sorted(spans, reverse=True):
        text = text[:start] + new + text[end:]
    return text


async def open_example(client: LanguageClient, uri: str, text: str):
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="yaml", version=1, text=text)
        )
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return client.diagnostics[uri]


async def test_diagnostics_hover_and_quick_fix(client: LanguageClient, tmp_path):
    # A copy, so that nothing here could touch the example.
    path = tmp_path / EXAMPLE.name
    text = EXAMPLE.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    encoding = client.encoding

    diagnostics = await open_example(client, uri, text)
    assert sorted(str(d.code) for d in diagnostics) == [
        "connect-sync-only-function",
        "matching-precedence-duplicate",
        "unknown-source-attribute",
    ]
    typo = next(d for d in diagnostics if d.code == "unknown-source-attribute")
    start = position(text, TYPO_IN_EXPRESSION, encoding)
    assert typo.range.start == start
    assert typo.range.end == types.Position(line=start.line, character=start.character + len(TYPO))
    assert typo.severity == types.DiagnosticSeverity.Error
    assert typo.source == "entramap"
    assert "did you mean `givenName`?" in typo.message
    assert typo.code_description.href.endswith("docs/rules.md#unknown-source-attribute")

    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=position(text, "Switch(", encoding),
        )
    )
    assert hover is not None
    assert "Switch(source, defaultValue?, key, value, …)" in hover.contents.value
    assert "contexts: app-provisioning" in hover.contents.value

    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=typo.range,
            context=types.CodeActionContext(diagnostics=[typo]),
        )
    )
    titles = [a.title for a in actions]
    assert "Suppress `unknown-source-attribute` in this mapping (with a reason)" in titles
    [fix] = [a for a in actions if a.is_preferred]
    assert fix.kind == types.CodeActionKind.QuickFix
    assert fix.title == "write `givenName`"
    fixed = apply(text, fix.edit.changes[uri], encoding)
    assert fixed == text.replace(TYPO_IN_EXPRESSION, "[givenName], [surname]")

    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=fixed)],
        )
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert sorted(str(d.code) for d in client.diagnostics[uri]) == [
        "connect-sync-only-function",
        "matching-precedence-duplicate",
    ]
