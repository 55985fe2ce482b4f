"""`policy-tracker review-copy`, `review` and `review-import`: bad input is one sentence and exit 1."""
from __future__ import annotations

import sqlite3

import pytest

from app import cli


@pytest.fixture
def copy(seeded_path, tmp_path, capsys):
    path = tmp_path / "copy.sqlite"
    assert cli.main(["review-copy", "--db", str(seeded_path), "-o", str(path)]) == 0
    capsys.readouterr()
    return path


@pytest.mark.parametrize("argv, message", [
    (["review", "{copy}"], "Give --list, or an entry id followed by approve or return."),
    (["review", "{copy}", "x", "approve", "--list"], "Give either --list or an entry and approve|return, not both."),
    (["review", "{copy}", "x", "maybe", "--reviewer", "A"], "“maybe” is not a decision; write approve or return."),
    (["review", "{copy}", "x", "approve"], "Give the reviewer's name with --reviewer NAME."),
    (["review", "{copy}", "x", "approve", "--reviewer", "A"], "No status update, observation or item has the id “x”."),
    (["review", "{copy}", "x", "approve", "--json"], "--json goes with --list."),
    (["review", "{missing}", "--list"], "There is no file at {missing}."),
    (["review-copy", "--db", "{db}", "-o", "{copy}2", "--framework", "Nope"],
     "No framework has the id or title “Nope”; `policy-tracker framework list` shows them."),
    (["review-import", "--db", "{db}", "{missing}"], "There is no review copy at {missing}."),
    (["review-copy", "--db", "{db}", "-o", "{folder}"], "{folder} is a folder, not a file; choose a file name to write "
                                                        "the review copy to."),
    (["review-import", "--db", "{copy}", "{copy}"], "That is the file that is open; choose the review copy that came "
                                                    "back."),
])
def test_bad_review_commands_say_one_sentence(argv, message, copy, seeded_path, tmp_path, capsys):
    """Each mistake is one sentence on stderr, exit code 1, and no decision is written."""
    names = {"copy": str(copy), "db": str(seeded_path), "missing": str(tmp_path / "missing.sqlite"),
             "folder": str(tmp_path)}
    assert cli.main([a.format(**names) for a in argv]) == 1
    assert capsys.readouterr().err == f"policy-tracker: {message.format(**names)}\n"
    for path in (copy, seeded_path):
        c = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            assert c.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0
        finally:
            c.close()


def test_review_list_in_text_and_an_empty_list(copy, capsys):
    """--list prints one line per entry awaiting review; none says so on stderr and exits 0."""
    assert cli.main(["review", str(copy), "--list"]) == 0
    got = capsys.readouterr()
    assert (got.out, got.err) == ("", "No entry is awaiting review.\n")
    assert cli.main(["review", str(copy), "--list", "--json"]) == 0
    assert capsys.readouterr().out == "[]\n"


def test_gui_review_refuses_a_file_that_is_not_a_review_copy(seeded_path, capsys):
    """`policy-tracker --review FILE` on a desk file says so in one sentence before any window opens."""
    assert cli.main(["--review", str(seeded_path)]) == 1
    assert capsys.readouterr().err == (f"policy-tracker: {seeded_path} is not a review copy; open it without "
                                       f"--review, or make one with `policy-tracker review-copy`.\n")


def test_a_return_needs_a_comment_and_a_draft_cannot_be_decided(seeded_path, tmp_path, capsys):
    """As in the window: `return` without --comment is refused; so is a decision on an entry still a draft."""
    from app.services import operations as ops
    from app.services import review
    from app.store.store import Store
    with Store(seeded_path) as s:
        iid = s.item_ids(limit=1)[0]
        draft = ops.AddStatusUpdate(iid, "in_progress", "2025-06-01", "Half-written")
        sent = ops.AddStatusUpdate(iid, "in_progress", "2025-06-02", "Submitted")
        h = ops.History(s)
        h.do(review.with_state(draft, draft.update_id, "draft"))
        h.do(review.with_state(sent, sent.update_id, "submitted"))
    path = tmp_path / "copy.sqlite"
    assert cli.main(["review-copy", "--db", str(seeded_path), "-o", str(path)]) == 0
    capsys.readouterr()
    assert cli.main(["review", str(path), sent.update_id, "return", "--reviewer", "Director"]) == 1
    assert capsys.readouterr().err == ("policy-tracker: Say in the comment what should change: a returned entry "
                                       "needs one.\n")
    assert cli.main(["review", str(path), draft.update_id, "approve", "--reviewer", "Director"]) == 1
    assert capsys.readouterr().err == ("policy-tracker: This entry is a draft: the desk has not submitted it for "
                                       "review yet.\n")
    c = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        assert c.execute("SELECT count(*) FROM reviews WHERE reviewer = 'Director'").fetchone()[0] == 0
    finally:
        c.close()
    assert cli.main(["review", str(path), sent.update_id, "return", "--reviewer", "Director",
                     "--comment", "Which ministry said so?"]) == 0
