"""The security, operations and benchmarks notes say which test proves each rule: every test
file and test they name must exist, so a renamed or deleted test cannot leave a note claiming a
proof that no longer runs."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ["docs/security.md", "docs/operations.md", "docs/benchmarks.md"]
#: `tests/x/test_y.py` or `tests/x/test_y.py::test_z`.
TEST_PATH = re.compile(r"(tests/[\w/]+\.py)(?:::(\w+))?")
#: A test named on its own, `test_z` (not part of a path or a file name).
TEST_NAME = re.compile(r"(?<![\w/.:])(test_\w+)(?!\w|\.py)")


def functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}


def every_test_function() -> set[str]:
    return set().union(*(functions(path) for path in (ROOT / "tests").rglob("*.py")))


@pytest.mark.parametrize("doc", DOCS)
def test_every_test_a_note_names_exists(doc):
    text = (ROOT / doc).read_text()
    known = every_test_function()
    missing = []
    for path, name in TEST_PATH.findall(text):
        if not (ROOT / path).is_file():
            missing.append(path)
        elif name and name not in functions(ROOT / path):
            missing.append(f"{path}::{name}")
    missing += [name for name in TEST_NAME.findall(text) if name not in known]

    assert not missing, f"{doc} names tests that do not exist: {missing}"


def test_the_check_notices_a_test_that_does_not_exist():
    text = "See `tests/test_docs_name_real_tests.py::test_nothing_of_the_kind` and `test_absent`."
    paths = TEST_PATH.findall(text)
    names = TEST_NAME.findall(text)

    assert paths == [("tests/test_docs_name_real_tests.py", "test_nothing_of_the_kind")]
    assert "test_nothing_of_the_kind" not in functions(ROOT / paths[0][0])
    assert names == ["test_absent"]
