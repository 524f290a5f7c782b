"""``destination_conf`` of every ``cloudflare_logpush_job`` in a Terraform (HCL) file, read
without evaluating anything. Pure: text in, findings out.

Only a plain quoted string is a value that can be checked before ``terraform plan``; anything
else (a reference, a function call, a heredoc, a string with ``${...}`` or ``%{...}``) is
reported as interpolated. The syntax followed is HCL's native syntax specification
(hashicorp/hcl, ``hclsyntax/spec.md``): ``#`` and ``//`` line comments, ``/* */`` block
comments, quoted templates whose ``$${`` and ``%%{`` are literal, heredocs ``<<ID`` and
``<<-ID``, and the escapes ``\\n \\r \\t \\" \\\\ \\uNNNN \\UNNNNNNNN``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hec_doctor.errors import InputError

RESOURCE = "cloudflare_logpush_job"
_HEADER = re.compile(r'resource\s+"' + RESOURCE + r'"\s+"([^"]*)"\s*\{')
_ATTRIBUTE = re.compile(r"destination_conf\s*=\s*")
_HEREDOC = re.compile(r"<<-?([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n")
# The expression of a resource with no destination_conf (Terraform requires one: a file
# that has none is not valid yet).
NO_ATTRIBUTE = "(no destination_conf)"
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


@dataclass(frozen=True)
class Destination:
    """One resource's ``destination_conf``.

    Attributes:
        address: ``cloudflare_logpush_job.NAME``.
        line: the 1-based line of the attribute (of the resource when it has none).
        value: the string's value when it is a plain literal, else None.
        expression: for an interpolated value, what it is built from (references only, never
            its literal text, which may hold a token); else "".
    """

    address: str
    line: int
    value: str | None
    expression: str


def destinations(text: str) -> list[Destination]:
    """Every ``cloudflare_logpush_job`` in ``text``, in file order."""
    code = _code_mask(text)
    found = []
    for header in _HEADER.finditer(text):
        if not code[header.start()] or not _starts_line(text, header.start()):
            continue
        body_start = header.end()
        body_end = _closing_brace(text, code, body_start)
        address = f"{RESOURCE}.{header.group(1)}"
        attribute = _attribute(text, code, body_start, body_end)
        if attribute is None:
            found.append(Destination(address, _line(text, header.start()), None, NO_ATTRIBUTE))
            continue
        value_start = attribute.end()
        line = _line(text, attribute.start())
        try:
            value = _value(text, code, value_start, body_end)
        except ValueError as exc:
            raise InputError(f"line {line}: {exc}") from None
        found.append(Destination(address, line, *value))
    return found


def json_destinations(text: str) -> list[Destination]:
    """Every ``cloudflare_logpush_job`` of a Terraform file in JSON syntax, in file order.

    Terraform reads JSON syntax from files named ``*.tf.json`` (developer.hashicorp.com,
    terraform/language/syntax/json), and CDK for Terraform synthesizes "Terraform compatible
    JSON" (hashicorp/terraform-cdk, website/docs/cdktf/create-and-deploy/configuration-file.mdx).

    HCL's JSON syntax (hashicorp/hcl ``json/spec.md``): a body, and each level of block labels,
    is an object or an array of objects; the property ``"//"`` of a body is a comment; an
    argument's string is a native template (``${...}``/``%{...}`` interpolate, ``$${`` and
    ``%%{`` are literal), so it is a literal only without interpolation.

    Raises:
        InputError: the text is not JSON, or its root is not an object.
    """
    import json

    try:
        root = json.loads(text)
    except ValueError as exc:
        raise InputError(f"not valid JSON: {exc}") from None
    if not isinstance(root, dict):
        raise InputError("the root of Terraform's JSON syntax must be an object")
    found = []
    searched_from = 0
    for kind, by_type in _properties(root):
        if kind != "resource":
            continue
        for type_name, by_name in _properties(by_type):
            if type_name != RESOURCE:
                continue
            for name, bodies in _properties(by_name):
                for body in bodies if isinstance(bodies, list) else [bodies]:
                    address = f"{RESOURCE}.{name}"
                    value = dict(_properties(body)).get("destination_conf")
                    # A line to point at: the name's key, then the next "destination_conf"
                    # key after it (json.loads keeps no positions).
                    named = text.find(json.dumps(name), searched_from)
                    named = searched_from if named == -1 else named
                    if value is None:
                        searched_from = named + 1
                        found.append(Destination(address, _line(text, named), None,
                                                 NO_ATTRIBUTE))
                        continue
                    key = text.find('"destination_conf"', named)
                    key = named if key == -1 else key
                    searched_from = key + 1
                    if not isinstance(value, str):
                        found.append(Destination(address, _line(text, key), None,
                                                 "an expression"))
                    elif _interpolating(value):
                        found.append(Destination(address, _line(text, key), None,
                                                 _outline(json.dumps(value))))
                    else:
                        found.append(Destination(
                            address, _line(text, key),
                            value.replace("$${", "${").replace("%%{", "%{"), ""))
    return found


def _properties(value: object) -> list[tuple[str, object]]:
    """An object's properties in order, or those of each object of an array, ``"//"`` (a
    comment) left out; nothing for anything else."""
    objects = value if isinstance(value, list) else [value]
    return [(key, item) for element in objects if isinstance(element, dict)
            for key, item in element.items() if key != "//"]


def _starts_line(text: str, position: int) -> bool:
    return text[text.rfind("\n", 0, position) + 1:position].strip() == ""


def _line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _attribute(text: str, code: list[bool], start: int, end: int) -> re.Match[str] | None:
    """``destination_conf =`` at the top level of the block body: at the start of a line, or
    right after the opening brace of a one-line block (hclsyntax spec.md, "Structural
    Elements": ``OneLineBlock = Identifier (StringLit|Identifier)* "{" (Identifier "="
    Expression)? "}" Newline``)."""
    depth = 0
    position = start
    while position < end:
        char = text[position]
        if code[position]:
            if char in "{[(":
                depth += 1
            elif char in "}])":
                depth -= 1
            elif depth == 0 and char == "d" and (_starts_line(text, position)
                                                 or not text[start:position].strip()):
                match = _ATTRIBUTE.match(text, position)
                if match:
                    return match
        position += 1
    return None


def _value(text: str, code: list[bool], start: int, end: int) -> tuple[str | None, str]:
    """(literal value or None, the expression as written when it is not a literal).

    Raises:
        ValueError: a quoted string or a heredoc that is never closed.
    """
    line_end = text.find("\n", start)
    line_end = end if line_end == -1 or line_end > end else line_end
    heredoc = _HEREDOC.match(text, start)
    if heredoc is not None:
        return _heredoc(text, heredoc)
    if text.startswith('"', start):
        close = start + 1
        while close < line_end and not (text[close] == '"' and code[close]):
            close += 1
        if close >= line_end and not _interpolating(text[start + 1:line_end]):
            # A quoted string ends on its own line (hclsyntax spec.md, "Template Expressions";
            # Terraform: "Unterminated template string").
            raise ValueError("the quoted string is never closed on its line (Terraform: "
                             "Unterminated template string)")
        rest = text[close + 1:line_end].strip()
        raw = text[start + 1:close]
        if close < line_end and (not rest or rest.startswith(("#", "//"))) and \
                not _interpolating(raw):
            return _unescape(raw), ""
    return None, _outline(text[start:line_end].strip())


def _interpolating(raw: str) -> bool:
    """True when template text holds ``${`` or ``%{`` (not the literal ``$${``/``%%{``)."""
    return bool(re.search(r"(?<![$%])[$%]\{", raw.replace("$${", "").replace("%%{", "")))


def _heredoc(text: str, opener: re.Match[str]) -> tuple[str | None, str]:
    """A heredoc's value as HCL gives it (hclsyntax spec.md, "Template Expressions"): every
    line up to the closing marker's, each with its line break (the last included, which is why
    Terraform users write chomp()); with ``<<-``, the least indentation of the lines that are
    not blank removed from each (parser_template.go, trimHeredocIndent). Without ``${``/``%{``
    it is a literal, like a quoted string (backslashes are not escapes in a heredoc)."""
    marker = opener.group(1)
    closing = re.compile(r"^[ \t]*" + re.escape(marker) + r"[ \t]*\r?$", re.M)
    found = closing.search(text, opener.end())
    if found is None:
        raise ValueError(f"the heredoc <<{marker} is never closed (no line holding {marker} "
                         "alone)")
    body = text[opener.end():found.start()]
    if _interpolating(body):
        return None, _outline(text[opener.start():found.end()])
    lines = body.splitlines(keepends=True)
    if opener.group(0).startswith("<<-"):
        indents = [len(line) - len(line.lstrip()) for line in lines
                   if line.strip() or not line.endswith("\n")]
        cut = min(indents, default=0)
        lines = [line[cut:] if line.strip() or not line.endswith("\n") else line
                 for line in lines]
    return "".join(lines).replace("$${", "${").replace("%%{", "%{"), ""


# References an expression can be built from (HCL's named values); anything else in it is
# literal text, which may hold the token.
_REFERENCE = re.compile(r"\b(?:var|local|module|data|each|count|path|terraform|self)"
                        r"(?:\.[A-Za-z_][\w-]*)+")


def _outline(expression: str) -> str:
    """What an interpolated value is built from, without its literal text: a literal part may
    hold the HEC token, so only the references are shown."""
    if expression.startswith("<<"):
        kind = "a heredoc"
    elif re.fullmatch(r'"(?:[^"\\]|\\.|\$\{.*\})*"', expression):
        kind = "a string"
    else:
        kind = "an expression"
    references = list(dict.fromkeys(_REFERENCE.findall(expression)))
    return f"{kind} built from {', '.join(references)}" if references else kind


def _unescape(raw: str) -> str:
    out = []
    position = 0
    while position < len(raw):
        char = raw[position]
        if char == "\\" and position + 1 < len(raw):
            following = raw[position + 1]
            if following in _ESCAPES:
                out.append(_ESCAPES[following])
                position += 2
                continue
            width = {"u": 4, "U": 8}.get(following)
            if width and re.fullmatch(r"[0-9A-Fa-f]+", raw[position + 2:position + 2 + width]
                                      or "-"):
                written = raw[position:position + 2 + width]
                number = int(raw[position + 2:position + 2 + width], 16)
                # A surrogate is half of a UTF-16 pair and no character, and nothing lies
                # beyond U+10FFFF: HCL refuses both, as Go's utf8.RuneLen gives -1 for them
                # (hashicorp/hcl hclsyntax/parser.go, decodeStringLit: "Invalid escape
                # sequence", "Cannot encode character U+%04x in UTF-8.").
                if 0xD800 <= number <= 0xDFFF or number > 0x10FFFF:
                    what = ("a lone surrogate (half of a UTF-16 pair)" if number <= 0xDFFF
                            else "beyond U+10FFFF, the last Unicode character")
                    raise ValueError(f"{written} is {what}; Terraform refuses it: Invalid escape "
                                     f"sequence: Cannot encode character U+{number:04x} in "
                                     "UTF-8.")
                out.append(chr(number))
                position += 2 + width
                continue
        out.append(char)
        position += 1
    return "".join(out).replace("$${", "${").replace("%%{", "%{")


def _closing_brace(text: str, code: list[bool], start: int) -> int:
    depth = 1
    for position in range(start, len(text)):
        if code[position]:
            if text[position] == "{":
                depth += 1
            elif text[position] == "}":
                depth -= 1
                if depth == 0:
                    return position
    return len(text)


def _code_mask(text: str) -> list[bool]:
    """For each character: True when it is code (outside comments, string and heredoc text).

    A string's quotes are code; its text is not, except inside ``${ }`` and ``%{ }``, which
    hold code (and may hold strings of their own).
    """
    mask = [True] * len(text)
    # The stack holds what encloses the current position: "string", or "template" with the
    # brace depth reached inside it.
    stack: list[list[object]] = []
    position = 0
    length = len(text)
    while position < length:
        char = text[position]
        inside = stack[-1] if stack else None
        if inside is not None and inside[0] == "string":
            if char == "\\":
                mask[position:position + 2] = [False] * len(mask[position:position + 2])
                position += 2
                continue
            if char == '"':
                stack.pop()
                position += 1
                continue
            if char in "$%" and text.startswith("{", position + 1):
                if text.startswith(char * 2 + "{", position):  # $${ and %%{ are literal
                    mask[position:position + 3] = [False] * 3
                    position += 3
                    continue
                stack.append(["template", 0])
                position += 2
                continue
            if char == "\n":  # an unterminated string ends at the line, as HCL reports it
                stack.pop()
                position += 1
                continue
            mask[position] = False
            position += 1
            continue
        # code: top level or inside a template interpolation
        if char == '"':
            stack.append(["string"])
            position += 1
            continue
        if inside is not None and inside[0] == "template":
            if char == "{":
                inside[1] = int(inside[1]) + 1  # type: ignore[call-overload]
            elif char == "}":
                if inside[1] == 0:
                    stack.pop()
                    position += 1
                    continue
                inside[1] = int(inside[1]) - 1  # type: ignore[call-overload]
        if char == "#" or text.startswith("//", position):
            end = text.find("\n", position)
            end = length if end == -1 else end
            mask[position:end] = [False] * (end - position)
            position = end
            continue
        if text.startswith("/*", position):
            end = text.find("*/", position + 2)
            end = length if end == -1 else end + 2
            mask[position:end] = [False] * (end - position)
            position = end
            continue
        heredoc = _HEREDOC.match(text, position) if char == "<" else None
        if heredoc:
            closing = re.compile(r"^[ \t]*" + re.escape(heredoc.group(1)) + r"[ \t]*$", re.M)
            end_match = closing.search(text, heredoc.end())
            end = length if end_match is None else end_match.end()
            mask[heredoc.end():end] = [False] * (end - heredoc.end())
            position = end
            continue
        position += 1
    return mask
