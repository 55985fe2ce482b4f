"""Make tests/data/release-0.1.sqlite and release-0.1.json: a small file written by release 0.1.

Kept for the record, not run by the tests. The two files it wrote are committed, and the upgrade
tests (tests/store/test_upgrade_from_0_1.py) open them with the code of the day: a database an
analyst made with 0.1 must still open, upgrade and keep every record.

It MUST be run with the 0.1 code (schema 0001 only, no record table of applied steps). Running it
with a later release would write a file of that release, so it refuses when the code it imports
knows more than one migration. It was run from an extract of the 0.1 commit, so that nothing in a
working copy could leak in:

    mkdir /tmp/pt-0.1 && git archive 880a28f | tar -x -C /tmp/pt-0.1
    cd /tmp/pt-0.1 && PYTHONPATH=/tmp/pt-0.1 /work/main/.venv/bin/python \
        /work/main/tests/data/make_release_0_1.py /work/main/tests/data

What the file holds, all made through the same services the window uses (app.services.editing),
so the audit log holds what a real session leaves there:
  * the bundled seeds (`policy-tracker init`), plus a Persian source with Arabic letter forms
    (ي, ك), a zero-width non-joiner and Persian digits, cited by a Persian item;
  * a framework with a three-level hierarchy (a goal, its sub-items, a sub-sub-item);
  * a numeric target with observations (one pointing at a citation);
  * status updates, one of them withdrawn again (an undo);
  * item edits (title, tags, parent);
  * relations, one added and removed again, and a deleted item (with its citation and history);
then the JSON export of the result (`policy-tracker export`).
"""
from __future__ import annotations

import sqlite3
import sys
import tempfile
from pathlib import Path

from app import cli
from app.services import editing
from app.services.sources import add_source
from app.store import db as dbmod
from app.store.store import Store

PERSIAN_TEXT = (
    "برنامه هفتم توسعه، فصل اقتصاد ديجيتال\n\n"
    "هدف: افزایش سهم اقتصاد دیجیتال از تولید ناخالص داخلی از حدود ۷ درصد به ۱۰ درصد تا پایان برنامه.\n"
    "دولت موظف است زیرساخت ملي ارتباطات را در سراسر كشور گسترش دهد و خدمات دولت الکترونیک را "
    "برای همه شهروندان فراهم می‌کند.\n"
    "شمار کسب‌وکارهای فعال دیجیتال باید به ۲۵۰۰۰ برسد.\n"
)


def main(out_dir: Path) -> None:
    if dbmod.latest_version() != 1:
        sys.exit(f"this code knows schema {dbmod.latest_version()}: run this script with the 0.1 code (schema 1)")
    out_dir.mkdir(parents=True, exist_ok=True)
    db_file, json_file = out_dir / "release-0.1.sqlite", out_dir / "release-0.1.json"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "release-0.1.sqlite"
        assert cli.main(["init", "--db", str(work)]) == 0
        with Store(work) as s:
            fill(s)
        assert cli.main(["check", "--db", str(work)]) == 0
        assert cli.main(["export", "--db", str(work), "-o", str(json_file)]) == 0
        # one self-contained file in rollback-journal mode: no -wal to commit beside it
        conn = sqlite3.connect(work)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.close()
        db_file.unlink(missing_ok=True)
        db_file.write_bytes(work.read_bytes())
    print(f"wrote {db_file} ({db_file.stat().st_size} bytes) and {json_file}")


def fill(s: Store) -> None:
    src_id, _ = add_source(s, PERSIAN_TEXT, title="برنامه هفتم توسعه (گزیده)", publisher="سازمان برنامه و بودجه",
                           published_on="2024-03-01", language="fa")
    fw, _ = editing.create_framework(s, "Release 0.1 fixture: برنامه هفتم", actor="دولت",
                                     description="Made by tests/data/make_release_0_1.py")
    goal, _ = editing.create_item(s, {"framework_id": fw, "ref": "1", "kind": "goal",
                                      "title": "گسترش اقتصاد دیجیتال", "tags": ["digital", "اقتصاد"]})
    share, _ = editing.create_item(s, {"framework_id": fw, "parent_id": goal, "ref": "1.1", "kind": "target",
                                       "title": "Digital economy share of GDP to 10%",
                                       "actor": "Plan and Budget Organization", "due_on": "2028-03-20"})
    infra, _ = editing.create_item(s, {"framework_id": fw, "parent_id": goal, "ref": "1.2", "kind": "commitment",
                                       "title": "زیرساخت ملي ارتباطات در سراسر كشور"})
    egov, _ = editing.create_item(s, {"framework_id": fw, "parent_id": infra, "ref": "1.2.1", "kind": "commitment",
                                      "title": "E-government services for every citizen",
                                      "description": "خدمات دولت الکترونیک"})
    doomed, _ = editing.create_item(s, {"framework_id": fw, "ref": "9", "kind": "proposal",
                                        "title": "A proposal dropped again"})

    # citations: into the Persian source (offsets in code points) and into a seeded English one
    def cite(item, source, words):
        text = s.get_source(source)["text"]
        start = text.index(words)
        return editing.add_citation(s, item, source, start, start + len(words))[0]["id"]
    share_cit = cite(share, src_id, "از حدود ۷ درصد به ۱۰ درصد")
    cite(infra, src_id, "زیرساخت ملي ارتباطات را در سراسر كشور")
    cite(egov, src_id, "خدمات دولت الکترونیک را برای همه شهروندان فراهم می‌کند")
    cite(doomed, src_id, "کسب‌وکارهای فعال دیجیتال")
    english = next(x for x in s.list_sources() if x["language"] == "en")
    eng_text = s.get_source(english["id"])["text"]
    first_word = eng_text.split()[0]
    cite(goal, english["id"], first_word)

    # a target and its observations
    editing.set_target(s, share, {"unit": "% of GDP", "baseline": 7, "baseline_on": "2024-03-20", "target": 10,
                                  "target_on": "2028-03-20", "direction": "increase"})
    editing.add_observation(s, share, 7.2, "2024-09-22", "گزارش مرکز آمار", citation_id=share_cit)
    editing.add_observation(s, share, 7.6, "2025-03-20", "Annual report")

    # status history, with one update withdrawn again (undo)
    editing.add_status_update(s, goal, "not_started", "2024-03-20", "Adopted with the plan.", "analyst")
    editing.add_status_update(s, goal, "in_progress", "2024-10-01", "نخستین گام‌ها برداشته شد", "تحلیلگر")
    editing.add_status_update(s, share, "in_progress", "2025-03-20", "7.6% reported.", "analyst")
    wrong, _ = editing.add_status_update(s, share, "achieved", "2025-04-01", "entered by mistake", "analyst")
    editing.remove_status_update(s, wrong["id"], fallback_status=wrong["previous_status"])
    editing.add_status_update(s, doomed, "proposed", "2024-05-01", "Floated once.", "analyst")

    # edits to items already there
    editing.update_item(s, egov, {"title": "E-government services for every citizen (۱۴۰۷)", "tags": ["e-gov"]})
    editing.update_item(s, infra, {"due_on": "2027-12-31", "actor": "وزارت ارتباطات"})

    # relations: to seeded items, one removed again; then a deleted item with everything on it
    seeded = [i for i in s.item_ids() if i not in {goal, share, infra, egov, doomed}]
    editing.add_relation(s, share, seeded[0], "aligns_with", "هم‌راستا")
    editing.add_relation(s, infra, seeded[1], "supports")
    gone, _ = editing.add_relation(s, egov, seeded[2], "same_as", "a link drawn by mistake")
    editing.remove_relation(s, gone["id"])
    editing.add_relation(s, doomed, goal, "conflicts_with")
    editing.delete_item(s, doomed)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent)
